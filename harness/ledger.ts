// The claims ledger: for every claim of the tutorial and every provider that ran, a verdict
// drawn from the test results (Allure result files), never typed by hand.
import { claims, type ClaimId } from "./claims.js";
import { infrastructurePrefix } from "./image-trouble.js";

export interface ResultLike {
  name: string;
  fullName?: string;
  status: "passed" | "failed" | "broken" | "skipped" | "unknown";
  statusDetails?: { message?: string };
  labels: { name: string; value: string }[];
  parameters?: { name: string; value: string }[];
  stop?: number;
}

/**
 * confirmed: every test passed. tutorial outdated: they passed, asserting what Kubernetes does
 * now where the tutorial says otherwise. contradicted: the cluster did something else (an
 * assertion, a terminal wrong state). inconclusive: the suite could not tell (a timeout with no
 * terminal state, an infrastructure problem, a failed cleanup or recorder).
 */
export type Verdict = "confirmed" | "tutorial outdated" | "partly confirmed" | "contradicted" | "inconclusive" | "incomplete" | "not checkable here" | "not covered yet";
export const verdictOrder: Verdict[] = ["confirmed", "tutorial outdated", "partly confirmed", "contradicted", "inconclusive", "incomplete", "not checkable here", "not covered yet"];

/** Failures that say the suite, not the cluster, could not finish: a wait that ran out, infrastructure, cleanup. */
export function suiteFailure(message: string | undefined): boolean {
  const m = (message ?? "").trimStart();
  return m.startsWith(infrastructurePrefix) || /^Timed out after /.test(m) || /^cleanup failed:/.test(m) || /^the flight recorder did not see /.test(m) || /^Test timed out in /.test(m) || /^Lost the watch /.test(m);
}

export interface LedgerRow {
  claim: ClaimId;
  title: string;
  provider: string;
  verdict: Verdict;
  detail: string;
  tests: { name: string; status: string }[];
}

const providerOf = (r: ResultLike) => r.parameters?.find((p) => p.name === "provider")?.value ?? "unknown";

/** Keeps the newest result per test and provider (a results folder accumulates runs). */
export function latest(results: ResultLike[]): ResultLike[] {
  const m = new Map<string, ResultLike>();
  for (const r of results) {
    const key = `${providerOf(r)}\u0000${r.fullName ?? r.name}`;
    const prev = m.get(key);
    if (!prev || (r.stop ?? 0) > (prev.stop ?? 0)) m.set(key, r);
  }
  return [...m.values()];
}

function firstLine(s: string | undefined): string {
  return (s ?? "").split("\n").find((l) => l.trim() !== "")?.trim().slice(0, 300) ?? "";
}

const reasonOf = (t: ResultLike) => t.labels.find((l) => l.name === "skip-reason")?.value ?? firstLine(t.statusDetails?.message);

/**
 * `expected`: the tests the specs have per claim (harness/spec-claims.ts). A claim some of whose
 * tests left no result on a provider is incomplete there, whatever the others say, unless they
 * already contradict it or could not tell.
 */
