import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { claims } from "../harness/report/claims.ts";
import { blameOf, blameToLabels, clusterFailed, suiteBlind, type Blame } from "../harness/failures.ts";
import { beyondMarkdown, beyondTutorial, buildLedger, byVersionMarkdown, byVersionText, claimsByVersion, latest, ledgerHtml, ledgerMarkdown, recordVerdicts, regressions, regressionText, type ResultLike } from "../harness/report/ledger.ts";

// The blame a failed result carries, as the emitters would set it: a wait's beginnings, vitest's
// AssertionError for "expected ...", else what blameOf makes of the message alone.
const blameFor = (message: string): Blame =>
  message.startsWith(clusterFailed.deadline) ? { on: "cluster", evidence: "deadline" }
  : message.startsWith(clusterFailed.gaveUp) ? { on: "cluster", evidence: "terminal-state" }
  : message.startsWith(clusterFailed.measured) ? { on: "cluster", evidence: "measured" }
  : blameOf({ name: /^expected /.test(message) ? "AssertionError" : "Error", message });

const r = (name: string, status: ResultLike["status"], claim: string, provider = "local", stop = 1, message?: string): ResultLike => ({
  name,
  fullName: name,
  status,
  stop,
  statusDetails: { message },
  labels: [{ name: "claim", value: claim }, ...(status === "failed" ? blameToLabels(blameFor(message ?? "")) : [])],
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
    expect(v("JOB-4")).toMatchObject({ verdict: "contradicted", detail: "observed: gc: Gave up waiting for no pods after 3 s: pods orphaned [a wait saw a wrong state the cluster does not leave]" });
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

  it("keeps tests beyond the tutorial out of the claim they stand next to, and lists them apart", () => {
    const beyond = (name: string, status: ResultLike["status"], claim: string): ResultLike => ({ ...r(name, status, claim), labels: [{ name: "beyond", value: claim }] });
    const results = [r("minute", "passed", "CRON-1"), beyond("Forbid", "failed", "CRON-1")];
    expect(buildLedger(results).find((x) => x.claim === "CRON-1")).toMatchObject({ verdict: "tutorial outdated", tests: [{ name: "minute" }] });
    expect(beyondTutorial(results)).toEqual([{ near: "CRON-1", test: "Forbid", results: [{ provider: "local", status: "failed" }] }]);
    expect(beyondMarkdown(beyondTutorial(results))).toContain("| CRON-1 | Forbid | local: failed |");
    expect(beyondMarkdown([])).toBe("");
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
    const { expectedTests, specClaims } = await import("../harness/report/spec-claims.ts");
    const all = expectedTests();
    expect(all.get("JOB-2")?.map((t) => t.test)).toContain("runs completions one after another when parallelism is not set");
    for (const c of all.keys()) expect(Object.keys(claims)).toContain(c);
    expect(specClaims('test(\n  "a \\"quoted\\" name",\n  { meta: { claims: ["JOB-1", "JOB-2"] } },', "x.ts")).toEqual([{ file: "x.ts", test: 'a "quoted" name', claims: ["JOB-1", "JOB-2"] }]);
    expect(() => specClaims('test(name, { meta: { claims: ["JOB-1"] } })', "y.ts")).toThrow("y.ts: 1 claims lists name claims but 0 read");
    // a test of no claim may be named by a template
    expect(specClaims("test(`get ${kind}`, { meta: { claims: [] } })", "z.ts")).toEqual([]);
  });

  it("gives each provider and Kubernetes version its own column", () => {
    const at = (provider: string, v: string) => ({ ...r("seq", "passed", "JOB-2", provider), parameters: [{ name: "provider", value: provider }, { name: "kubernetes", value: v }] });
    const rows = buildLedger([at("existing", "v1.37.0"), { ...at("existing", "v1.35.1"), status: "failed" as const, statusDetails: { message: "expected 2 to be 1" }, labels: r("seq", "failed", "JOB-2", "existing", 1, "expected 2 to be 1").labels }, at("local", "v1.34.4")]);
    const job2 = rows.filter((x) => x.claim === "JOB-2").map((x) => [x.provider, x.verdict]);
    expect(job2).toEqual([["existing v1.35.1", "contradicted"], ["existing v1.37.0", "confirmed"], ["local v1.34.4", "confirmed"]]);
    // a claim declared not checkable on a provider stays so in each of its columns
    expect(rows.find((x) => x.claim === "VOL-2" && x.provider === "local v1.34.4")?.verdict).toBe("not checkable here");
    expect(rows.find((x) => x.claim === "VOL-2" && x.provider === "existing v1.37.0")?.verdict).toBe("not covered yet");
  });

  it("says per claim the Kubernetes versions on which it held, and where the versions disagree, why", () => {
    const at = (provider: string, v: string, status: ResultLike["status"] = "passed", message?: string) => ({ ...r("seq", status, "JOB-2", provider, 1, message), parameters: [{ name: "provider", value: provider }, { name: "kubernetes", value: v }] });
    const rows = buildLedger([at("local", "v1.35.4"), at("local", "v1.37.2", "failed", "expected 2 to be 1"), at("kind", "v1.37.2"), at("local", "v1.36.3")]);
    const job2 = claimsByVersion(rows).find((b) => b.claim === "JOB-2")!;
    // v1.37.2 does not hold: one of its columns contradicts the claim
    expect(job2).toMatchObject({ held: ["v1.35.4", "v1.36.3"], differs: true, notHeld: [{ version: "v1.37.2", provider: "local v1.37.2", verdict: "contradicted" }] });
    expect(byVersionText(claimsByVersion(rows))).toContain("JOB-2: held on v1.35.4, v1.36.3; contradicted on local v1.37.2 (differs between versions)");
    expect(byVersionMarkdown(claimsByVersion(rows))).toContain("- JOB-2 on local v1.37.2: observed: seq: expected 2 to be 1 [an assertion on what the cluster showed]");
    // claims no test ran say nothing per version
    expect(claimsByVersion(rows).find((b) => b.claim === "VOL-2")).toMatchObject({ held: [], notHeld: [], differs: false });
  });

  it("quality gate: a claim that held and now falls short is a regression; one without results this time is not", () => {
    const before = recordVerdicts({}, buildLedger([r("seq", "passed", "JOB-2"), r("gc", "passed", "JOB-4"), r("par", "passed", "JOB-3")]), "2026-11-25T10:00:00Z");
    expect(before.local?.["JOB-2"]).toEqual({ verdict: "confirmed", at: "2026-11-25T10:00:00Z" });
    // this run: JOB-2 contradicted, JOB-4 timed out (inconclusive), JOB-3 not run at all (a filtered run)
    const now = buildLedger([r("seq", "failed", "JOB-2", "local", 2, "expected 2 to be 1"), r("gc", "failed", "JOB-4", "local", 2, "Timed out after 60.0 s waiting")]);
    const found = regressions(before, now);
    expect(found.map((g) => [g.claim, g.was, g.now])).toEqual([
      ["JOB-2", "confirmed", "contradicted"],
      ["JOB-4", "confirmed", "inconclusive"],
    ]);
    expect(regressionText(found[0]!)).toBe("JOB-2 on local: contradicted (was confirmed on 2026-11-25T10:00:00Z): observed: seq: expected 2 to be 1 [an assertion on what the cluster showed]");
    // the history keeps JOB-3's last verdict, which this run said nothing about
    const after = recordVerdicts(before, now, "2026-11-26T10:00:00Z");
    expect(after.local?.["JOB-3"]?.verdict).toBe("confirmed");
    // neither a contradiction nor a run that could not tell replaces the verdict that held
    expect(after.local?.["JOB-2"]).toEqual({ verdict: "confirmed", at: "2026-11-25T10:00:00Z" });
    expect(after.local?.["JOB-4"]).toEqual({ verdict: "confirmed", at: "2026-11-25T10:00:00Z" });
    // passing again is no regression; nor is a run on another provider
    expect(regressions(before, buildLedger([r("seq", "passed", "JOB-2", "local", 3)]))).toEqual([]);
    expect(regressions(before, buildLedger([r("seq", "failed", "JOB-2", "kind", 3, "expected 2 to be 1")]))).toEqual([]);
  });

  it("quality gate: held, then inconclusive, then contradicted is still a regression; held again is the new baseline", () => {
    const held = recordVerdicts({}, buildLedger([r("gc", "passed", "JOB-4", "local", 1)]), "day 1");
    const blind = buildLedger([r("gc", "failed", "JOB-4", "local", 2, "Timed out after 60.0 s waiting for x, and the suite could not tell whether the cluster acted: node n not Ready")]);
    expect(blind.find((x) => x.claim === "JOB-4")?.verdict).toBe("inconclusive");
    const afterBlind = recordVerdicts(held, blind, "day 2");
    expect(afterBlind.local?.["JOB-4"]).toEqual({ verdict: "confirmed", at: "day 1" });
    // a partial or incomplete run does not replace it either
    const partial = buildLedger([r("gc", "passed", "JOB-4", "local", 3), r("other", "skipped", "JOB-4", "local", 3)]);
    expect(partial.find((x) => x.claim === "JOB-4")?.verdict).toBe("partly confirmed");
    const afterPartial = recordVerdicts(afterBlind, partial, "day 3");
    expect(afterPartial.local?.["JOB-4"]?.at).toBe("day 1");
    const contradicted = buildLedger([r("gc", "failed", "JOB-4", "local", 4, "Deadline passed: waited 60.0 s for the 2 pods of Job pi to be deleted")]);
    expect(regressions(afterPartial, contradicted).map((g) => [g.claim, g.was, g.since, g.now])).toEqual([["JOB-4", "confirmed", "day 1", "contradicted"]]);
    // and it stays a regression on the next run too, until the claim holds again
    const afterContradicted = recordVerdicts(afterPartial, contradicted, "day 4");
    expect(regressions(afterContradicted, contradicted)).toHaveLength(1);
    const again = recordVerdicts(afterContradicted, buildLedger([r("gc", "passed", "JOB-4", "local", 5)]), "day 5");
    expect(again.local?.["JOB-4"]).toEqual({ verdict: "confirmed", at: "day 5" });
  });

  it("reads who failed from the blame the result carries, never from the message alone", () => {
    const withBlame = (message: string, blame?: Blame): ResultLike => ({ ...r("t", "failed", "JOB-1", "local", 1, message), labels: [{ name: "claim", value: "JOB-1" }, ...(blame ? blameToLabels(blame) : [])] });
    const verdictOf = (res: ResultLike) => buildLedger([res]).find((x) => x.claim === "JOB-1")!;
    for (const [name, prefix] of Object.entries(suiteBlind)) expect(verdictOf(r("t", "failed", "JOB-1", "local", 1, `${prefix} something`)).verdict, name).toBe("inconclusive");
    for (const [name, prefix] of Object.entries(clusterFailed)) expect(verdictOf(r("t", "failed", "JOB-1", "local", 1, `${prefix} something`)).verdict, name).toBe("contradicted");
    // A failure that carries no blame at all (an older result, a crash before the labels) is the suite's.
    expect(verdictOf(withBlame("Deadline passed: waited 60.0 s"))).toMatchObject({ verdict: "inconclusive", detail: expect.stringMatching(/^the suite failed: t: Deadline passed.*\[an exception of the suite's own\]$/) });
    // The suite's own exception reads as such, saying what failed.
    expect(verdictOf(withBlame("Cannot read properties of undefined (reading 'spec')", { on: "suite", failure: "exception" }))).toMatchObject({
      verdict: "inconclusive",
      detail: "the suite failed: t: Cannot read properties of undefined (reading 'spec') [an exception of the suite's own]",
    });
    expect(verdictOf(withBlame("scripts/kind/join-node.sh failed (exit 1)", { on: "suite", failure: "tool" })).detail).toContain("[a tool or process of the suite's failed]");
    expect(verdictOf(withBlame("Timed out after 1.0 s", { on: "suite", failure: "blind" })).detail).toMatch(/^the suite could not tell: /);
    expect(verdictOf(withBlame("ConfigMap x: rejected by the apiserver (422 Invalid): ValidatingAdmissionPolicy 'p' with binding 'b' denied request", { on: "cluster", evidence: "admission" })).verdict).toBe("contradicted");
  });

  it("puts tutorial outdated before partly confirmed: the passing tests are the evidence", () => {
    const skippedWith = (name: string, claim: string, reason: string): ResultLike => ({ ...r(name, "skipped", claim), labels: [{ name: "claim", value: claim }, { name: "skip-reason", value: reason }] });
    const rows = buildLedger([r("recycle", "passed", "PV-7"), skippedWith("scrub", "PV-7", "needs a container runtime")]);
    expect(rows.find((x) => x.claim === "PV-7")).toMatchObject({ verdict: "tutorial outdated", detail: expect.stringContaining("not checkable here: scrub (needs a container runtime)") });
  });

  it("takes a capability skip for no fault of the version, and still gates a partial column", () => {
    const at = (v: string, ...results: ResultLike[]) => results.map((x) => ({ ...x, parameters: [...(x.parameters ?? []), { name: "kubernetes", value: v }] }));
    const skipped: ResultLike = { ...r("burn", "skipped", "QUOTA-5"), labels: [{ name: "claim", value: "QUOTA-5" }, { name: "skip-reason", value: "needs a container runtime" }] };
    const kindSide = { ...r("reserve", "passed", "QUOTA-5", "kind"), parameters: [{ name: "provider", value: "kind" }] };
    const rows = buildLedger([...at("v1.37.2", r("reserve", "passed", "QUOTA-5"), skipped), ...at("v1.37.2", kindSide)]);
    const quota5 = claimsByVersion(rows).find((b) => b.claim === "QUOTA-5")!;
    expect(quota5).toMatchObject({ held: ["v1.37.2"], notHeld: [] });
    expect(byVersionText([quota5])).toEqual(["QUOTA-5: held on v1.37.2"]);
    // partly confirmed before, contradicted now: a regression; partly confirmed again: none
    const before = recordVerdicts({}, buildLedger([r("reserve", "passed", "QUOTA-5"), skipped]), "day 1");
    expect(before.local?.["QUOTA-5"]?.verdict).toBe("partly confirmed");
    const fell = buildLedger([r("reserve", "failed", "QUOTA-5", "local", 2, "expected 1 to be 2"), skipped]);
    expect(regressions(before, fell).map((g) => [g.claim, g.was, g.now])).toEqual([["QUOTA-5", "partly confirmed", "contradicted"]]);
    expect(regressions(before, buildLedger([r("reserve", "passed", "QUOTA-5", "local", 3), skipped]))).toEqual([]);
    expect(recordVerdicts(before, fell, "day 2").local?.["QUOTA-5"]).toEqual({ verdict: "partly confirmed", at: "day 1" });
  });

  it("adds what the passing tests noted to a verdict that held", () => {
    const noted = { ...r("default", "passed", "SC-3"), labels: [{ name: "claim", value: "SC-3" }, { name: "noted", value: "the class was assigned by the PV controller 0.4 s after creation (admission gave none)" }] };
    expect(buildLedger([noted]).find((x) => x.claim === "SC-3")?.detail).toContain("noted: the class was assigned by the PV controller");
  });

  it("gives each cluster its own column: two clusters of one version keep their own verdicts", () => {
    const on = (cluster: string, server: string, status: ResultLike["status"], message?: string): ResultLike => {
      const base = r("seq", status, "JOB-2", "existing", 1, message);
      return { ...base, parameters: [{ name: "provider", value: "existing" }, { name: "kubernetes", value: "v1.36.4" }, { name: "cluster", value: cluster }, { name: "server", value: server }] };
    };
    const rows = buildLedger([on("staging", "https://staging:6443", "failed", "expected 2 to be 1"), on("prod", "https://prod:6443", "passed")]);
    expect(rows.filter((x) => x.claim === "JOB-2").map((x) => [x.provider, x.verdict])).toEqual([
      ["existing v1.36.4 prod", "confirmed"],
      ["existing v1.36.4 staging", "contradicted"],
    ]);
    // two clusters that would share a column stop the merge, naming both
    expect(() => buildLedger([on("kind-kubeproof", "https://127.0.0.1:40001", "passed"), on("kind-kubeproof", "https://127.0.0.1:40002", "failed", "expected 2 to be 1")])).toThrow(
      'results of 2 clusters would read as one ledger column "existing v1.36.4 kind-kubeproof": https://127.0.0.1:40001 and https://127.0.0.1:40002',
    );
  });

  it("draws the ledger as a matrix: a row per claim, a column per cluster, the gate's findings first", () => {
    const rows = buildLedger([{ ...r("seq", "passed", "JOB-2"), uuid: "u-1" }, r("seq", "failed", "JOB-2", "kind", 1, "expected 2 to be 1")]);
    const html = ledgerHtml(rows, { reportHref: "report.html", md5: (s) => `md5(${s})`, regressions: [{ claim: "JOB-2", provider: "kind", was: "confirmed", since: "yesterday", now: "contradicted", detail: "observed: x" }] });
    expect(html.match(/<tr><th scope="row">/g)).toHaveLength(Object.keys(claims).length);
    expect(html).toContain("<th>kind</th><th>local</th>");
    expect(html).toContain('<a href="report.html#md5(u-1)" target="_top">seq</a>');
    expect(html.indexOf("Quality gate failed")).toBeLessThan(html.indexOf("<table>"));
    expect(html).toContain("JOB-2 on kind: contradicted (was confirmed on yesterday)");
  });
});

