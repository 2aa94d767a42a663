// The claims ledger: for every claim of the tutorial and every provider that ran, a verdict
// drawn from the test results (Allure result files), never typed by hand.
import { claims, type ClaimId } from "./claims.ts";
import { blameFromLabels, blameKind, blameWords, type Blame } from "../failures.ts";

export interface ResultLike {
  /** The result file's uuid; the Allure report addresses the test as md5(uuid). */
  uuid?: string;
  name: string;
  fullName?: string;
  status: "passed" | "failed" | "broken" | "skipped" | "unknown";
  statusDetails?: { message?: string };
  labels: { name: string; value: string }[];
  parameters?: { name: string; value: string }[];
  start?: number;
  stop?: number;
}

/**
 * confirmed: every test passed. tutorial outdated: they passed, asserting what Kubernetes does
 * now where the tutorial says otherwise. contradicted: a failed test carries evidence that the
 * cluster did something else (an assertion on what it showed, a terminal wrong state, a deadline
 * it let pass while the suite watched: its blame, harness/failures.ts). inconclusive: every
 * failure is the suite's (it could not see, a tool or exception of its own, vitest's timeout).
 */
export type Verdict = "confirmed" | "tutorial outdated" | "partly confirmed" | "contradicted" | "inconclusive" | "incomplete" | "not checkable here" | "not covered yet";
export const verdictOrder: Verdict[] = ["confirmed", "tutorial outdated", "partly confirmed", "contradicted", "inconclusive", "incomplete", "not checkable here", "not covered yet"];

export interface LedgerRow {
  claim: ClaimId;
  title: string;
  /** The column: the provider, and the Kubernetes version where the result says it ("kind v1.34.4"). */
  provider: string;
  verdict: Verdict;
  detail: string;
  tests: { name: string; status: string; uuid?: string; message?: string; blame?: Blame }[];
}

const param = (r: ResultLike, name: string) => r.parameters?.find((p) => p.name === name)?.value;
/** A result's column: its cluster, by provider, the Kubernetes version it reported, and its name where it has one (harness/k/labels.ts). */
const providerOf = (r: ResultLike) => [param(r, "provider") ?? "unknown", param(r, "kubernetes"), param(r, "cluster")].filter(Boolean).join(" ");

/**
 * Two clusters that would read as one column (the same provider, version and name, different API
 * servers) stop the merge: one's verdicts would silently replace the other's.
 */
export function checkColumns(results: ResultLike[]): void {
  const servers = new Map<string, Set<string>>();
  for (const r of results) {
    const server = param(r, "server");
    if (!server) continue;
    const column = providerOf(r);
    servers.set(column, (servers.get(column) ?? new Set()).add(server));
  }
  for (const [column, s] of servers) {
    if (s.size > 1) throw new Error(`results of ${s.size} clusters would read as one ledger column "${column}": ${[...s].join(" and ")}; give each run its own KUBEPROOF_CLUSTER_NAME (or kubeconfig context name)`);
  }
}

