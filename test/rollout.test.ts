import { describe, expect, it } from "vitest";
import { nodeCoverage } from "../harness/ops/rollout.ts";
import { podEntries } from "./support/entries.ts";

const ds = { kind: "DaemonSet", name: "ds" };
let e = podEntries(ds);

describe("DaemonSet node coverage", () => {
  it("counts one node at a time during a rolling update", () => {
    e = podEntries(ds);
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
    expect(nodeCoverage(entries, ds, ["n1", "n2"])).toEqual({ maxUncovered: 1, worst: ["n1"], baseline: true });
  });

  it("sees two nodes down at once", () => {
    e = podEntries(ds);
    const entries = [e("a1", "Running on n1", "ADDED"), e("b1", "Running on n2", "ADDED"), e("a1", "Running terminating on n1"), e("b1", "Running terminating on n2")];
    expect(nodeCoverage(entries, ds, ["n1", "n2"])).toMatchObject({ maxUncovered: 2, worst: ["n1", "n2"] });
  });

  it("has no baseline when a node never had a pod", () => {
    e = podEntries(ds);
    expect(nodeCoverage([e("a1", "Running on n1", "ADDED")], ds, ["n1", "n2"])).toEqual({ maxUncovered: 0, worst: [], baseline: false });
  });
});
