// A vitest reporter for people and for trend tooling: per topic passed/failed/skipped with time,
// every skip with its reason, claim verdict counts, where the report is; and reports/summary-<project>.json.
// Its last line is "N passed, N failed" (skips are counted apart, never as passes).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Reporter, TestModule } from "vitest/node";
import { reportsDir } from "../cluster/paths.js";
import { buildLedger, verdictOrder, type ResultLike, type Verdict } from "./ledger.js";
import { expectedTests } from "./spec-claims.js";
import { readInfraEvents } from "./infra-events.js";
import { byRow, describeRows, type WaitTime } from "./wait-times.js";

interface TestTime {
  name: string;
  project: string;
  state: string;
  ms: number;
  retries: number;
}

interface Topic {
  tests: TestTime[];
  requests?: number;
  /** Requests the apiserver turned away with 429 (sent again after its Retry-After). */
  throttled?: number;
  passed: number;
  failed: number;
  skipped: number;
  /** Tests a filter left out (not run: neither skipped nor evidence). */
  unselected: number;
  durationMs: number;
  skips: string[];
  failures: string[];
}

export default class SummaryReporter implements Reporter {
  private started = Date.now();

  onTestRunStart(): void {
    this.started = Date.now();
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<unknown>): void {
    const topics: Record<string, Topic> = {};
    const cluster = readJson(path.join(reportsDir, "cluster.json")) as { provider?: string; kubeVersion?: string; startMs?: number; phases?: Record<string, number> } | undefined;
    // Evidence under the provider's name, so claims declared not checkable there read so.
    const provider = cluster?.provider ?? "run";
    const evidence: ResultLike[] = [];
    const waits: WaitTime[] = [];
    let project = "unknown";
    for (const m of modules) {
      // `npm test` runs the conformance groups and the harness integration tests as one run.
      project = modules.some((x) => x.project.name.startsWith("conformance")) ? "conformance" : m.project.name || project;
      const name = path.relative(process.cwd(), m.moduleId).replace(/^specs\//, "").replace(/\.(spec|test|itest)\.ts$/, "");
      const req = readJson(path.join(reportsDir, "file-costs", `${name.replace(/[^A-Za-z0-9]+/g, ".")}.json`)) as { requests?: number; throttled?: number; waits?: WaitTime[] } | undefined;
      waits.push(...(req?.waits ?? []));
      const t: Topic = (topics[name] = { tests: [], requests: req?.requests, throttled: req?.throttled, passed: 0, failed: 0, skipped: 0, unselected: 0, durationMs: m.diagnostic().duration, skips: [], failures: [] });
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
          evidence.push({
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
    const sum = (k: "passed" | "failed" | "skipped") => Object.values(topics).reduce((a, t) => a + t[k], 0);
    const failed = sum("failed") + unhandled.length;
    const allTests = Object.values(topics).flatMap((t) => t.tests);
    const retries = allTests.reduce((a, t) => a + t.retries, 0);
    // The chain of waits nothing can overlap: the slowest test of the parallel groups, then every
    // test of the serial group one after another.
    const parallel = Math.max(0, ...allTests.filter((t) => !t.project.endsWith("-serial")).map((t) => t.ms));
    const serial = allTests.filter((t) => t.project.endsWith("-serial")).reduce((a, t) => a + t.ms, 0);
    // The ledger of this run alone (npm run report joins runs and providers into reports/ledger.*).
    const ledger = project === "conformance" ? buildLedger(evidence, [provider], expectedTests()) : [];
    const verdicts: Partial<Record<Verdict, number>> = {};
    for (const row of ledger) verdicts[row.verdict] = (verdicts[row.verdict] ?? 0) + 1;
    const infraEvents = project === "conformance" ? readInfraEvents() : [];
    const summary = {
      retries,
      infraEvents,
      criticalPathMs: parallel + serial,
      project,
      finishedAt: new Date().toISOString(),
      wallMs: Date.now() - this.started,
      passed: sum("passed"),
      failed,
      skipped: sum("skipped"),
      cluster: project === "conformance" ? cluster : undefined,
      claims: project === "conformance" ? { verdicts, rows: ledger.map((r) => ({ claim: r.claim, verdict: r.verdict, detail: r.detail })) } : undefined,
      waits: byRow(waits),
      topics,
    };
    mkdirSync(reportsDir, { recursive: true });
    writeFileSync(path.join(reportsDir, `summary-${project}.json`), JSON.stringify(summary, null, 2));

    const out: string[] = [""];
    const head = project === "conformance" && cluster ? ` on ${cluster.provider} (Kubernetes ${cluster.kubeVersion}, cluster ready in ${((cluster.startMs ?? 0) / 1000).toFixed(1)} s)` : "";
    out.push(`kubeproof ${project}${head}, wall ${(summary.wallMs / 1000).toFixed(1)} s`);
    for (const [name, t] of Object.entries(topics).sort()) {
      out.push(`  ${name.padEnd(34)} ${String(t.passed).padStart(3)} passed ${String(t.failed).padStart(3)} failed ${String(t.skipped).padStart(3)} skipped ${(t.durationMs / 1000).toFixed(1).padStart(7)} s${t.unselected ? ` (${t.unselected} not selected)` : ""}${t.requests !== undefined ? ` ${String(t.requests).padStart(5)} API requests` : ""}${t.throttled ? ` (${t.throttled} turned away with 429 and sent again)` : ""}`);
      for (const f of t.failures) out.push(`      ✗ ${f}`);
      for (const s of t.skips) out.push(`      - skipped ${s}`);
    }
    if (project === "conformance") {
      const order: Verdict[] = verdictOrder;
      out.push(`  claims (${ledger.length}): ${order.map((v) => `${verdicts[v] ?? 0} ${v}`).join(", ")}`);
      out.push("  report: npm run report -> reports/allure-report/single/index.html, claims ledger reports/ledger.md");
    }
    if (waits.length) {
      out.push("  named waits by timeout row (met waits; the slowest against the row's timeout):");
      out.push(...describeRows(summary.waits));
    }
    if (project === "conformance") {
      out.push(`  wall ${(summary.wallMs / 1000).toFixed(1)} s against a critical path of ${(summary.criticalPathMs / 1000).toFixed(1)} s (slowest parallel test + serial tests)${retries ? `; ${retries} infrastructure retr${retries > 1 ? "ies" : "y"}` : ""}`);
    }
    for (const e of infraEvents) out.push(`  infrastructure: ${e.component} of ${e.cluster} had exited at ${e.at}; ${e.action} (its log: reports/infra-events.jsonl)`);
    out.push(`${summary.passed} passed, ${failed} failed${summary.skipped ? ` (${summary.skipped} skipped)` : ""}`);
    process.stdout.write(out.join("\n") + "\n");
  }
}

function readJson(file: string): unknown {
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
}
