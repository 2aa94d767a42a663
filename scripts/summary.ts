// The closing line of a CI run: unit tests and conformance specs together, "N passed, N failed".
// Reads reports/summary-<project>.json written by the summary reporter; a project that should
// have run but left no summary counts as one failure.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { reportsDir } from "../harness/cluster/paths.ts";
import { readRunSummary } from "../harness/report/run-summary.ts";

let passed = 0;
let failed = 0;
let skipped = 0;
// The kind and existing runs (reports/kind-offline/, reports/kind/, reports/existing/) and the local
// runs on the other supported versions (reports/local-<version>/) count when they ran; unit and
// local conformance on the default version always must.
const at = (...dir: string[]) => path.join(reportsDir, ...dir, "summary-conformance.json");
const ran = (...dir: string[]) => existsSync(path.join(reportsDir, ...dir));
const otherVersions = existsSync(reportsDir) ? readdirSync(reportsDir).filter((d) => /^local-v\d+\.\d+\.\d+$/.test(d)).sort() : [];
const runs: [string, string, boolean][] = [
  ["unit", path.join(reportsDir, "summary-unit.json"), true],
  ["conformance (local)", at(), true],
  ...otherVersions.map((d): [string, string, boolean] => [`conformance (local, reports/${d})`, at(d), true]),
  ["conformance (kind, no registry at all: images loaded with kind load)", at("kind-offline"), ran("kind-offline")],
  ["conformance (kind, node image and pod images pulled through the registry mirror)", at("kind"), ran("kind")],
  ["conformance (existing, a kind cluster made outside the suite)", at("existing"), ran("existing")],
];
for (const [project, file, required] of runs) {
  if (!required) continue;
  if (!existsSync(file)) {
    console.log(`${project}: no results (the run did not get that far)`);
    failed++;
    continue;
  }
  const s = readRunSummary(file)!;
  const version = s.cluster?.kubeVersion ? ` on Kubernetes ${s.cluster.kubeVersion}` : "";
  console.log(`${project}${version}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
  passed += s.passed;
  failed += s.failed;
  skipped += s.skipped;
}
// Runs CI left out, with the reason (a cold machine's build that would exceed the budget): said, not counted.
for (const f of existsSync(reportsDir) ? readdirSync(reportsDir).filter((d) => /^not-run-.*\.txt$/.test(d)).sort() : []) {
  console.log(`${f.replace(/^not-run-|\.txt$/g, "")}: not run (${readFileSync(path.join(reportsDir, f), "utf8").trim()})`);
}
// The self-tests' matrices (local; kind, where it ran): each fault x claim cell is a check of the suite itself.
for (const [dir, label] of [["selftest", "self-test matrix"], ["selftest-kind", "self-test matrix on kind"]] as const) {
  const matrix = path.join(reportsDir, dir, "matrix.json");
  if (!existsSync(matrix)) continue;
  const rows = JSON.parse(readFileSync(matrix, "utf8")) as { fault: string; claim: string; role: string; healthy: string; broken: string; ok: boolean; why: string }[];
  const ok = rows.filter((r) => r.ok).length;
  console.log(`${label}: ${ok} as expected, ${rows.length - ok} not`);
  // Here too, not only in the self-test's own output: the end of a CI log is what a reader sees first.
  for (const r of rows.filter((x) => !x.ok)) {
    console.log(`  ${r.fault} ${r.claim} (${r.role}): healthy twin ${r.healthy}, broken ${r.broken}: ${r.why.slice(0, 300)} (output: reports/${dir}/${r.fault}/output.log)`);
  }
  passed += ok;
  failed += rows.length - ok;
}
if (skipped) console.log(`${skipped} skipped (each with its reason in the run's summary and the report; not counted as passed)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