/** Keeps the newest result per test and column (a results folder accumulates runs); refuses clusters it cannot tell apart. */
export function latest(results: ResultLike[]): ResultLike[] {
  checkColumns(results);
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
 * `expected`: the tests the specs have per claim (harness/report/spec-claims.ts). A claim some of whose
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
      const notCheckable = (claim as { notCheckable?: Record<string, string> }).notCheckable?.[provider.split(" ")[0]!];
      const differs = (claim as { tutorialDiffers?: string }).tutorialDiffers;
      const failed = tests.filter((t) => t.status === "failed" || t.status === "broken");
      const passed = tests.filter((t) => t.status === "passed");
      const clusters = failed.filter((f) => blameFromLabels(f.labels).on === "cluster");
      const said = (f: ResultLike) => `${f.name}: ${firstLine(f.statusDetails?.message) || "(no message)"} [${blameWords[blameKind(blameFromLabels(f.labels))]}]`;
      const skipped = tests.filter((t) => t.status !== "passed" && t.status !== "failed" && t.status !== "broken");
      const notHere = () => [...new Set(skipped.map((t) => `${t.name} (${reasonOf(t) || "skipped without a reason"})`))].join(" | ");
      let verdict: Verdict;
      let detail: string;
      if (tests.length === 0) {
        verdict = notCheckable ? "not checkable here" : "not covered yet";
        detail = notCheckable ?? "no test checks this claim yet";
      } else if (clusters.length) {
        verdict = "contradicted";
        detail = `observed: ${clusters.map(said).join(" | ")}`;
      } else if (failed.length > 0) {
        verdict = "inconclusive";
        const blind = failed.every((f) => blameFromLabels(f.labels).on === "suite" && blameKind(blameFromLabels(f.labels)) === "blind");
        detail = `${blind ? "the suite could not tell" : "the suite failed"}: ${failed.map(said).join(" | ")}`;
      } else if (passed.length === 0) {
        verdict = "not checkable here";
        detail = [...new Set(tests.map((t) => reasonOf(t) || "skipped without a reason"))].join(" | ");
      } else if (differs) {
        // The passing tests are the evidence of what Kubernetes does now, whatever could not run here.
        verdict = "tutorial outdated";
        detail = `${differs}; the passing tests show what Kubernetes does now${skipped.length ? `; not checkable here: ${notHere()}` : ""}`;
      } else if (passed.length < tests.length) {
        // Part of the claim held, the rest could not be run here (e.g. what needs real processes).
        verdict = "partly confirmed";
        detail = `${passed.length} passed; not checkable here: ${notHere()}`;
      } else {
        verdict = "confirmed";
        detail = `${passed.length} test${passed.length > 1 ? "s" : ""} passed`;
      }
      const checked = (claim as { checked?: string }).checked;
      if (checked && (verdict === "confirmed" || verdict === "tutorial outdated" || verdict === "partly confirmed")) detail += `; checked as: ${checked}`;
      // What a test expected of this column's Kubernetes version where upstream changed the behaviour.
      const versioned = [...new Set(tests.flatMap((t) => t.labels.filter((l) => l.name === "version-specific").map((l) => l.value)))];
      if (versioned.length) detail += `; version-specific: ${versioned.join(" | ")}`;
      // What the passing tests noted of how the cluster did it (which component, when).
      const noted = [...new Set(passed.flatMap((t) => t.labels.filter((l) => l.name === "noted").map((l) => l.value)))];
      if (noted.length && heldAsFarAsRun.has(verdict)) detail += `; noted: ${noted.join(" | ")}`;
      const missing = (expected?.get(id) ?? []).map((e) => e.test).filter((name) => !tests.some((t) => t.name === name));
      if (missing.length && verdict !== "contradicted" && verdict !== "inconclusive" && !(tests.length === 0 && notCheckable)) {
        const wanted = expected!.get(id)!.length;
        detail = `${wanted - missing.length} of ${wanted} tests reported (${verdict === "not covered yet" ? "none" : `so far: ${verdict}`}); no result from: ${missing.join(" | ")}`;
        verdict = "incomplete";
      }
      rows.push({
        claim: id,
        title: claim.title,
        provider,
        verdict,
        detail,
        tests: tests.map((t) => ({ name: t.name, status: t.status, uuid: t.uuid, ...(failed.includes(t) ? { message: t.statusDetails?.message, blame: blameFromLabels(t.labels) } : {}) })),
      });
    }
  }
  return rows;
}

/** A test of a behaviour the tutorial never mentions, next to a claim, with its result per provider. */
export interface BeyondRow {
  near: ClaimId;
  test: string;
  results: { provider: string; status: string }[];
}

