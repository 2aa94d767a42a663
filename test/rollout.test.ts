import { describe, expect, it } from "vitest";
import { nodeCoverage } from "../harness/ops/rollout.js";
import type { TimelineEntry } from "../harness/record/timeline.js";

let seq = 0;
const e = (name: string, state: string, type: TimelineEntry["type"] = "MODIFIED"): TimelineEntry => ({ seq: seq++, t: seq * 100, type, kind: "Pod", name, uid: name, state, owner: "DaemonSet/ds" });

describe("DaemonSet node coverage", () => {
  it("counts one node at a time during a rolling update", () => {
    seq = 0;
    const entries = [
      e("a1", "Running on n1", "ADDED"),
      e("b1", "Running on n2", "ADDED"),
      e("a1", "Running terminating on n1"),
      e("a1", "Running terminating on n1", "DELETED"),
      e("a2", "Pending", "ADDED"),
      e("a2", "Pending on n1"),
      e("a2", "Running on n1"),
      e("b1", "Running terminating on n2"),
      e("b2", "Running on n2", "ADDED"),
    ];
    expect(nodeCoverage(entries, "DaemonSet/ds", ["n1", "n2"])).toEqual({ maxUncovered: 1, worst: ["n1"], baseline: true });
  });

  it("sees two nodes down at once", () => {
    seq = 0;
    const entries = [e("a1", "Running on n1", "ADDED"), e("b1", "Running on n2", "ADDED"), e("a1", "Running terminating on n1"), e("b1", "Running terminating on n2")];
    expect(nodeCoverage(entries, "DaemonSet/ds", ["n1", "n2"])).toMatchObject({ maxUncovered: 2, worst: ["n1", "n2"] });
  });

  it("has no baseline when a node never had a pod", () => {
    seq = 0;
    expect(nodeCoverage([e("a1", "Running on n1", "ADDED")], "DaemonSet/ds", ["n1", "n2"])).toEqual({ maxUncovered: 0, worst: [], baseline: false });
  });
});
