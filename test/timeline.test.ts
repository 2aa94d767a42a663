import { describe, expect, it } from "vitest";
import { lifetimes, maxConcurrent, overlaps, strictlySequential, timelineSvg, type TimelineEntry } from "../harness/record/timeline.js";

let seq = 0;
const e = (name: string, state: string, type: TimelineEntry["type"] = "MODIFIED"): TimelineEntry => ({ seq: seq++, t: seq * 100, type, kind: "Pod", name, uid: name, state });

describe("timeline analysis", () => {
  it("sees a strictly sequential run", () => {
    seq = 0;
    const entries = [e("a", "Pending", "ADDED"), e("a", "Running"), e("a", "Succeeded"), e("b", "Pending", "ADDED"), e("b", "Running"), e("b", "Succeeded")];
    const ls = lifetimes(entries);
    expect(ls.map((l) => [l.name, l.outcome])).toEqual([["a", "Succeeded"], ["b", "Succeeded"]]);
    expect(maxConcurrent(ls)).toBe(1);
    expect(overlaps(ls)).toEqual([]);
    expect(strictlySequential(ls)).toEqual({ ok: true });
  });

  it("catches a pod created before the previous one finished", () => {
    seq = 0;
    const entries = [e("a", "Pending", "ADDED"), e("a", "Running"), e("b", "Pending", "ADDED"), e("a", "Succeeded"), e("b", "Succeeded")];
    const ls = lifetimes(entries);
    expect(maxConcurrent(ls)).toBe(2);
    expect(overlaps(ls)).toEqual([{ previous: "a", next: "b" }]);
    expect(strictlySequential(ls).ok).toBe(false);
  });

  it("counts a deleted pod as ended and a failed predecessor as not a success", () => {
    seq = 0;
    const entries = [e("a", "Running", "ADDED"), e("a", "Failed"), e("b", "Running", "ADDED"), e("b", "Running", "DELETED")];
    const ls = lifetimes(entries);
    expect(ls.map((l) => l.outcome)).toEqual(["Failed", "Deleted"]);
    expect(strictlySequential(ls)).toEqual({ ok: false, why: "a ended Failed, not Succeeded" });
  });

  it("counts a pod deleted while running as Deleted, whatever phase its kubelet reports after", () => {
    seq = 0;
    const entries = [e("a", "Running on n1", "ADDED"), e("a", "Running terminating on n1"), e("a", "Failed terminating on n1"), e("a", "Failed terminating on n1", "DELETED")];
    expect(lifetimes(entries).map((l) => l.outcome)).toEqual(["Deleted"]);
  });

  it("draws one bar row per pod in a self-contained SVG", () => {
    seq = 0;
    const svg = timelineSvg([e("a", "Running", "ADDED"), e("a", "Succeeded"), e("b<x>", "Pending", "ADDED")], "t & t");
    expect(svg).toContain("<svg");
    expect(svg).toContain("t &amp; t");
    expect(svg).toContain("b&lt;x&gt;");
    expect(svg).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });
});