/** The tests labelled `beyond` a claim: listed beside the claims, never part of a claim's verdict. */
export function beyondTutorial(all: ResultLike[]): BeyondRow[] {
  const results = latest(all.filter((r) => r.parameters?.some((p) => p.name === "provider")));
  const rows = new Map<string, BeyondRow>();
  for (const r of results) {
    for (const l of r.labels.filter((x) => x.name === "beyond")) {
      const key = `${l.value}\u0000${r.name}`;
      const row = rows.get(key) ?? { near: l.value as ClaimId, test: r.name, results: [] };
      row.results.push({ provider: providerOf(r), status: r.status });
      rows.set(key, row);
    }
  }
  const order = Object.keys(claims);
  return [...rows.values()].sort((a, b) => order.indexOf(a.near) - order.indexOf(b.near) || a.test.localeCompare(b.test));
}

/** The ledger's section of tests beyond the tutorial (empty when there are none). */
export function beyondMarkdown(rows: BeyondRow[]): string {
  if (!rows.length) return "";
  return [
    "",
    "## Beyond the tutorial",
    "",
    "Behaviours the tutorial does not mention, tested next to its claims; their results are not part of any claim's verdict.",
    "",
    "| next to | test | results |",
    "|---|---|---|",
    ...rows.map((r) => `| ${r.near} | ${r.test.replace(/\|/g, "\\|")} | ${r.results.map((x) => `${x.provider}: ${x.status}`).join("; ")} |`),
  ].join("\n") + "\n";
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

/** Verdicts that say the claim held: the tests ran and passed. */
const held = new Set<Verdict>(["confirmed", "tutorial outdated"]);
/** Verdicts that say tests ran and did not all pass (incomplete and not covered say nothing of the cluster). */
const fellShort = new Set<Verdict>(["partly confirmed", "contradicted", "inconclusive", "not checkable here"]);
/** What ran held, and the rest could not run there (a capability the provider lacks): the version is not at fault. */
const heldAsFarAsRun = new Set<Verdict>([...held, "partly confirmed"]);

/** One claim across Kubernetes versions: where it held, where it did not (with why), and whether the versions disagree. */
export interface ByVersion {
  claim: ClaimId;
  held: string[];
  notHeld: { version: string; provider: string; verdict: Verdict; detail: string }[];
  /** Some version held it and another did not: what Kubernetes changed shows in the detail of the one that did not. */
  differs: boolean;
}

const versionOf = (column: string) => /\bv\d+\.\d+\.\d+\S*/.exec(column)?.[0];

/**
 * Per claim, the Kubernetes versions on which it held: a version holds a claim when every column of
 * that version that ran its tests held it. Columns without a version, that ran none of the
 * claim's tests, or whose provider cannot check it, say nothing here.
 */
export function claimsByVersion(rows: LedgerRow[]): ByVersion[] {
  const byClaim = new Map<ClaimId, LedgerRow[]>();
  for (const r of rows) byClaim.set(r.claim, [...(byClaim.get(r.claim) ?? []), r]);
  return [...byClaim].map(([claim, mine]) => {
    const versions = new Map<string, LedgerRow[]>();
    for (const r of mine) {
      const v = versionOf(r.provider);
      // "not checkable here" is the provider's, not the version's
      if (!v || r.verdict === "not checkable here" || !(held.has(r.verdict) || fellShort.has(r.verdict))) continue;
      versions.set(v, [...(versions.get(v) ?? []), r]);
    }
    const sorted = [...versions].sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }));
    const heldOn = sorted.filter(([, rs]) => rs.every((r) => heldAsFarAsRun.has(r.verdict))).map(([v]) => v);
    const notHeld = sorted.flatMap(([version, rs]) => rs.filter((r) => !heldAsFarAsRun.has(r.verdict)).map((r) => ({ version, provider: r.provider, verdict: r.verdict, detail: r.detail })));
    return { claim, held: heldOn, notHeld, differs: heldOn.length > 0 && notHeld.length > 0 };
  });
}

