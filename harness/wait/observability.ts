// Whether the suite could see the cluster while a wait ran out: the split between "the cluster
// did not act by its deadline" (contradicted) and "the suite could not tell" (inconclusive).
// The evidence is what the wait and the flight recorder already hold, plus one node list asked at
// the deadline (it shows both that the apiserver answers, and how fast, and that nodes are Ready).

export interface Evidence {
  /** Gaps in the wait's own watch or the test's flight recorder while the wait ran. */
  gaps: string[];
  /** The node list asked at the deadline: how long it took and which nodes were not Ready; or why it failed. */
  nodes: { ms: number; count: number; notReady: string[] } | { error: string };
  /** Infrastructure events while the wait ran (a control-plane process the supervisor restarted). */
  infrastructure: string[];
  /** The test's pods whose start on their node was slow while the wait ran (harness/record/pod-starts.ts). */
  slowStarts?: string[];
  /** Warning events of the cluster's controllers saying an aggregated API (the metrics API) did not serve them. */
  apisUnserved?: string[];
  /** Set where the wait's object needs something the suite brings (the metrics API, cluster DNS). */
  suiteNeeds?: string;
  /** Set where a sampled API answered 5xx to the wait's last samples: how many it did not serve. */
  notServed?: string;
}

/**
 * A node list slower than this says the apiserver is overloaded: the cluster may have acted and
 * its answer not arrived, so the suite names the slowness instead of blaming a controller.
 */
export const slowApiMs = 2_000;

/** What kept the suite from seeing the cluster act; empty when it could observe the whole time. */
export function blindSpots(e: Evidence): string[] {
  const blind: string[] = [];
  if (e.suiteNeeds) blind.push(`it needs ${e.suiteNeeds}, which is the suite's to bring, not a behaviour of the tutorial`);
  if (e.notServed) blind.push(e.notServed);
  if (e.apisUnserved?.length) blind.push(`an API the suite brings did not serve the cluster's controllers while it waited (${e.apisUnserved.slice(0, 2).join("; ")})`);
  if (e.gaps.length) blind.push(`its watch had a gap, so events went unseen (${e.gaps.join("; ")})`);
  if ("error" in e.nodes) blind.push(`the apiserver did not answer a node list at the deadline (${e.nodes.error})`);
  else {
    if (e.nodes.ms > slowApiMs) blind.push(`the apiserver took ${(e.nodes.ms / 1000).toFixed(1)} s to list nodes at the deadline (slow: over ${slowApiMs / 1000} s)`);
    if (e.nodes.notReady.length) blind.push(`node${e.nodes.notReady.length > 1 ? "s" : ""} not Ready at the deadline: ${e.nodes.notReady.join(", ")}`);
    if (e.nodes.count === 0) blind.push("the cluster had no nodes at the deadline");
  }
  if (e.slowStarts?.length) blind.push(`the nodes were too slow: pods started slowly while it waited (${e.slowStarts.slice(0, 3).join("; ")}${e.slowStarts.length > 3 ? `; ${e.slowStarts.length - 3} more` : ""})`);
  if (e.infrastructure.length) blind.push(`infrastructure events while it waited: ${e.infrastructure.join("; ")}`);
  return blind;
}

/** What the suite saw, for a deadline message: why the failure is the cluster's. */
export function sight(e: Evidence): string {
  const nodes = "error" in e.nodes ? "" : `, the apiserver answering (a node list in ${e.nodes.ms} ms), ${e.nodes.count} node${e.nodes.count > 1 ? "s" : ""} Ready`;
  return `its watch whole${nodes}, no slow pod start, no infrastructure event, no image trouble`;
}
