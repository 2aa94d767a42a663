import { afterEach, describe, expect, it } from "vitest";
import { hpaReactionBound, longestWaitFor, maxPaceMs, podBoundRows, timeoutFor, timeouts, vitestTimeouts, type TimeoutKind } from "../harness/timeouts.ts";

describe("the timeout table", () => {
  afterEach(() => {
    delete process.env.KUBEPROOF_TIMEOUT_SCALE;
  });

  it("builds the HPA's reaction bound from the periods, the kubelet's only where containers run", () => {
    expect(hpaReactionBound(false)).toEqual({ ms: 40_000, why: "resolution 15 s + sync 15 s + 10 s" });
    expect(hpaReactionBound(true)).toEqual({ ms: 145_000, why: "resolution 15 s + sync 15 s + kubelet pod sync 60 s + up to 30 s jitter and stats 15 s + 10 s" });
  });

  it("gives an HPA wait longer than the reaction bound, so a slow reaction fails the bound, not the wait", () => {
    expect(timeoutFor("autoscale")).toBeGreaterThan(hpaReactionBound(true).ms);
  });

  it("stretches the slack, not the periods, by KUBEPROOF_TIMEOUT_SCALE, like every row", () => {
    process.env.KUBEPROOF_TIMEOUT_SCALE = "2";
    expect(hpaReactionBound(false).ms).toBe(50_000);
    expect(timeoutFor("controller")).toBe(90_000);
  });

  it("shrinks only the slack above a clock, and never a negative's window below its period", () => {
    process.env.KUBEPROOF_TIMEOUT_SCALE = "0.35";
    expect(timeoutFor("controller")).toBe(15_750);
    // the next minute boundary may be 60 s away whatever the scale: 60 s + 0.35 x 35 s
    expect(timeoutFor("cronMinute")).toBe(72_250);
    // a new pod's first usable CPU figure is about a minute away: 60 s + 0.35 x 120 s
    expect(timeoutFor("autoscale")).toBe(102_000);
    expect(timeoutFor("binderPeriod")).toBe(20_000);
    expect(timeoutFor("hpaSyncPeriod")).toBe(20_000);
    process.env.KUBEPROOF_TIMEOUT_SCALE = "2";
    expect(timeoutFor("binderPeriod")).toBe(40_000);
    expect(timeoutFor("cronMinute")).toBe(130_000);
  });

  it("refuses a scale that is not a positive number", () => {
    process.env.KUBEPROOF_TIMEOUT_SCALE = "fast";
    expect(() => timeoutFor("api")).toThrow('KUBEPROOF_TIMEOUT_SCALE must be a positive number, got "fast"');
  });

  it.each(["1", "2", "4"])("lets a named wait end before vitest does, at scale %s: the worst test and the leak check", (scale) => {
    process.env.KUBEPROOF_TIMEOUT_SCALE = scale;
    const { testTimeout, hookTimeout } = vitestTimeouts();
    const rows = Object.keys(timeouts) as TimeoutKind[];
    const podWaits = rows.filter((r) => podBoundRows.has(r)).map(longestWaitFor);
    // The worst case the table allows one test: a start paced to the full, two pod-bound waits
    // stretched to the full (the case that ran past a fixed 600 s), and the longest wait of any row.
    const worst = maxPaceMs + 2 * Math.max(...podWaits) + Math.max(...rows.map(longestWaitFor));
    expect(testTimeout).toBeGreaterThan(worst);
    // The leak check waits on the volume row for what a file left, then reads what is still there.
    expect(hookTimeout).toBeGreaterThan(timeoutFor("volume") + 30_000);
  });
});