export function byVersionText(list: ByVersion[]): string[] {
  return list
    .filter((b) => b.held.length || b.notHeld.length)
    .map((b) => {
      const not = b.notHeld.map((n) => `${n.verdict} on ${n.provider}`).join(", ");
      return `${b.claim}: ${b.held.length ? `held on ${b.held.join(", ")}` : "held on no version"}${not ? `; ${not}` : ""}${b.differs ? " (differs between versions)" : ""}`;
    });
}

export function byVersionMarkdown(list: ByVersion[]): string {
  const lines = byVersionText(list);
  if (!lines.length) return "";
  const differ = list.filter((b) => b.differs);
  return [
    "",
    "## By Kubernetes version",
    "",
    ...lines.map((l) => `- ${l}`),
    ...(differ.length ? ["", "Where the versions disagree, the version that did not hold says why:", "", ...differ.flatMap((b) => b.notHeld.map((n) => `- ${b.claim} on ${n.provider}: ${n.detail.replace(/\n/g, " ")}`))] : []),
  ].join("\n") + "\n";
}

/** What the previous recorded runs said, per column and claim (the newest record wins). */
export type VerdictHistory = Record<string, Partial<Record<ClaimId, { verdict: Verdict; at: string }>>>;

export interface Regression {
  claim: ClaimId;
  provider: string;
  was: Verdict;
  since: string;
  now: Verdict;
  detail: string;
}

/**
 * The quality gate: a claim that held on a column in the last recorded run and whose tests ran
 * this time without all passing; or that held in part there (some tests cannot run on that
 * provider) and now fell further. A claim with no result this time (a filtered run) is no regression.
 */
export function regressions(previous: VerdictHistory, rows: LedgerRow[]): Regression[] {
  return rows.flatMap((r) => {
    const before = previous[r.provider]?.[r.claim];
    const fell = before && ((held.has(before.verdict) && fellShort.has(r.verdict)) || (before.verdict === "partly confirmed" && fellShort.has(r.verdict) && r.verdict !== "partly confirmed"));
    return fell ? [{ claim: r.claim, provider: r.provider, was: before.verdict, since: before.at, now: r.verdict, detail: r.detail }] : [];
  });
}

/**
 * The history with this run's verdicts laid over it (only claims this run has results for). A
 * held baseline (confirmed, tutorial outdated) is replaced only by another held verdict: a run
 * that could not tell, was cut short or partial, or contradicted the claim leaves it in place, so
 * the gate keeps failing against the last verdict that held until the claim holds again (or the
 * record is deleted to accept a new baseline).
 */
export function recordVerdicts(previous: VerdictHistory, rows: LedgerRow[], at: string): VerdictHistory {
  const next: VerdictHistory = structuredClone(previous);
  for (const r of rows) {
    if (!r.tests.length) continue;
    const column = (next[r.provider] ??= {});
    const before = column[r.claim];
    if (before && held.has(before.verdict) && !held.has(r.verdict)) continue;
    if (before?.verdict === "partly confirmed" && !heldAsFarAsRun.has(r.verdict)) continue;
    column[r.claim] = { verdict: r.verdict, at };
  }
  return next;
}

export function regressionText(g: Regression): string {
  return `${g.claim} on ${g.provider}: ${g.now} (was ${g.was} on ${g.since}): ${g.detail}`;
}

const verdictColour: Record<Verdict, string> = {
  confirmed: "#bbf7d0",
  "tutorial outdated": "#bfdbfe",
  "partly confirmed": "#d9f99d",
  contradicted: "#fecaca",
  inconclusive: "#fde68a",
  incomplete: "#fed7aa",
  "not checkable here": "#e5e7eb",
  "not covered yet": "#fef9c3",
};

/**
 * The ledger as a matrix: a row per claim, a column per provider and Kubernetes version, a verdict
 * chip per cell that opens to its evidence (the detail, each test, a link to the test in the
 * Allure report when `reportHref` says where that is). Regressions of the quality gate lead.
 */
