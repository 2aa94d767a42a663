// The self-test's judge on plain ledger rows: a catch needs the broken claim contradicted for the
// broken behaviour and green on the healthy twin; anything else is a mismatch.
import { describe, expect, it } from "vitest";
import { judgeFault, type FaultRow } from "../harness/report/selftest-verdicts.ts";
import type { LedgerRow, Verdict } from "../harness/report/ledger.ts";

const row = (claim: string, verdict: Verdict, detail = ""): LedgerRow => ({ claim: claim as LedgerRow["claim"], title: "", provider: "local", verdict, detail, tests: [] });
const gcOff: FaultRow = { id: "gc-off", breaks: ["JOB-4"], controls: ["JOB-2"], catches: /to be deleted/ };
const healthy = [row("JOB-4", "confirmed"), row("JOB-2", "confirmed")];

describe("self-test verdicts", () => {
  it("catches a claim contradicted for the broken behaviour, green on its twin, with the control holding", () => {
    const cells = judgeFault(gcOff, healthy, [row("JOB-4", "contradicted", "observed: t: Deadline passed: waited 21.0 s for the 2 pods of Job pi to be deleted"), row("JOB-2", "confirmed")]);
    expect(cells.map((c) => [c.claim, c.ok])).toEqual([["JOB-4", true], ["JOB-2", true]]);
  });

  it.each<[string, LedgerRow[] | undefined, LedgerRow[] | undefined, RegExp]>([
    // a deliberately vacuous fault: nothing broke
    ["a fault that breaks nothing", healthy, healthy, /read confirmed, not contradicted/],
    ["a red healthy twin", [row("JOB-4", "contradicted", "observed: t: Deadline passed"), row("JOB-2", "confirmed")], [row("JOB-4", "contradicted", "to be deleted"), row("JOB-2", "confirmed")], /healthy twin did not hold it/],
    ["a timeout the suite could not see through", healthy, [row("JOB-4", "inconclusive", "the suite could not tell: Timed out"), row("JOB-2", "confirmed")], /read inconclusive/],
    ["a contradiction of something else", healthy, [row("JOB-4", "contradicted", "observed: t: expected 2 to be 1"), row("JOB-2", "confirmed")], /not for the broken behaviour/],
    ["a run that reached no results", healthy, undefined, /no broken run/],
  ])("reports a mismatch for %s", (_, h, b, why) => {
    const cell = judgeFault(gcOff, h, b).find((c) => c.claim === "JOB-4")!;
    expect(cell.ok).toBe(false);
    expect(cell.why).toMatch(why);
  });

  it("reports a control that fell on the broken cluster as a mismatch", () => {
    const cells = judgeFault(gcOff, healthy, [row("JOB-4", "contradicted", "to be deleted"), row("JOB-2", "contradicted", "observed: t: x")]);
    expect(cells.find((c) => c.claim === "JOB-2")).toMatchObject({ ok: false, why: expect.stringMatching(/control fell/) });
  });
});
