// A vitest reporter for people and for trend tooling: per topic passed/failed/skipped with time,
// every skip with its reason, claim verdict counts, where the report is; and reports/summary-<project>.json.
// Its last line is "N passed, N failed" (skips are counted apart, never as passes).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Reporter, TestModule } from "vitest/node";
import { reportsDir } from "../cluster/paths.ts";
import { buildLedger, verdictOrder, type ResultLike, type Verdict } from "./ledger.ts";
import { expectedTests } from "./spec-claims.ts";
import { readInfraEvents } from "./infra-events.ts";
import { byRow, describeRows, type WaitTime } from "./wait-times.ts";
import { podStartFigures, podStartPhases, type PodStart } from "../record/pod-starts.ts";
import type { Pacing, RunSummary, Topic } from "./run-summary.ts";
import { queuedPerCore, type PacedStart } from "../k/pace.ts";
import { sharedStateFiles, sharedStateProjects } from "../run/projects.ts";

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** A test file's topic: its path under specs/ (or from the repository root) without the suffix. */
const topicOf = (file: string) => file.replace(/^specs\//, "").replace(/\.(spec|test|itest)\.ts$/, "");

export default class SummaryReporter implements Reporter {
  private started = Date.now();

  onTestRunStart(): void {
    this.started = Date.now();
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<unknown>, reason?: string): void {
    const cluster = readJson(path.join(reportsDir, "cluster.json")) as RunSummary["cluster"];
    // `npm test` runs the conformance groups and the harness integration tests as one run.
    const project = modules.some((x) => x.project.name.startsWith("conformance")) ? "conformance" : (modules[0]?.project.name ?? "run");
    // A global set-up that throws (a cluster that cannot come up) leaves vitest with no files and
    // no unhandled error to report here: without this the run would read "0 passed, 0 failed".
    const setupFailed = modules.length === 0 && reason === "failed" && unhandled.length === 0;
    // Evidence under the provider's name, so claims declared not checkable there read so.
    const collected = collect(modules, cluster?.provider ?? "run");
    const summary = summarise(collected, { project, cluster, wallMs: Date.now() - this.started, unhandled: unhandled.length + (setupFailed ? 1 : 0) });
    mkdirSync(reportsDir, { recursive: true });
    writeFileSync(path.join(reportsDir, `summary-${project}.json`), JSON.stringify(summary, null, 2));
    const lines = render(summary, collected.waits.length > 0);
    if (setupFailed) lines.splice(-1, 0, "  no test ran: the run's set-up failed before any file started (its error follows); counted as 1 failure");
    process.stdout.write(lines.join("\n") + "\n");
  }
}

interface Collected {
  topics: Record<string, Topic>;
  /** Results of tests that name claims, for this run's ledger. */
  evidence: ResultLike[];
  waits: WaitTime[];
  podStarts: PodStart[];
  paced: PacedStart[];
}

/** Every test's result, per spec file (topic), with the file's API costs and named waits. */
function collect(modules: ReadonlyArray<TestModule>, provider: string): Collected {
  const out: Collected = { topics: {}, evidence: [], waits: [], podStarts: [], paced: [] };
  for (const m of modules) {
    const name = topicOf(path.relative(process.cwd(), m.moduleId));
    const costs = readJson(path.join(reportsDir, "file-costs", `${name.replace(/[^A-Za-z0-9]+/g, ".")}.json`)) as { requests?: number; throttled?: number; waits?: WaitTime[]; podStarts?: PodStart[]; paced?: PacedStart[] } | undefined;
    out.waits.push(...(costs?.waits ?? []));
    out.podStarts.push(...(costs?.podStarts ?? []));
    out.paced.push(...(costs?.paced ?? []));
    const t: Topic = (out.topics[name] = { tests: [], requests: costs?.requests, throttled: costs?.throttled, passed: 0, failed: 0, skipped: 0, unselected: 0, durationMs: m.diagnostic().duration, skips: [], failures: [] });
    for (const tc of m.children.allTests()) {
      const r = tc.result();
      // Not selected (a -t filter, a file argument): not run, so neither a skip nor evidence.
      if (r.state === "skipped" && tc.options.mode === "skip" && !r.note) {
        t.unselected++;
        continue;
      }
      const d = tc.diagnostic();
      t.tests.push({ name: tc.name, project: m.project.name, state: r.state, ms: Math.round(d?.duration ?? 0), retries: d?.retryCount ?? 0 });
      const claimIds = (tc.meta() as { claims?: string[] }).claims ?? [];
      if (claimIds.length && r.state !== "pending") {
        out.evidence.push({
          name: tc.name,
          fullName: `${name}: ${tc.name}`,
          status: r.state === "passed" ? "passed" : r.state === "failed" ? "failed" : "skipped",
          stop: 0,
          statusDetails: { message: r.state === "failed" ? r.errors?.[0]?.message : r.state === "skipped" ? r.note : undefined },
          labels: [...claimIds.map((c) => ({ name: "claim", value: c })), ...(r.state === "skipped" && r.note ? [{ name: "skip-reason", value: r.note }] : [])],
          parameters: [{ name: "provider", value: provider }],
        });
      }
      if (r.state === "passed") t.passed++;
      else if (r.state === "failed") {
        t.failed++;
        t.failures.push(`${tc.name}: ${r.errors?.[0]?.message?.split("\n")[0] ?? "failed"}`);
      } else if (r.state === "skipped") {
        t.skipped++;
        t.skips.push(`${tc.name}: ${r.note ?? "skipped without a reason"}`);
      }
    }
    if (m.state() === "failed" && t.failed === 0 && m.errors().length) {
      t.failed++;
      t.failures.push(`(file) ${m.errors()[0]?.message?.split("\n")[0]}`);
    }
  }
  return out;
}

/** The run's figures: counts, time against its floor and critical path, claim verdicts, waits. */
function summarise(c: Collected, run: { project: string; cluster: RunSummary["cluster"]; wallMs: number; unhandled: number }): RunSummary {
  const topics = Object.values(c.topics);
  const sum = (k: "passed" | "failed" | "skipped") => topics.reduce((a, t) => a + t[k], 0);
  const allTests = topics.flatMap((t) => t.tests);
  // The chain of waits nothing can overlap: the slowest test of the files whose tests run at once,
  // and each file whose tests run one after another (harness/run/projects.ts): beside the others,
  // or after them where its project runs after them.
  const oneAtATime = new Set(Object.keys(sharedStateFiles).map(topicOf));
  const after = new Set(run.cluster?.sharedStateBeside === false ? Object.values(sharedStateProjects).map(topicOf) : []);
  const chain = (topic: string) => (c.topics[topic]?.tests ?? []).reduce((a, t) => a + t.ms, 0);
  const parallel = Math.max(
    0,
    ...Object.entries(c.topics).flatMap(([name, t]) => (oneAtATime.has(name) ? [] : t.tests.map((x) => x.ms))),
    ...[...oneAtATime].filter((f) => !after.has(f)).map(chain),
  );
  const criticalPathMs = parallel + [...after].map(chain).reduce((a, b) => a + b, 0);
  const conformance = run.project === "conformance";
  // The ledger of this run alone (npm run report joins runs and providers into reports/ledger.*).
  const ledger = conformance ? buildLedger(c.evidence, [run.cluster?.provider ?? "run"], expectedTests()) : [];
  const verdicts: Partial<Record<Verdict, number>> = {};
  for (const row of ledger) verdicts[row.verdict] = (verdicts[row.verdict] ?? 0) + 1;
  return {
    project: run.project,
    finishedAt: new Date().toISOString(),
    wallMs: run.wallMs,
    criticalPathMs,
    floorMs: Math.max(0, ...allTests.map((t) => t.ms)),
    retries: allTests.reduce((a, t) => a + t.retries, 0),
    passed: sum("passed"),
    failed: sum("failed") + run.unhandled,
    skipped: sum("skipped"),
    infraEvents: conformance ? readInfraEvents() : [],
    cluster: conformance ? run.cluster : undefined,
    claims: conformance ? { verdicts, rows: ledger.map((r) => ({ claim: r.claim, verdict: r.verdict, detail: r.detail })) } : undefined,
    waits: byRow(c.waits),
    podStarts: podStartFigures(c.podStarts),
    pacing: pacingOf(c.paced),
    topics: c.topics,
  };
}

/** The lines people read at the end of a run; the last is "N passed, N failed". */
function render(s: RunSummary, anyWaits: boolean): string[] {
  const out: string[] = [""];
  const conformance = s.project === "conformance";
  const head = conformance && s.cluster ? ` on ${s.cluster.provider} (Kubernetes ${s.cluster.kubeVersion}, cluster ready in ${secs(s.cluster.startMs ?? 0)})` : "";
  out.push(`kubeproof ${s.project}${head}, wall ${secs(s.wallMs)}`);
  for (const [name, t] of Object.entries(s.topics).sort()) {
    out.push(`  ${name.padEnd(34)} ${String(t.passed).padStart(3)} passed ${String(t.failed).padStart(3)} failed ${String(t.skipped).padStart(3)} skipped ${(t.durationMs / 1000).toFixed(1).padStart(7)} s${t.unselected ? ` (${t.unselected} not selected)` : ""}${t.requests !== undefined ? ` ${String(t.requests).padStart(5)} API requests` : ""}${t.throttled ? ` (${t.throttled} turned away with 429 and sent again)` : ""}`);
    for (const f of t.failures) out.push(`      ✗ ${f}`);
    for (const x of t.skips) out.push(`      - skipped ${x}`);
  }
  if (conformance && s.claims) {
    const rows = s.claims.rows.length;
    out.push(`  claims (${rows}): ${verdictOrder.map((v) => `${s.claims!.verdicts[v] ?? 0} ${v}`).join(", ")}`);
    out.push("  report: npm run report -> reports/allure-report/index.html (the claims matrix; the Allure report behind it), claims ledger reports/ledger.md");
  }
  if (anyWaits) {
    out.push("  named waits by timeout row (met waits; the slowest against the row's timeout):");
    out.push(...describeRows(s.waits));
  }
  if (s.podStarts) {
    const p = s.podStarts;
    const line = (f: typeof p.median) => `${secs(f.total)} = ${podStartPhases.map((ph) => `${ph} ${secs(f[ph])}`).join(" + ")}`;
    out.push(`  pod starts (${p.pods} pods a real kubelet started; creation to Running seen, by phase): median ${line(p.median)}; 90th percentile ${line(p.p90)}`);
  }
  if (s.pacing) {
    const p = s.pacing;
    const longest = p.longest ? `, the longest ${secs(p.longest.ms)} (${p.longest.test})` : "";
    out.push(`  pacing: a test started while fewer than ${p.limit} pods were queued on the nodes (${queuedPerCore} per core of the ${p.cores} cores of ${p.machines} machine${p.machines > 1 ? "s" : ""} the nodes run on); ${p.waited} of ${p.tests} tests waited for room, ${secs(p.waitedMs)} in all${longest}${p.gaveUp ? `; ${p.gaveUp} started without room after waiting the most` : ""}`);
  }
  if (conformance) {
    const ratio = s.floorMs ? ` = ${(s.wallMs / s.floorMs).toFixed(2)} x the floor (the slowest test, ${secs(s.floorMs)})` : "";
    const ready = s.cluster?.startMs;
    const afterReady = s.floorMs && ready ? `; after the cluster was ready ${secs(s.wallMs - ready)} = ${((s.wallMs - ready) / s.floorMs).toFixed(2)} x` : "";
    out.push(`  wall ${secs(s.wallMs)}${ratio}${afterReady}; critical path ${secs(s.criticalPathMs)} (the slowest test, and the tests of files that change cluster-wide state one after another)${s.retries ? `; ${s.retries} infrastructure retr${s.retries > 1 ? "ies" : "y"}` : ""}`);
  }
  for (const e of s.infraEvents) out.push(`  infrastructure: ${e.component} of ${e.cluster} had exited at ${e.at}; ${e.action} (its log: reports/infra-events.jsonl)`);
  out.push(`${s.passed} passed, ${s.failed} failed${s.skipped ? ` (${s.skipped} skipped)` : ""}`);
  return out;
}

/** The run's pacing from every test's paced start; undefined where nothing was paced (simulated kubelets). */
export function pacingOf(all: readonly PacedStart[]): Pacing | undefined {
  if (all.length === 0) return undefined;
  const waited = all.filter((p) => p.waitedMs > 2_000);
  const longest = [...waited].sort((a, b) => b.waitedMs - a.waitedMs)[0];
  const last = all[all.length - 1]!;
  return {
    limit: Math.max(...all.map((p) => p.limit)),
    cores: last.cores,
    machines: last.machines,
    tests: all.length,
    waited: waited.length,
    waitedMs: waited.reduce((a, p) => a + p.waitedMs, 0),
    ...(longest ? { longest: { test: longest.test, ms: longest.waitedMs } } : {}),
    gaveUp: all.filter((p) => p.gaveUp).length,
  };
}

function readJson(file: string): unknown {
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
}
