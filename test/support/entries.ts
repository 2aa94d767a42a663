// Timeline entries from plain data, for the unit tests of timeline analysis.
import { render, type Facts, type OwnerRef, type TimelineEntry } from "../../harness/record/timeline.ts";

/**
 * Makes pod entries in order: `entry("a", "Running terminating on n1")` is pod a, phase Running,
 * its deletion requested, on node n1. Each call takes the next sequence number and 100 ms.
 */
export function podEntries(owner?: OwnerRef) {
  let seq = 0;
  return (name: string, state: string, type: TimelineEntry["type"] = "MODIFIED"): TimelineEntry => {
    const [phase, ...rest] = state.split(" ");
    const facts: Facts = { phase, ...(rest.includes("terminating") ? { terminating: true } : {}), ...(rest.includes("on") ? { node: rest[rest.indexOf("on") + 1] } : {}) };
    seq++;
    return { seq, t: seq * 100, type, kind: "Pod", name, uid: name, facts, state: render(facts), owner };
  };
}
