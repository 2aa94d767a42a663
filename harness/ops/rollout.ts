// Pure analysis of a DaemonSet's pods in a recorded timeline: how many nodes were left without a
// ready pod at the same moment (what maxUnavailable bounds during a rolling update).
import type { OwnerRef, TimelineEntry } from "../record/timeline.ts";

export interface Coverage {
  /** The most nodes without a ready pod at one moment, counted once every node had been covered. */
  maxUncovered: number;
  /** The nodes uncovered at that worst moment. */
  worst: string[];
  /** Whether every node was covered at some point (the baseline the count starts from). */
  baseline: boolean;
}

/**
 * Replays the pod events of one owner in order (one watch stream, so the order is exact). A pod
 * counts for its node while it is Running and not terminating.
 */
export function nodeCoverage(entries: TimelineEntry[], owner: OwnerRef, nodes: string[]): Coverage {
  const pods = new Map<string, { node?: string; ready: boolean }>();
  let baseline = false;
  let maxUncovered = 0;
  let worst: string[] = [];
  for (const e of entries) {
    if (e.kind !== "Pod" || e.owner?.kind !== owner.kind || e.owner.name !== owner.name) continue;
    const ready = e.type !== "DELETED" && e.facts.phase === "Running" && !e.facts.terminating;
    pods.set(e.uid ?? e.name, { node: e.facts.node, ready });
    const uncovered = nodes.filter((n) => ![...pods.values()].some((p) => p.ready && p.node === n));
    if (!baseline) {
      baseline = uncovered.length === 0;
      continue;
    }
    if (uncovered.length > maxUncovered) {
      maxUncovered = uncovered.length;
      worst = uncovered;
    }
  }
  return { maxUncovered, worst, baseline };
}
