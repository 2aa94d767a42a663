// Deleting an owner's pods is two parts, each with its own deadline: the garbage collector deletes
// them (seconds), then their kubelets stop and remove them (as slow as a pod start on a loaded
// node). On plain objects.
import { describe, expect, it } from "vitest";
import type { Pod } from "../harness/api/kinds.ts";
import { ownedPodsDeleted, podsGone } from "../harness/wait/workloads.ts";

const job = { apiVersion: "batch/v1", kind: "Job", name: "pi", namespace: "ns" };
const pod = (name: string, more: { deleting?: boolean; orphaned?: boolean } = {}) =>
  ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: "ns",
      uid: `uid-${name}`,
      ...(more.deleting ? { deletionTimestamp: "2026-12-07T00:00:00Z" } : {}),
      ...(more.orphaned ? {} : { ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "pi", uid: "uid-pi", controller: true }] }),
    },
  }) as Pod;

describe("the garbage collector's part (ownedPodsDeleted)", () => {
  const cond = ownedPodsDeleted(job, [pod("a"), pod("b")]);

  it("waits on the garbage collection row", () => {
    expect(cond.timeout).toBe("garbageCollection");
  });
  it("is not met while a pod is still there and not being deleted", () => {
    expect(cond.check([pod("a", { deleting: true }), pod("b")])).toEqual({ met: false, failFast: undefined });
  });
  it("is met once every pod is gone or being deleted: the rest is its kubelet's", () => {
    expect(cond.check([pod("a", { deleting: true })]).met).toBe(true);
    expect(cond.check([]).met).toBe(true);
  });
  it("fails at once on a pod that lost its owner without being deleted (orphaned)", () => {
    expect(cond.check([pod("a", { orphaned: true })])).toEqual({ met: false, failFast: "a lost Job pi as owner but was not deleted (orphaned)" });
  });
  it("ignores other pods of the namespace", () => {
    expect(cond.check([pod("c")]).met).toBe(true);
  });
});

describe("their kubelets' part (podsGone)", () => {
  const cond = podsGone([pod("a"), pod("b")]);

  it("waits on the pod termination row, which measured pod starts stretch", () => {
    expect(cond.timeout).toBe("podTermination");
  });
  it("is met only when none of the pods is left, being deleted or not", () => {
    expect(cond.check([pod("a", { deleting: true })]).met).toBe(false);
    expect(cond.check([pod("c")]).met).toBe(true);
  });
  it("refuses pods of no namespace or of several", () => {
    expect(() => podsGone([])).toThrow(/give it the pods of one namespace/);
    expect(() => podsGone([pod("a"), { ...pod("b"), metadata: { ...pod("b").metadata, namespace: "other" } }])).toThrow(/2 namespaces/);
  });
});
