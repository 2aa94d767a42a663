// The self-test's judge on plain ledger rows: a catch needs the broken claim contradicted on its
// own step, with the cluster's evidence, and green on the healthy twin; a contradiction only by an
// earlier step is a precondition catch, not counted; anything else is a mismatch.
import { describe, expect, it } from "vitest";
import { judgeFault, ownSteps, type FaultRow } from "../harness/report/selftest-verdicts.ts";
import type { LedgerRow, Verdict } from "../harness/report/ledger.ts";
import type { Blame } from "../harness/failures.ts";
import { claims, type ClaimId } from "../harness/report/claims.ts";
import { faultsFor } from "../scripts/faults/faults.ts";

const cluster: Blame = { on: "cluster", evidence: "deadline" };
const failed = (message: string, blame: Blame = cluster) => ({ name: "t", status: "failed", message, blame });
const row = (claim: string, verdict: Verdict, tests: LedgerRow["tests"] = []): LedgerRow => ({ claim: claim as ClaimId, title: "", provider: "local", verdict, detail: tests.map((t) => t.message).join(" | "), tests });
const gcOff: FaultRow = { id: "gc-off", breaks: ["JOB-4"], controls: ["JOB-2"] };
const healthy = [row("JOB-4", "confirmed"), row("JOB-2", "confirmed")];
const deletedLate = "Deadline passed: waited 21.0 s for the 2 pods of Job pi to be deleted";

describe("self-test verdicts", () => {
  it("catches a claim contradicted on its own step, green on its twin, with the control holding", () => {
    const cells = judgeFault(gcOff, healthy, [row("JOB-4", "contradicted", [failed(deletedLate)]), row("JOB-2", "confirmed")]);
    expect(cells.map((c) => [c.claim, c.ok, c.precondition ?? false])).toEqual([["JOB-4", true, false], ["JOB-2", true, false]]);
  });

  it("sets a catch by an earlier step apart: not counted, not a mismatch", () => {
    const setup = "Deadline passed: waited 31.5 s for PersistentVolumeClaim ns/data to be Bound to a volume";
    const cell = judgeFault({ id: "binder-off", breaks: ["PV-7"], controls: [] }, [row("PV-7", "tutorial outdated")], [row("PV-7", "contradicted", [failed(setup)])])[0]!;
    expect(cell).toMatchObject({ ok: true, precondition: true, why: expect.stringContaining("to be Bound to a volume") });
  });

  it("asks a fault's own words of the failure on the claim's own step", () => {
    const sync30: FaultRow = { id: "hpa-sync-30s", breaks: ["HPA-2"], controls: [], catches: /measured 3\d\.\d s/ };
    const said = (m: string) => judgeFault(sync30, [row("HPA-2", "confirmed")], [row("HPA-2", "contradicted", [failed(m, { on: "cluster", evidence: "measured" })])])[0]!;
    expect(said("Measured otherwise: measured 30.0 s between evaluations on average")).toMatchObject({ ok: true });
    expect(said("Measured otherwise: measured 5.0 s between evaluations on average")).toMatchObject({ ok: false, why: expect.stringMatching(/not as this fault must show/) });
  });

  it.each<[string, LedgerRow[] | undefined, LedgerRow[] | undefined, RegExp]>([
    // a deliberately vacuous fault: nothing broke
    ["a fault that breaks nothing", healthy, healthy, /read confirmed, not contradicted/],
    ["a red healthy twin", [row("JOB-4", "contradicted", [failed("Deadline passed")]), row("JOB-2", "confirmed")], [row("JOB-4", "contradicted", [failed(deletedLate)]), row("JOB-2", "confirmed")], /healthy twin did not hold it/],
    ["a timeout the suite could not see through", healthy, [row("JOB-4", "inconclusive", [failed("Timed out after", { on: "suite", failure: "blind" })]), row("JOB-2", "confirmed")], /read inconclusive/],
    ["a run that reached no results", healthy, undefined, /no broken run/],
  ])("reports a mismatch for %s", (_, h, b, why) => {
    const cell = judgeFault(gcOff, h, b).find((c) => c.claim === "JOB-4")!;
    expect(cell.ok).toBe(false);
    expect(cell.why).toMatch(why);
  });

  it("does not take the suite's failure on the claim's own step for a catch", () => {
    // contradicted by another test's evidence, while the own-step failure was the suite's
    const b = [row("JOB-4", "contradicted", [failed("expected 2 to be 1"), failed("Timed out after 21.0 s waiting for the pods of Job pi to be deleted", { on: "suite", failure: "blind" })]), row("JOB-2", "confirmed")];
    expect(judgeFault(gcOff, healthy, b)[0]).toMatchObject({ ok: true, precondition: true });
  });

  it("reports a control that fell on the broken cluster as a mismatch", () => {
    const cells = judgeFault(gcOff, healthy, [row("JOB-4", "contradicted", [failed(deletedLate)]), row("JOB-2", "contradicted", [failed("expected 2 to be 1")])]);
    expect(cells.find((c) => c.claim === "JOB-2")).toMatchObject({ ok: false, why: expect.stringMatching(/control fell/) });
  });

  it("names an own step for every claim a fault breaks", () => {
    const broken = new Set(faultsFor("v1.37.2").flatMap((f) => f.breaks));
    for (const c of broken) expect(ownSteps[c], c).toBeInstanceOf(RegExp);
    for (const c of Object.keys(ownSteps)) expect(Object.keys(claims)).toContain(c);
  });
});