export function ledgerHtml(rows: LedgerRow[], opts: { reportHref?: string; regressions?: Regression[]; md5?: (s: string) => string } = {}): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
  const columns = [...new Set(rows.map((r) => r.provider))];
  const ids = [...new Set(rows.map((r) => r.claim))];
  const cell = (r: LedgerRow | undefined) => {
    if (!r) return "<td></td>";
    const link = (t: LedgerRow["tests"][number]) =>
      opts.reportHref && opts.md5 && t.uuid ? `<a href="${opts.reportHref}#${opts.md5(t.uuid)}" target="_top">${esc(t.name)}</a>` : esc(t.name);
    const tests = r.tests.length ? `<ul>${r.tests.map((t) => `<li>${link(t)} <i>(${t.status})</i></li>`).join("")}</ul>` : "";
    return `<td><details><summary class="chip" style="background:${verdictColour[r.verdict]}">${r.verdict}</summary><p>${esc(r.detail)}</p>${tests}</details></td>`;
  };
  const counts = columns
    .map((c) => {
      const mine = rows.filter((r) => r.provider === c);
      return `<li><b>${esc(c)}</b>: ${verdictOrder.filter((v) => mine.some((r) => r.verdict === v)).map((v) => `<span class="chip" style="background:${verdictColour[v]}">${mine.filter((r) => r.verdict === v).length} ${v}</span>`).join(" ")}</li>`;
    })
    .join("");
  const gate = opts.regressions?.length
    ? `<div class="gate"><b>Quality gate failed</b>: ${opts.regressions.length} claim${opts.regressions.length > 1 ? "s" : ""} held in the last recorded run and did not now.<ul>${opts.regressions.map((g) => `<li>${esc(regressionText(g))}</li>`).join("")}</ul></div>`
    : opts.regressions
      ? `<p class="ok">Quality gate passed: no claim that held in the last recorded run on its provider holds no longer.</p>`
      : "";
  const body = ids
    .map((id) => {
      const mine = rows.filter((r) => r.claim === id);
      return `<tr><th scope="row"><b>${id}</b> ${esc(mine[0]!.title)}</th>${columns.map((c) => cell(mine.find((r) => r.provider === c))).join("")}</tr>`;
    })
    .join("\n");
  const legend = verdictOrder.map((v) => `<span class="chip" style="background:${verdictColour[v]}">${v}</span>`).join(" ");
  return `<!doctype html><meta charset="utf-8"><title>kubeproof claims ledger</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px 6px;vertical-align:top;font-size:13px;text-align:left}th[scope=row]{font-weight:normal;max-width:34em}
.chip{display:inline-block;border-radius:9px;padding:1px 8px;font-size:12px;cursor:pointer;white-space:nowrap}details p,details ul{max-width:30em;margin:4px 0}summary{list-style:none}summary::-webkit-details-marker{display:none}
.gate{border:2px solid #dc2626;background:#fef2f2;padding:8px 12px;margin:1em 0}.ok{color:#166534}</style>
<h1>Claims ledger</h1>
${opts.reportHref ? `<p><a href="${opts.reportHref}" target="_top">Open the Allure report</a>: every test with its steps, timeline and evidence.</p>` : ""}
<p>Every claim of the tutorial (docs/claims.md), one column per cluster the run used. A chip opens to its evidence${opts.reportHref ? "; a test's name opens it in the Allure report" : ""}. Contradicted: the cluster did something else. Inconclusive: the suite could not tell (a timeout, an infrastructure problem). Tutorial outdated: Kubernetes now does what the tests assert, not what the tutorial says.</p>
${gate}<ul>${counts}</ul><p>${legend}</p>
<table><tr><th>claim</th>${columns.map((c) => `<th>${esc(c)}</th>`).join("")}</tr>
${body}</table>`;
}
