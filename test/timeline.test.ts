import { describe, expect, it } from "vitest";
import { lifetimes, maxConcurrent, overlaps, render, strictlySequential, timelineSvg } from "../harness/record/timeline.ts";
import { podEntries } from "./support/entries.ts";

let e = podEntries();

describe("timeline analysis", () => {
  it("sees a strictly sequential run", () => {
    e = podEntries();
    const entries = [e("a", "Pending", "ADDED"), e("a", "Running"), e("a", "Succeeded"), e("b", "Pending", "ADDED"), e("b", "Running"), e("b", "Succeeded")];
    const ls = lifetimes(entries);
    expect(ls.map((l) => [l.name, l.outcome])).toEqual([["a", "Succeeded"], ["b", "Succeeded"]]);
    expect(maxConcurrent(ls)).toBe(1);
    expect(overlaps(ls)).toEqual([]);
    expect(strictlySequential(ls)).toEqual({ ok: true });
  });

  it("catches a pod created before the previous one finished", () => {
    e = podEntries();
    const entries = [e("a", "Pending", "ADDED"), e("a", "Running"), e("b", "Pending", "ADDED"), e("a", "Succeeded"), e("b", "Succeeded")];
    const ls = lifetimes(entries);
    expect(maxConcurrent(ls)).toBe(2);
    expect(overlaps(ls)).toEqual([{ previous: "a", next: "b" }]);
    expect(strictlySequential(ls).ok).toBe(false);
  });

  it("counts a deleted pod as ended and a failed predecessor as not a success", () => {
    e = podEntries();
    const entries = [e("a", "Running", "ADDED"), e("a", "Failed"), e("b", "Running", "ADDED"), e("b", "Running", "DELETED")];
    const ls = lifetimes(entries);
    expect(ls.map((l) => l.outcome)).toEqual(["Failed", "Deleted"]);
    expect(strictlySequential(ls)).toEqual({ ok: false, why: "a ended Failed, not Succeeded" });
  });

  it("counts a pod deleted while running as Deleted, whatever phase its kubelet reports after", () => {
    e = podEntries();
    const entries = [e("a", "Running on n1", "ADDED"), e("a", "Running terminating on n1"), e("a", "Failed terminating on n1"), e("a", "Failed terminating on n1", "DELETED")];
    expect(lifetimes(entries).map((l) => l.outcome)).toEqual(["Deleted"]);
  });

  it("renders the facts as the line people read", () => {
    expect(render({ phase: "Pending", node: "n1", waiting: { container: "main", reason: "ErrImageNeverPull" } })).toBe("Pending on n1 (main: ErrImageNeverPull)");
    expect(render({ phase: "Running", terminating: true, node: "n1" })).toBe("Running terminating on n1");
    expect(render({ counts: { active: 0, succeeded: 5, failed: 0 }, conditions: ["SuccessCriteriaMet", "Complete"] })).toBe("active=0 succeeded=5 failed=0 SuccessCriteriaMet,Complete");
    expect(render({ counts: { replicas: 3, ready: 2 }, specReplicas: 3, terminating: true })).toBe("replicas=3 ready=2 spec=3 terminating");
    expect(render({ event: { reason: "Scheduled", about: "Pod/a", message: "assigned" } })).toBe("Scheduled: Pod/a: assigned");
  });

  it("draws one bar row per pod in a self-contained SVG", () => {
    e = podEntries();
    const svg = timelineSvg([e("a", "Running", "ADDED"), e("a", "Succeeded"), e("b<x>", "Pending", "ADDED")], "t & t");
    expect(svg).toContain("<svg");
    expect(svg).toContain("t &amp; t");
    expect(svg).toContain("b&lt;x&gt;");
    expect(svg).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });
});