export function buildLedger(all: ResultLike[], providers?: string[], expected?: Map<string, { test: string }[]>): LedgerRow[] {
  // Only conformance results carry a provider; anything else (a stray unit result) is not evidence.
  const results = latest(all.filter((r) => r.parameters?.some((p) => p.name === "provider")));
  const provs = providers ?? [...new Set(results.map(providerOf))].sort();
  const rows: LedgerRow[] = [];
  for (const [id, claim] of Object.entries(claims) as [ClaimId, (typeof claims)[ClaimId]][]) {
    for (const provider of provs) {
      const tests = results.filter((r) => providerOf(r) === provider && r.labels.some((l) => l.name === "claim" && l.value === id));
      const notCheckable = (claim as { notCheckable?: Record<string, string> }).notCheckable?.[provider];
      const differs = (claim as { tutorialDiffers?: string }).tutorialDiffers;
      const failed = tests.filter((t) => t.status === "failed" || t.status === "broken");
      const passed = tests.filter((t) => t.status === "passed");
      let verdict: Verdict;
      let detail: string;
      if (tests.length === 0) {
        verdict = notCheckable ? "not checkable here" : "not covered yet";
        detail = notCheckable ?? "no test checks this claim yet";
      } else if (failed.some((f) => !suiteFailure(f.statusDetails?.message))) {
        verdict = "contradicted";
        detail = `observed: ${failed.filter((f) => !suiteFailure(f.statusDetails?.message)).map((f) => `${f.name}: ${firstLine(f.statusDetails?.message)}`).join(" | ")}`;
      } else if (failed.length > 0) {
        verdict = "inconclusive";
        detail = `the suite could not tell: ${failed.map((f) => `${f.name}: ${firstLine(f.statusDetails?.message)}`).join(" | ")}`;
      } else if (passed.length === 0) {
        verdict = "not checkable here";
        detail = [...new Set(tests.map((t) => reasonOf(t) || "skipped without a reason"))].join(" | ");
      } else if (passed.length < tests.length) {
        // Part of the claim held, the rest could not be run here (e.g. what needs real processes).
        verdict = "partly confirmed";
        const skipped = tests.filter((t) => t.status !== "passed");
        detail = `${passed.length} passed; not checkable here: ${[...new Set(skipped.map((t) => `${t.name} (${reasonOf(t) || "skipped without a reason"})`))].join(" | ")}`;
      } else if (differs) {
        verdict = "tutorial outdated";
        detail = `${differs}; the passing tests show what Kubernetes does now`;
      } else {
        verdict = "confirmed";
        detail = `${passed.length} test${passed.length > 1 ? "s" : ""} passed`;
      }
      const missing = (expected?.get(id) ?? []).map((e) => e.test).filter((name) => !tests.some((t) => t.name === name));
      if (missing.length && verdict !== "contradicted" && verdict !== "inconclusive" && !(tests.length === 0 && notCheckable)) {
        const wanted = expected!.get(id)!.length;
        detail = `${wanted - missing.length} of ${wanted} tests reported (${verdict === "not covered yet" ? "none" : `so far: ${verdict}`}); no result from: ${missing.join(" | ")}`;
        verdict = "incomplete";
      }
      rows.push({ claim: id, title: claim.title, provider, verdict, detail, tests: tests.map((t) => ({ name: t.name, status: t.status })) });
    }
  }
  return rows;
}

export function ledgerMarkdown(rows: LedgerRow[]): string {
  const providers = [...new Set(rows.map((r) => r.provider))];
  const counts = providers.map((p) => {
    const mine = rows.filter((r) => r.provider === p);
    const c = (v: Verdict) => mine.filter((r) => r.verdict === v).length;
    return `- **${p}**: ${verdictOrder.map((v) => `${c(v)} ${v}`).join(", ")}`;
  });
  const lines = [
    "# Claims ledger",
    "",
    "Every claim of the tutorial (docs/claims.md) with the verdict of the latest run per provider.",
    "",
    ...counts,
    "",
    "| claim | provider | verdict | detail | tests |",
    "|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.claim} ${r.title.replace(/\|/g, "\\|")} | ${r.provider} | ${r.verdict} | ${r.detail.replace(/\|/g, "\\|").replace(/\n/g, " ")} | ${r.tests.map((t) => `${t.name} (${t.status})`).join("; ").replace(/\|/g, "\\|")} |`),
  ];
  return lines.join("\n") + "\n";
}

export function ledgerHtml(rows: LedgerRow[]): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
  const colour: Record<Verdict, string> = { confirmed: "#dcfce7", "tutorial outdated": "#dbeafe", "partly confirmed": "#ecfccb", contradicted: "#fee2e2", inconclusive: "#fde68a", incomplete: "#fed7aa", "not checkable here": "#f3f4f6", "not covered yet": "#fef9c3" };
  const body = rows
    .map((r) => `<tr style="background:${colour[r.verdict]}"><td><b>${r.claim}</b> ${esc(r.title)}</td><td>${r.provider}</td><td>${r.verdict}</td><td>${esc(r.detail)}</td><td>${r.tests.map((t) => `${esc(t.name)} (${t.status})`).join("<br>")}</td></tr>`)
    .join("\n");
  return `<!doctype html><meta charset="utf-8"><title>kubeproof claims ledger</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;font-size:13px}</style>
<h1>Claims ledger</h1><table><tr><th>claim</th><th>provider</th><th>verdict</th><th>detail</th><th>tests</th></tr>
${body}</table>`;
}
