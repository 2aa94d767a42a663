// Waits on Nodes.
import type { Node } from "../api/kinds.ts";
import { conditionOf, met, notYet, onList, onObject } from "./conditions.ts";

/** Taints a DaemonSet pod tolerates by default (the controller adds these tolerations). */
const daemonTolerated = new Set([
  "node.kubernetes.io/not-ready",
  "node.kubernetes.io/unreachable",
  "node.kubernetes.io/disk-pressure",
  "node.kubernetes.io/memory-pressure",
  "node.kubernetes.io/pid-pressure",
  "node.kubernetes.io/unschedulable",
]);

/** A node is eligible for a plain DaemonSet pod: Ready, and no taint it does not tolerate. */
function eligible(n: Node): boolean {
  if (conditionOf(n, "Ready")?.status !== "True" || n.metadata.deletionTimestamp) return false;
  return (n.spec?.taints ?? []).every((t) => t.effect === "PreferNoSchedule" || daemonTolerated.has(t.key));
}

/** The nodes a DaemonSet without selector or tolerations covers, as they are now (none included): met at once. */
export function eligibleNodesNow() {
  return onList<Node, Node[]>({ apiVersion: "v1", kind: "Node" }, "the Ready nodes without a taint a DaemonSet pod does not tolerate", "api", (nodes) =>
    met(nodes.filter(eligible).sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!))),
  );
}

/** Nodes a plain pod may land on (Ready, not cordoned, no NoSchedule/NoExecute taint); sorted by name. */
export function schedulableNodes() {
  const schedulable = (n: Node) =>
    conditionOf(n, "Ready")?.status === "True" && !n.metadata.deletionTimestamp && !n.spec?.unschedulable &&
    !(n.spec?.taints ?? []).some((t) => t.effect === "NoSchedule" || t.effect === "NoExecute");
  return onList<Node, Node[]>({ apiVersion: "v1", kind: "Node" }, "at least one Ready node a plain pod may be scheduled to", "api", (nodes) => {
    const ok = nodes.filter(schedulable).sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
    return ok.length > 0 ? met(ok) : notYet();
  });
}

/** The node is Ready (a fake node's simulated kubelet reported in). */
export function nodeReady(name: string, timeout: "controller" | "podStart" = "controller") {
  return onObject<Node>({ apiVersion: "v1", kind: "Node", name }, "to be Ready", timeout, (n) => (conditionOf(n, "Ready")?.status === "True" ? met(n!) : notYet()));
}
