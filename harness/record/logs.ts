// Logs for a failed test's report. Where containers run: the logs of the test's pods, read through
// the API (the kubelet serves them), current and previous container, and for a test with an HPA
// those of the metrics servers in kube-system. On the local provider there
// are no containers; the control-plane processes are what might have misbehaved, so the tail of
// each component's log (kwokctl keeps them under its cluster directory).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Api, KubeObject } from "../api/client.ts";
import type { ClusterInfo } from "../cluster/types.ts";
import type { Pod } from "../api/kinds.ts";

const podTailLines = 60;
const componentTailLines = 40;
const maxPods = 10;

/** The servers an HPA reads its metrics from, where they run as pods (kind): kube-system labels. */
const metricsServers = ["k8s-app=metrics-server", "app.kubernetes.io/name=kubeproof-custom-metrics"];

export async function collectLogs(api: Api, cluster: ClusterInfo, objects: KubeObject[]): Promise<string> {
  if (cluster.capabilities.containerRuntime) {
    const own = await podLogs(api, objects.filter((o) => o.kind === "Pod") as Pod[]);
    if (!objects.some((o) => o.kind === "HorizontalPodAutoscaler")) return own;
    // An HPA that did not act may have had nothing to read: the metrics servers' side too.
    const servers: Pod[] = [];
    for (const labelSelector of metricsServers) {
      const list = await api.list<Pod>("v1", "Pod", { namespace: "kube-system", labelSelector }).catch(() => ({ items: [] as Pod[] }));
      servers.push(...list.items);
    }
    return `${own}\n\n${servers.length ? await podLogs(api, servers) : "(no metrics server pods in kube-system)"}`;
  }
  if (cluster.provider === "local") return componentLogs(path.join(path.dirname(cluster.kubeconfig), "logs"));
  return "(no logs: this provider runs no containers and its control plane is not on this machine)";
}

async function podLogs(api: Api, pods: Pod[]): Promise<string> {
  if (pods.length === 0) return "(the test had no pods)";
  const out: string[] = [];
  for (const p of pods.slice(-maxPods)) {
    for (const c of p.spec?.containers ?? []) {
      // The previous container's log exists only after a restart.
      const restarted = (p.status?.containerStatuses?.find((s) => s.name === c.name)?.restartCount ?? 0) > 0;
      for (const previous of restarted ? [false, true] : [false]) {
        const where = `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}/log`;
        try {
          // The log endpoint answers text/plain; request() keeps non-JSON text as { message }.
          const text = await api.request<unknown>("GET", where, { query: { container: c.name, tailLines: podTailLines, previous: previous || undefined } });
          const body = typeof text === "string" ? text : ((text as { message?: string } | undefined)?.message ?? JSON.stringify(text));
          out.push(`=== pod ${p.metadata.name} container ${c.name}${previous ? " (previous)" : ""} ===\n${body || "(empty)"}`);
        } catch (e) {
          out.push(`=== pod ${p.metadata.name} container ${c.name}${previous ? " (previous)" : ""} ===\n(no log: ${(e as Error).message.split("\n")[0]})`);
        }
      }
    }
  }
  if (pods.length > maxPods) out.unshift(`(logs of the last ${maxPods} of ${pods.length} pods)`);
  return out.join("\n\n");
}

function componentLogs(dir: string): string {
  if (!existsSync(dir)) return `(no component logs at ${dir})`;
  return readdirSync(dir)
    .filter((f) => f.endsWith(".log"))
    .sort()
    .map((f) => `=== ${f} (last ${componentTailLines} lines) ===\n${readFileSync(path.join(dir, f), "utf8").trimEnd().split("\n").slice(-componentTailLines).join("\n")}`)
    .join("\n\n");
}
