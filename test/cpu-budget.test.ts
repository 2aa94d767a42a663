// The run's CPU budget: what tests that burn CPU share, across worker processes.
import { describe, expect, it } from "vitest";
import { cpuBudget, dropCpuBudget, takeCpu } from "../harness/run/cpu-budget.ts";

describe("the CPU budget", () => {
  it("is three quarters of the machine's cores", () => {
    expect(cpuBudget(2)).toBe(1500);
    expect(cpuBudget(8)).toBe(6000);
  });

  it("lets a test in at once while it fits, makes the next wait until the first gives back, and caps a request at the whole budget", async () => {
    const run = `unit-${process.pid}-${Date.now()}`;
    try {
      const a = await takeCpu(run, "a", 600, 1000);
      expect(a.waitedMs).toBeLessThan(500);
      const b = await takeCpu(run, "b", 300, 1000);
      expect(b.waitedMs).toBeLessThan(500);
      let cIn = false;
      const c = takeCpu(run, "c", 5000, 1000).then((x) => ((cIn = true), x));
      await new Promise((r) => setTimeout(r, 1200));
      expect(cIn).toBe(false);
      await a.release();
      await b.release();
      const got = await c;
      expect(got.waitedMs).toBeGreaterThanOrEqual(1000);
      await got.release();
    } finally {
      dropCpuBudget(run);
    }
  });
});
