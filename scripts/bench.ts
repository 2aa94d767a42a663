// npm run bench -- --peer [N]: a few specs on a kept cluster against the declarative peer (scripts/bench-peer.ts).
// npm run bench -- [N] [--record]: runs the whole suite N times (default 3) on fresh clusters and prints the
// median wall time, time per topic, cluster start time by phase, API requests per topic, the
// named waits per timeout row (median, slowest, and the most of a timeout any wait used) and the critical path; writes the figures to reports/bench/bench.json. A benchmark, not a timed test:
// it fails only when a run fails. With N >= 10 it doubles as the flake check. --record writes the
// figures as a dated row of docs/performance.md (harness/report/performance-row.ts).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot, reportsDir } from "../harness/cluster/paths.ts";
import type { RunSummary } from "../harness/report/run-summary.ts";
import { insertRow, machineLine, rowMarkdown } from "../harness/report/performance-row.ts";
import { benchPeer } from "./bench-peer.ts";

type Summary = Pick<RunSummary, "wallMs" | "criticalPathMs" | "passed" | "failed" | "skipped" | "retries" | "cluster" | "topics"> & Partial<Pick<RunSummary, "infraEvents" | "waits" | "floorMs" | "podStarts">>;

const args = process.argv.slice(2);
const record = args.includes("--record");
const peer = args.includes("--peer");
const unknown = args.filter((a) => a.startsWith("--") && a !== "--record" && a !== "--peer");
if (unknown.length || (peer && record)) {
  console.error(`bench: ${unknown.length ? `unknown option ${unknown.join(", ")}` : "--peer and --record do not go together"} (usage: npm run bench -- [N] [--record] | npm run bench -- --peer [N])`);
  process.exit(2);
}
const count = args.find((a) => !a.startsWith("--"));
const n = Number(count ?? (peer ? "5" : "3"));
if (!Number.isInteger(n) || n < 1) {
  console.error(`bench: the number of runs must be a positive whole number, got "${count}"`);
  process.exit(2);
}
if (peer) process.exit(benchPeer(n));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const runs: (Summary & { processMs: number; exit: number | null })[] = [];
for (let i = 1; i <= n; i++) {
  const dir = path.join(reportsDir, "bench", `run-${i}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t = Date.now();
  const r = spawnSync("npx", ["vitest", "run", "--project", "conformance*", "--project", "integration"], {
    cwd: repoRoot,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, KUBEPROOF_REPORTS_DIR: dir, KUBEPROOF_QUIET: "1", KUBEPROOF_KEEP_CLUSTER: "" },
  });
  const file = path.join(dir, "summary-conformance.json");
  if (!existsSync(file)) {
    console.error(`run ${i}: no summary (exit ${r.status})`);
    runs.push({ wallMs: Date.now() - t, criticalPathMs: 0, passed: 0, failed: 1, skipped: 0, retries: 0, topics: {}, processMs: Date.now() - t, exit: r.status });
    continue;
  }
  const s = JSON.parse(readFileSync(file, "utf8")) as Summary;
  runs.push({ ...s, processMs: Date.now() - t, exit: r.status });
  console.log(`run ${i}/${n}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped, ${s.retries} retries; wall ${secs(s.wallMs)} (process ${secs(Date.now() - t)}), floor ${secs(s.floorMs ?? 0)}, critical path ${secs(s.criticalPathMs)}, cluster ${secs(s.cluster?.startMs ?? 0)}`);
}

const topics = [...new Set(runs.flatMap((r) => Object.keys(r.topics)))].sort();
const figures = {
  runs: n,
  failedRuns: runs.filter((r) => r.failed > 0).length,
  retries: runs.reduce((a, r) => a + r.retries, 0),
  throttled: runs.reduce((a, r) => a + Object.values(r.topics).reduce((b, t) => b + (t.throttled ?? 0), 0), 0),
  infraEvents: runs.reduce((a, r) => a + (r.infraEvents?.length ?? 0), 0),
  medianWallMs: median(runs.map((r) => r.wallMs)),
  wallMs: runs.map((r) => r.wallMs),
  medianProcessMs: median(runs.map((r) => r.processMs)),
  medianCriticalPathMs: median(runs.map((r) => r.criticalPathMs)),
  // The run's floor is its slowest test: no schedule can beat it; wall / floor is what scheduling costs.
  medianFloorMs: median(runs.map((r) => r.floorMs ?? 0)),
  medianWallOverFloor: median(runs.map((r) => (r.floorMs ? r.wallMs / r.floorMs : 0))),
  // The same once the cluster was ready: what the run's shape costs, without the cluster's bring-up.
  medianReadyWallOverFloor: median(runs.map((r) => (r.floorMs ? (r.wallMs - (r.cluster?.startMs ?? 0)) / r.floorMs : 0))),
  // where pods' starts went in the last run (kind; none on a simulated kubelet)
  lastRunPodStarts: runs.at(-1)?.podStarts,
  medianClusterStartMs: median(runs.map((r) => r.cluster?.startMs ?? 0)),
  clusterPhasesMs: Object.fromEntries(Object.keys(runs[0]?.cluster?.phases ?? {}).map((p) => [p, median(runs.map((r) => r.cluster?.phases?.[p] ?? 0))])),
  topics: Object.fromEntries(
    topics.map((t) => [t, { medianMs: median(runs.map((r) => r.topics[t]?.durationMs ?? 0)), medianRequests: median(runs.map((r) => r.topics[t]?.requests ?? 0)) }]),
  ),
  // Per timeout row: the median wait of a run (median over runs) and the slowest wait of all runs.
  waits: Object.fromEntries(
    [...new Set(runs.flatMap((r) => Object.keys(r.waits ?? {})))].sort().map((row) => {
      const of = runs.flatMap((r) => (r.waits?.[row] ? [r.waits[row]] : []));
      const tightest = of.reduce((a, b) => (b.slackShare > a.slackShare ? b : a));
      return [row, { medianMs: median(of.map((f) => f.medianMs)), maxMs: Math.max(...of.map((f) => f.maxMs)), timeoutMs: tightest.timeoutMs, slackShare: tightest.slackShare, clockMs: tightest.clockMs, tightest: tightest.tightest }];
    }),
  ),
};
mkdirSync(path.join(reportsDir, "bench"), { recursive: true });
writeFileSync(path.join(reportsDir, "bench", "bench.json"), JSON.stringify(figures, null, 2));

console.log(`\nkubeproof bench: ${n} run(s)`);
console.log(`  median wall ${secs(figures.medianWallMs)} (all: ${figures.wallMs.map(secs).join(", ")}); median process ${secs(figures.medianProcessMs)}`);
const sorted = [...figures.wallMs].sort((a, b) => a - b);
console.log(`  wall distribution: min ${secs(sorted[0] ?? 0)}, p90 ${secs(sorted[Math.ceil(sorted.length * 0.9) - 1] ?? 0)}, max ${secs(sorted.at(-1) ?? 0)}, mean ${secs(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length))}`);
console.log(`  median floor (the slowest test) ${secs(figures.medianFloorMs)}; wall / floor = ${figures.medianWallOverFloor.toFixed(2)}, after the cluster was ready ${figures.medianReadyWallOverFloor.toFixed(2)} (medians of the runs' ratios)`);
console.log(`  median critical path ${secs(figures.medianCriticalPathMs)}; wall / critical path = ${(figures.medianWallMs / Math.max(1, figures.medianCriticalPathMs)).toFixed(2)}`);
console.log(`  cluster start ${secs(figures.medianClusterStartMs)}: ${Object.entries(figures.clusterPhasesMs).map(([p, v]) => `${p} ${secs(v)}`).join(", ")}`);
for (const [t, f] of Object.entries(figures.topics)) console.log(`  ${t.padEnd(34)} ${secs(f.medianMs).padStart(8)} ${String(f.medianRequests).padStart(6)} API requests`);
for (const [row, f] of Object.entries(figures.waits)) {
  const clock = f.clockMs ? ` above its ${secs(f.clockMs)} clock` : "";
  console.log(`  waits ${row.padEnd(22)} median ${secs(f.medianMs).padStart(7)}, slowest of all runs ${secs(f.maxMs)} of ${secs(f.timeoutMs)}; at most ${Math.round(f.slackShare * 100)}% of the timeout${clock} used`);
}
console.log(`  failed runs ${figures.failedRuns}, infrastructure retries ${figures.retries}, API requests turned away with 429 and sent again ${figures.throttled}, control-plane processes restarted by the supervisor ${figures.infraEvents}`);
console.log(`figures: reports/bench/bench.json`);

if (record) {
  const last = runs.at(-1);
  const provider = last?.cluster?.provider ?? process.env.KUBEPROOF_PROVIDER ?? "auto";
  const version = last?.cluster?.kubeVersion ?? "";
  const p = last?.podStarts;
  let starts = "";
  if (p) starts = `; pod starts (last run) median ${secs(p.median.total)}, 90th percentile ${secs(p.p90.total)}`;
  const results = runs.map((r) => `${r.passed}/${r.failed}/${r.skipped}`).join(", ");
  const row = rowMarkdown({
    date: new Date().toISOString().slice(0, 10),
    machine: machineLine(existsSync("/sys/fs/cgroup/cgroup.controllers")),
    command: `\`npm run bench -- ${n}\` (${provider}${version ? `, ${version}` : ""})`,
    result: `passed/failed/skipped per run: ${results}; ${figures.failedRuns} failed run${figures.failedRuns === 1 ? "" : "s"}${starts}`,
    wall: `median ${secs(figures.medianWallMs)} (${figures.medianWallOverFloor.toFixed(2)} x its slowest test; ${figures.medianReadyWallOverFloor.toFixed(2)} x once the cluster was ready)`,
  });
  const file = path.join(repoRoot, "docs", "performance.md");
  writeFileSync(file, insertRow(readFileSync(file, "utf8"), "## Runs, warm caches", row));
  console.log(`recorded in docs/performance.md: ${row}`);
}
process.exit(figures.failedRuns ? 1 : 0);
