// What the scheduler counts on a node: allocatable minus the requests of the pods bound to it.
// Specs that exercise the scheduler's bookkeeping size their pods from this, so they hold on any
// cluster whatever its nodes' size and whatever else runs there.
import type { Kube } from "../test.ts";
import type { Node, Pod } from "../api/kinds.ts";
import { parseQuantity } from "../api/quantity.ts";

type Resource = "cpu" | "memory";

/** The scheduler's view of one pod's request: containers summed, or the largest init container. */
export function podRequest(pod: Pod, resource: Resource): number {
  const req = (cs: { resources?: { requests?: Record<string, string> } }[] | undefined) =>
    (cs ?? []).map((c) => parseQuantity(c.resources?.requests?.[resource] ?? "0"));
  const sum = req(pod.spec?.containers).reduce((a, b) => a + b, 0);
  const overhead = parseQuantity(pod.spec?.overhead?.[resource] ?? "0");
  return Math.max(sum, ...req(pod.spec?.initContainers)) + overhead;
}

/** Allocatable minus what the non-terminated pods on the node request. */
export async function unreserved(k: Kube, node: Node, resource: Resource): Promise<number> {
  const allocatable = parseQuantity(node.status?.allocatable?.[resource] ?? "0");
  const pods = (await k.api.list<Pod>("v1", "Pod", { fieldSelector: `spec.nodeName=${node.metadata.name},status.phase!=Succeeded,status.phase!=Failed` })).items;
  return allocatable - pods.reduce((sum, p) => sum + podRequest(p, resource), 0);
}
