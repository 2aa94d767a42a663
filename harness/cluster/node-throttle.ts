// Slower kind nodes than the machine has (KUBEPROOF_KIND_NODE_CPUS, KUBEPROOF_KIND_NODE_CPUSET):
// how a slow laptop's run reads, on this one.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { shell } from "../shell.ts";

export interface NodeThrottle {
  /** At most this many CPUs for each node container (docker's CFS quota). */
  cpus?: number;
  /** Every node container on these CPUs only, docker's --cpuset-cpus syntax. */
  cpuset?: string;
}

/** The throttle the environment asks for; a clear error for a value docker would refuse. */
export function nodeThrottleFromEnv(env: NodeJS.ProcessEnv = process.env): NodeThrottle | undefined {
  const asked = env.KUBEPROOF_KIND_NODE_CPUS;
  const cpuset = env.KUBEPROOF_KIND_NODE_CPUSET;
  if (!asked && !cpuset) return undefined;
  const cpus = asked ? Number(asked) : undefined;
  if (cpus !== undefined && (!Number.isFinite(cpus) || cpus <= 0)) throw new Error(`KUBEPROOF_KIND_NODE_CPUS must be a positive number of CPUs (e.g. 1 or 0.5), got "${asked}"`);
  if (cpuset && !/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(cpuset)) throw new Error(`KUBEPROOF_KIND_NODE_CPUSET must be a list of CPU numbers as docker's --cpuset-cpus takes it (e.g. 0 or 0-1), got "${cpuset}"`);
  return { cpus, cpuset };
}

/** How the progress line says it. */
export function describeThrottle(t: NodeThrottle): string {
  return [
    t.cpus !== undefined ? `to ${t.cpus} CPU${t.cpus === 1 ? "" : "s"} each (KUBEPROOF_KIND_NODE_CPUS)` : "",
    t.cpuset ? `onto CPU${/^\d+$/.test(t.cpuset) ? "" : "s"} ${t.cpuset} together (KUBEPROOF_KIND_NODE_CPUSET)` : "",
  ]
    .filter(Boolean)
    .join(" and ");
}

/** Throttles one running node container. */
export async function throttleContainer(container: string, t: NodeThrottle): Promise<void> {
  const $ = await shell();
  if (t.cpuset) await narrowNestedCpusets(container, t.cpuset);
  const flags = [...(t.cpus !== undefined ? ["--cpus", String(t.cpus)] : []), ...(t.cpuset ? ["--cpuset-cpus", t.cpuset] : [])];
  await $({ quiet: true })`docker update ${flags} ${container}`;
}

/**
 * On a cgroup v1 host a cpuset cgroup cannot give up a CPU one of its children still holds
 * (EBUSY), and a running kind node already has the kubelet's pods nested under it. So the
 * children are narrowed first, deepest first, before docker narrows the container's own. On
 * cgroup v2 a parent's cpuset bounds its children by itself and docker alone suffices. The walk
 * repeats when a pod started in between (a new child still on every CPU).
 */
async function narrowNestedCpusets(container: string, cpuset: string): Promise<void> {
  const $ = await shell();
  if (existsSync("/sys/fs/cgroup/cgroup.controllers")) return;
  const pid = (await $({ quiet: true })`docker inspect -f {{.State.Pid}} ${container}`).stdout.trim();
  const line = readFileSync(`/proc/${pid}/cgroup`, "utf8").split("\n").find((l) => /^\d+:([^:]*,)?cpuset(,[^:]*)?:/.test(l));
  if (!line) return;
  const top = path.join("/sys/fs/cgroup/cpuset", line.slice(line.indexOf(":", line.indexOf(":") + 1) + 1));
  if (!existsSync(top)) throw new Error(`KUBEPROOF_KIND_NODE_CPUSET: node ${container}'s cpuset cgroup ${top} is not visible from here (a cgroup v1 host lets the nodes be pinned only from the host itself)`);
  for (let attempt = 1; ; attempt++) {
    try {
      for (const dir of descendants(top).sort((a, b) => b.split("/").length - a.split("/").length)) writeFileSync(path.join(dir, "cpuset.cpus"), cpuset);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EACCES" || code === "EPERM") throw new Error(`KUBEPROOF_KIND_NODE_CPUSET on a cgroup v1 host needs root: the pods nested in node ${container} must be narrowed before the node (${(e as Error).message})`, { cause: e });
      if (attempt >= 5) throw e;
    }
  }
}

/** Every cgroup directory under dir, not dir itself; one that vanished meanwhile is skipped. */
function descendants(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.filter((e) => e.isDirectory()).flatMap((e) => [path.join(dir, e.name), ...descendants(path.join(dir, e.name))]);
}
