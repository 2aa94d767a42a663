import { describe, expect, it } from "vitest";
import { podStartFigures, podStarts } from "../harness/record/pod-starts.ts";
import { render, type Facts, type TimelineEntry } from "../harness/record/timeline.ts";

let seq = 0;
const at = (t: number, kind: string, name: string, facts: Facts, type: TimelineEntry["type"] = "MODIFIED"): TimelineEntry => ({ seq: ++seq, t, type, kind, name, facts, state: render(facts) });
const pod = (t: number, name: string, facts: Facts, type: TimelineEntry["type"] = "MODIFIED") => at(t, "Pod", name, facts, type);
const event = (t: number, name: string, reason: string) => at(t, "Event", `${name}.${reason}`, { event: { reason, about: `Pod/${name}`, message: "" } }, "ADDED");

describe("pod starts read from a timeline", () => {
  it("splits creation to Running into schedule, sandbox, image, start and status", () => {
    const starts = podStarts([
      pod(1000, "a", { phase: "Pending" }, "ADDED"),
      pod(1100, "a", { phase: "Pending", node: "w1" }),
      event(2100, "a", "Pulling"),
      event(4100, "a", "Pulled"),
      event(4600, "a", "Created"),
      event(5100, "a", "Started"),
      pod(6100, "a", { phase: "Running", node: "w1" }),
    ]);
    expect(starts).toEqual([{ pod: "a", phases: { schedule: 100, sandbox: 1000, image: 2000, start: 1000, status: 1000 }, total: 5100 }]);
  });

  it("counts a step seen after the one it led to as zero, and leaves out pods no kubelet started", () => {
    const starts = podStarts([
      pod(0, "late", { phase: "Pending" }, "ADDED"),
      pod(50, "late", { phase: "Pending", node: "w1" }),
      event(500, "late", "Pulled"),
      pod(900, "late", { phase: "Running", node: "w1" }),
      event(1000, "late", "Started"),
      pod(0, "simulated", { phase: "Pending" }, "ADDED"),
      pod(50, "simulated", { phase: "Running", node: "kwok-1" }),
    ]);
    expect(starts).toEqual([{ pod: "late", phases: { schedule: 50, sandbox: 450, image: 0, start: 500, status: 0 }, total: 1000 }]);
  });

  it("gives medians and 90th percentiles by nearest rank", () => {
    const s = (total: number) => ({ pod: String(total), phases: { schedule: 0, sandbox: 0, image: 0, start: total, status: 0 }, total });
    const f = podStartFigures([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => s(n * 1000)));
    expect(f).toMatchObject({ pods: 10, median: { total: 5000, start: 5000 }, p90: { total: 9000 } });
    expect(podStartFigures([])).toBeUndefined();
  });
});

describe("slow pod starts while a wait ran", () => {
  const e = (t: number, name: string, facts: TimelineEntry["facts"], type: TimelineEntry["type"] = "MODIFIED", uid = name): TimelineEntry => ({ seq: t, t, type, kind: "Pod", name, uid, facts, state: "" });
  it("names pods bound to a node and slow to run, within the wait's window only", async () => {
    const { slowStarts } = await import("../harness/record/pod-starts.ts");
    const entries = [
      e(0, "quick", { phase: "Pending" }, "ADDED"),
      e(100, "quick", { phase: "Pending", node: "n1" }),
      e(2_000, "quick", { phase: "Running", node: "n1" }),
      e(1_000, "slow", { phase: "Pending" }, "ADDED"),
      e(1_500, "slow", { phase: "Pending", node: "n1" }),
      e(30_000, "slow", { phase: "Running", node: "n1" }),
      e(40_000, "stuck", { phase: "Pending", node: "n2" }, "ADDED"),
      e(41_000, "unscheduled", { phase: "Pending" }, "ADDED"),
    ];
    expect(slowStarts(entries, 10_000, 60_000)).toEqual(["slow took 28.5 s from binding to Running", "stuck bound to n2 20.0 s before and not Running yet"]);
    // a window after every start: nothing was starting then
    expect(slowStarts(entries.slice(0, 6), 31_000, 60_000)).toEqual([]);
  });
});

describe("the pod-start scale of waits on pods", () => {
  const start = (total: number) => ({ pod: "p", total, phases: { schedule: 0, sandbox: 0, image: 0, start: 0, status: total } });
  it("is 1 before any pod started and on a fast cluster; follows the median; stops at its bound", async () => {
    const { podStartScale, maxPodStartScale } = await import("../harness/record/pod-starts.ts");
    expect(podStartScale([]).factor).toBe(1);
    expect(podStartScale([start(1_000), start(2_000), start(60_000)]).factor).toBe(1);
    expect(podStartScale([start(10_000), start(20_000), start(30_000)])).toEqual({ factor: 4 > maxPodStartScale ? maxPodStartScale : 4, medianMs: 20_000, pods: 3 });
    expect(podStartScale([start(9_000), start(9_000)]).factor).toBeCloseTo(1.8);
  });
});
