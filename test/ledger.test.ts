import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { claims } from "../harness/claims.js";
import { buildLedger, latest, ledgerMarkdown, type ResultLike } from "../harness/ledger.js";

const r = (name: string, status: ResultLike["status"], claim: string, provider = "local", stop = 1, message?: string): ResultLike => ({
  name,
  fullName: name,
  status,
  stop,
  statusDetails: { message },
  labels: [{ name: "claim", value: claim }],
  parameters: [{ name: "provider", value: provider }],
});

describe("claims ledger", () => {
  it("lists every claim of docs/claims.md, and only those", () => {
    const md = readFileSync(new URL("../docs/claims.md", import.meta.url), "utf8").toString();
    const ids = [...md.matchAll(/^- ([A-Z]+-\d+) /gm)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(30);
    expect(Object.keys(claims).sort()).toEqual([...new Set(ids)].sort());
  });

  it("gives confirmed, tutorial outdated, contradicted, inconclusive, not checkable and not covered verdicts", () => {
    const rows = buildLedger([
      r("seq", "passed", "JOB-2"),
      r("gc", "failed", "JOB-4", "local", 1, "Gave up waiting for no pods after 3 s: pods orphaned\nmore"),
      r("pull", "failed", "JOB-3", "local", 1, "Infrastructure problem: pod a/b cannot get its image x"),
      r("slow", "failed", "JOB-1", "local", 1, "Timed out after 60.0 s waiting for Job a/b to be Complete"),
      r("recycle", "passed", "PV-7"),
      { ...r("files", "skipped", "VOL-2"), labels: [{ name: "claim", value: "VOL-2" }, { name: "skip-reason", value: "needs a container runtime" }] },
    ]);
    const v = (id: string) => rows.find((x) => x.claim === id && x.provider === "local")!;
    expect(v("JOB-2")).toMatchObject({ verdict: "confirmed" });
    expect(v("JOB-4")).toMatchObject({ verdict: "contradicted", detail: "observed: gc: Gave up waiting for no pods after 3 s: pods orphaned" });
    expect(v("JOB-3")).toMatchObject({ verdict: "inconclusive", detail: expect.stringContaining("cannot get its image") });
    expect(v("JOB-1")).toMatchObject({ verdict: "inconclusive", detail: expect.stringContaining("Timed out after") });
    expect(v("PV-7")).toMatchObject({ verdict: "tutorial outdated", detail: expect.stringContaining("Kubernetes does now") });
    expect(v("VOL-2")).toMatchObject({ verdict: "not checkable here", detail: "needs a container runtime" });
    expect(v("CRON-1")).toMatchObject({ verdict: "not covered yet" });
    expect(v("EX-2").verdict).toBe("not checkable here"); // declared not checkable on local
    expect(ledgerMarkdown(rows)).toContain("1 confirmed, 1 tutorial outdated, 0 partly confirmed, 1 contradicted, 2 inconclusive");
  });

  it("says partly confirmed where some tests of a claim passed and the others could not run", () => {
    const skippedWith = (name: string, claim: string, reason: string): ResultLike => ({ ...r(name, "skipped", claim), labels: [{ name: "claim", value: claim }, { name: "skip-reason", value: reason }] });
    const rows = buildLedger([r("reserve", "passed", "QUOTA-5"), skippedWith("burn", "QUOTA-5", "needs a container runtime"), r("ds", "passed", "DS-1")]);
    expect(rows.find((x) => x.claim === "QUOTA-5")).toMatchObject({ verdict: "partly confirmed", detail: "1 passed; not checkable here: burn (needs a container runtime)" });
    expect(rows.find((x) => x.claim === "DS-1")).toMatchObject({ verdict: "confirmed" });
  });

  it("takes no evidence from results without a provider (unit tests)", () => {
    const stray = { ...r("unit", "failed", "JOB-2"), parameters: [] };
    expect(buildLedger([stray]).some((x) => x.verdict === "contradicted")).toBe(false);
    expect(new Set(buildLedger([stray, r("seq", "passed", "JOB-2")]).map((x) => x.provider))).toEqual(new Set(["local"]));
  });

  it("uses the newest result of a test per provider", () => {
    const rows = latest([r("t", "failed", "JOB-2", "local", 1), r("t", "passed", "JOB-2", "local", 2), r("t", "failed", "JOB-2", "kind", 3)]);
    expect(rows.map((x) => x.status).sort()).toEqual(["failed", "passed"]);
  });

  it("says incomplete where a test of the claim left no result, never confirmed", () => {
    const expected = new Map([["JOB-4", [{ test: "gc" }, { test: "gc-orphan" }]], ["JOB-2", [{ test: "seq" }]], ["JOB-1", [{ test: "lost" }]], ["JOB-3", [{ test: "par" }]]]);
    const rows = buildLedger([r("gc", "passed", "JOB-4"), r("seq", "passed", "JOB-2"), r("par", "failed", "JOB-3", "local", 1, "expected 2 to be 3")], ["local"], expected);
    const v = (id: string) => rows.find((x) => x.claim === id)!;
    expect(v("JOB-4")).toMatchObject({ verdict: "incomplete", detail: "1 of 2 tests reported (so far: confirmed); no result from: gc-orphan" });
    expect(v("JOB-2").verdict).toBe("confirmed");
    expect(v("JOB-1")).toMatchObject({ verdict: "incomplete", detail: "0 of 1 tests reported (none); no result from: lost" });
    expect(v("JOB-3").verdict).toBe("contradicted"); // a contradiction stands, whatever else is missing
  });

  it("knows every spec test that names a claim, and refuses a claims list it cannot attribute", async () => {
    const { expectedTests, specClaims } = await import("../harness/spec-claims.js");
    const all = expectedTests();
    expect(all.get("JOB-2")?.map((t) => t.test)).toContain("runs completions one after another when parallelism is not set");
    for (const c of all.keys()) expect(Object.keys(claims)).toContain(c);
    expect(specClaims('test(\n  "a \\"quoted\\" name",\n  { meta: { claims: ["JOB-1", "JOB-2"] } },', "x.ts")).toEqual([{ file: "x.ts", test: 'a "quoted" name', claims: ["JOB-1", "JOB-2"] }]);
    expect(() => specClaims('test(name, { meta: { claims: ["JOB-1"] } })', "y.ts")).toThrow("y.ts: 1 claims lists but 0 read");
  });
});
