// The wait figures of the run summary, from plain data.
import { describe, expect, it } from "vitest";
import { byRow, describeRows, type WaitTime } from "../harness/report/wait-times.ts";

const w = (row: WaitTime["row"], ms: number, met = true, what = `${row} ${ms}`): WaitTime => ({ row, what, test: "t", ms, timeoutMs: row === "api" ? 15_000 : 120_000, met });

describe("wait figures by timeout row", () => {
  it("give count, median and slowest of the met waits, and the slowest's share of its timeout", () => {
    const rows = byRow([w("jobCompletion", 10_000), w("jobCompletion", 30_000), w("jobCompletion", 20_000), w("jobCompletion", 120_000, false), w("api", 300)]);
    expect(rows.jobCompletion).toMatchObject({ waits: 4, failed: 1, medianMs: 20_000, maxMs: 30_000, timeoutMs: 120_000, maxShare: 0.25, slackShare: 0.25, tightest: "jobCompletion 30000 (t)" });
    expect(rows.api).toMatchObject({ waits: 1, failed: 0, medianMs: 300, maxMs: 300 });
    expect(Object.keys(rows)).toEqual(["api", "jobCompletion"]);
  });

  it("name the slowest wait only where it used more than half its timeout", () => {
    const lines = describeRows(byRow([w("api", 12_000, true, "ConfigMap x to exist"), w("jobCompletion", 30_000)]));
    expect(lines[0]).toMatch(/api .* 1 waits .*slowest +12\.0 s = +80% of 15\.0 s\n +close to its timeout: ConfigMap x to exist \(t\)/);
    expect(lines[1]).not.toContain("close to its timeout");
  });

  it("a row whose every wait failed has no latency, only the count", () => {
    const rows = byRow([w("volume", 90_000, false)]);
    expect(rows.volume).toMatchObject({ waits: 1, failed: 1, medianMs: 0, maxMs: 0, maxShare: 0 });
    expect(describeRows(rows)[0]).toContain("(1 not met)");
  });

  it("judge a clock's row by the part of the timeout above its clock", () => {
    const minute = (ms: number): WaitTime => ({ row: "cronMinute", what: "the next Job", test: "t", ms, timeoutMs: 95_000, met: true });
    const onTime = byRow([minute(60_000)]).cronMinute!;
    expect(onTime.maxShare).toBeGreaterThan(0.6);
    expect(onTime.slackShare).toBe(0);
    expect(describeRows({ cronMinute: onTime })[0]).not.toContain("close to its timeout");
    const late = byRow([minute(85_000)]).cronMinute!;
    expect(late.slackShare).toBeCloseTo(25 / 35);
    expect(describeRows({ cronMinute: late })[0]).toMatch(/its clock alone: up to 60\.0 s[^\n]*\n +close to its timeout: the next Job/);
  });
});
