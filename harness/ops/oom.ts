// Why a container was killed. The runtime's reason "OOMKilled" says the memory limit did it, but
// on cgroup v1 containerd can handle the container's exit before the cgroup's OOM event and then
// reports reason "Error" with exit code 137 (seen on kind here under load). The kernel's log is
// the ground truth: the memory cgroup OOM killer names the container's cgroup (with its ID) in an
// "oom-kill:constraint=CONSTRAINT_MEMCG" line. Where node access exists, that line is the evidence.
import type { Kube } from "../test.ts";
import type { Pod } from "../api/kinds.ts";
import { nodeOps } from "../cluster/node-ops.ts";

/** How we know the memory limit killed the container: the runtime's reason, or the kernel's line. */
export async function oomKillEvidence(k: Kube, pod: Pod, container: string): Promise<string> {
  const s = pod.status?.containerStatuses?.find((c) => c.name === container);
  const t = s?.state?.terminated ?? s?.lastState?.terminated;
  if (!t) throw new Error(`container ${container} of ${pod.metadata.name} has not terminated`);
  if (t.reason === "OOMKilled") return `the runtime reported reason OOMKilled (exit code ${t.exitCode})`;
  const id = t.containerID?.replace(/^[a-z]+:\/\//, "");
  if (k.cluster.capabilities.nodeFilesystem !== "docker-exec" || !id || !pod.spec?.nodeName) {
    return `no OOM evidence: reason ${t.reason ?? "(none)"}, exit code ${t.exitCode}, and no access to the node's kernel log`;
  }
  const kernelLog = await nodeOps(k.cluster, k.api).exec(pod.spec.nodeName, ["dmesg"]);
  const line = kernelLog.split("\n").find((l) => l.includes("oom-kill:constraint=CONSTRAINT_MEMCG") && l.includes(id));
  return line
    ? `the runtime reported reason ${t.reason ?? "(none)"} (exit code ${t.exitCode}); the kernel log of node ${pod.spec.nodeName} has the memory cgroup OOM kill: ${line.trim()}`
    : `no OOM evidence: reason ${t.reason ?? "(none)"}, exit code ${t.exitCode}, and no memory cgroup OOM kill of container ${id} in the kernel log of ${pod.spec.nodeName}`;
}
