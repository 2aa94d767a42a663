// npm run selftest: tests of the tests, per claim, differentially. Brings up deliberately broken
// local clusters, one fault each (a controller or an admission plugin off, a period changed, or
// an admission policy of scripts/faults/ where no flag breaks a claim), and healthy twins (the
// same settings and timeout scale without the fault); runs the tests of the claims the fault
// breaks plus those of control claims on both, and reads the ledger of each run: a claim is
// caught when it reads contradicted on the broken cluster, for the broken behaviour (the row's
// pattern), and holds on its twin, with every control holding (harness/report/selftest-verdicts.ts).
// Prints both columns per claim, then claims caught / claims with a fault, with the reason for
// each claim no fault breaks here. Runs go side by side (KUBEPROOF_SELFTEST_CONCURRENCY, default
// 2), each on its own cluster; each run's results go to reports/selftest/<run>/.
// KUBEPROOF_SELFTEST_PROVIDER=kind runs the same rows on kind clusters (real kubelets, one at a
// time): with KUBEPROOF_KIND_NODE_CPUS or _CPUSET it shows a broken controller still reads contradicted on
// nodes too slow for a fast machine's timings, beside a healthy twin under the same throttle.
// Results go to reports/selftest-kind/.
import { spawn } from "node:child_process";
import { describeThrottle, nodeThrottleFromEnv } from "../harness/cluster/node-throttle.ts";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { reportsDir, repoRoot } from "../harness/cluster/paths.ts";
import { claims, type ClaimId } from "../harness/report/claims.ts";
import { expectedTests } from "../harness/report/spec-claims.ts";
import { readRunSummary } from "../harness/report/run-summary.ts";
import { buildLedger, type LedgerRow } from "../harness/report/ledger.ts";
import { judgeFault, judgeSuiteBug, type CellJudgement } from "../harness/report/selftest-verdicts.ts";
import { readResults } from "./ledger.ts";
import { version } from "../harness/versions.ts";
import { faultsFor, policyFile, type Fault } from "./faults/faults.ts";

/** Why no fault of a local cluster breaks these claims (yet). */
const noFault: Record<string, string> = {
  "VOL-2": "needs a container runtime (kind)",
  "VOL-3": "needs a container runtime (kind)",
  "PV-5": "needs a container runtime (kind)",
  "PV-6": "needs a container runtime (kind)",
  "PV-9": "a deleter acting on a PV deleted by hand would be a new behaviour, not a component to switch off",
  "EX-2": "no NFS client in this machine's kernel",
  "SC-2": "the in-tree deleter has no switch, and a fault that moves a provisioned PV's path breaks the test's look at its directory before the deletion",
  "SC-4": "no fault makes the provisioner a class names run; its test checks a class whose provisioner nobody runs",
};

const faults = faultsFor(version("KUBE_VERSION"));

const suiteBugId = "suite-typeerror";
const only = process.argv.slice(2);
const chosen = only.length ? faults.filter((f) => only.includes(f.id)) : faults.filter((f) => !f.onDemand);
if (only.length && chosen.length !== only.filter((o) => o !== suiteBugId).length) {
  console.error(`unknown fault(s): ${only.filter((o) => o !== suiteBugId && !faults.some((f) => f.id === o)).join(", ")}; known: ${[...faults.map((f) => f.id), suiteBugId].join(", ")}`);
  process.exit(2);
}

const provider = process.env.KUBEPROOF_SELFTEST_PROVIDER ?? "local";
if (provider !== "local" && provider !== "kind") {
  console.error(`KUBEPROOF_SELFTEST_PROVIDER="${provider}" is not a provider the self-test makes clusters on; use local or kind`);
  process.exit(2);
}
const onKind = provider === "kind";
// A scheduler profile is a file the local provider hands its scheduler; kind's would need a mount.
const notOnKind = onKind ? chosen.filter((f) => f.schedulerConfig) : [];
if (notOnKind.length) {
  process.stderr.write(`[selftest] on kind, not run: ${notOnKind.map((f) => f.id).join(", ")} (a scheduler profile is set by the local provider only)\n`);
  chosen.splice(0, chosen.length, ...chosen.filter((f) => !notOnKind.includes(f)));
}
const selftestDir = path.join(reportsDir, onKind ? "selftest-kind" : "selftest");
const expected = expectedTests();
// kind's clusters hold real pods and kubelets: one at a time on a small machine, at real time.
const concurrency = Math.max(1, Number(process.env.KUBEPROOF_SELFTEST_CONCURRENCY ?? (onKind ? "1" : "2")));
const scale = process.env.KUBEPROOF_TIMEOUT_SCALE ?? (onKind ? "1" : "0.35");

/** One cluster's run: the fault's (or a twin's) settings and the tests of some claims. */
interface Run {
  id: string;
  what: string;
  args: string;
  policies: string[];
  schedulerConfig?: string;
  claims: ClaimId[];
  /** Another project's spec files than the claims' own (the suite's deliberate bug). */
  project?: { name: string; files: string[] };
}

/** One vitest run of the tests of `run.claims` on a cluster of its own; its output goes to output.log; returns its ledger, or undefined if no test reached a result. */
async function runOnce(run: Run, dir: string): Promise<LedgerRow[] | undefined> {
  const tests = run.claims.flatMap((c) => expected.get(c) ?? []);
  const files = run.project?.files ?? [...new Set(tests.map((t) => t.file))];
  const pattern = [...new Set(tests.map((t) => t.test))].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  const select = run.project ? ["--project", run.project.name, ...files] : ["--project", "conformance*", ...files, "-t", `^(.* )?(${pattern})$`];
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The run's own output (failures are expected here) goes to a file, not the terminal.
  const out = await new Promise<string>((resolve) => {
    const child = spawn("npx", ["vitest", "run", ...select], {
      cwd: repoRoot,
      env: {
        ...process.env,
        KUBEPROOF_PROVIDER: provider,
        KUBEPROOF_KEEP_CLUSTER: "",
        KUBEPROOF_EXTRA_ARGS: run.args,
        KUBEPROOF_ADMISSION_POLICIES: run.policies.map((p) => policyFile(p, dir, version("KUBE_VERSION"))).join(" "),
        KUBEPROOF_SCHEDULER_CONFIG: run.schedulerConfig ? path.join(repoRoot, "scripts", "faults", run.schedulerConfig) : "",
        KUBEPROOF_TIMEOUT_SCALE: scale,
        KUBEPROOF_REPORTS_DIR: dir,
        KUBEPROOF_QUIET: "1",
      },
    });
    let text = "";
    child.stdout.on("data", (d: Buffer) => (text += d.toString()));
    child.stderr.on("data", (d: Buffer) => (text += d.toString()));
    child.on("close", () => resolve(text));
  });
  writeFileSync(path.join(dir, "output.log"), out);
  const summary = readRunSummary(path.join(dir, `summary-${run.project?.name ?? "conformance"}.json`));
  const states = Object.values(summary?.topics ?? {}).flatMap((t) => t.tests.map((x) => x.state));
  // No test reached a result: the cluster or the run itself failed, which says nothing about the fault.
  if (!states.some((s) => s === "passed" || s === "failed")) {
    const tail = out.trimEnd().split("\n").slice(-15).map((l) => `  | ${l}`).join("\n");
    process.stderr.write(`[selftest] ${run.id}: no test reached a result (the run failed, not the tests); the end of its output:\n${tail}\n`);
    return undefined;
  }
  return buildLedger(readResults(path.join(dir, "allure-results")), undefined, run.project ? undefined : expected);
}

async function execute(run: Run): Promise<LedgerRow[] | undefined> {
  const dir = path.join(selftestDir, run.id);
  const t0 = Date.now();
  const tests = new Set(run.claims.flatMap((c) => (expected.get(c) ?? []).map((t) => t.test)));
  process.stderr.write(`[selftest] ${run.what}: ${[run.args, ...[...run.policies, run.schedulerConfig ?? ""].filter(Boolean).map((p) => `scripts/faults/${p}`)].filter(Boolean).join(" ") || "no fault"} (${tests.size} tests)\n`);
  // A run in which no test reached a result (a cluster that did not come up) is run once more: it
  // is evidence neither way. A run with results is never repeated, whatever they are.
  let rows = await runOnce(run, dir);
  if (!rows) {
    process.stderr.write(`[selftest] ${run.id}: running it once more\n`);
    rows = await runOnce(run, dir);
  }
  process.stderr.write(`[selftest] ${run.id} done in ${((Date.now() - t0) / 1000).toFixed(0)} s (output: ${path.relative(repoRoot, dir)}/output.log)\n`);
  return rows;
}

// The healthy twins: one run per set of twin settings, of every claim of the faults sharing them.
const twinKey = (f: Fault) => f.twinArgs ?? "";
const twins = new Map<string, Run>();
for (const f of chosen) {
  const key = twinKey(f);
  const twin = twins.get(key) ?? { id: `healthy${twins.size ? `-${twins.size}` : ""}`, what: `healthy twin${key ? ` (${key})` : ""}`, args: key, policies: [], claims: [] };
  twin.claims = [...new Set([...twin.claims, ...f.breaks, ...f.controls])];
  twins.set(key, twin);
}
// The suite's own bug must not accuse the cluster: a spec that throws a TypeError in JOB-3's test,
// on a healthy cluster of its own (with the full self-test, and on local only: it proves the ledger, not a cluster).
const suiteBug: Run | undefined =
  onKind || (only.length && !only.includes(suiteBugId)) ? undefined : { id: suiteBugId, what: "a spec with a TypeError of its own in JOB-3's test", args: "", policies: [], claims: ["JOB-3"], project: { name: "suite-failure", files: ["test/suite-failure/suite-exception.spec.ts"] } };
const runs: Run[] = [
  ...(suiteBug ? [suiteBug] : []),
  ...twins.values(),
  ...chosen.map((f) => ({ id: f.id, what: f.what, args: f.args, policies: f.policies ?? [], schedulerConfig: f.schedulerConfig, claims: [...f.breaks, ...f.controls] })),
];
const ledgers = new Map<string, LedgerRow[] | undefined>();
const queue = [...runs];
await Promise.all(
  Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
    for (let r = queue.shift(); r; r = queue.shift()) ledgers.set(r.id, await execute(r));
  }),
);

const cells: CellJudgement[] = [
  ...chosen.flatMap((f) => judgeFault(f, ledgers.get(twins.get(twinKey(f))!.id), ledgers.get(f.id))),
  ...(suiteBug ? [judgeSuiteBug("JOB-3", ledgers.get(suiteBug.id))] : []),
];
const nodeThrottle = onKind ? nodeThrottleFromEnv() : undefined;
const throttle = nodeThrottle ? `, nodes throttled ${describeThrottle(nodeThrottle)}` : "";
console.log(`\nself-test matrix (${provider}${throttle}, timeout scale ${scale}): per claim, its verdict on the healthy twin and on the broken cluster; a broken claim is caught when a test of it failed there on the claim's own step with the cluster's evidence, and it holds on its twin`);
console.log(`${"fault".padEnd(26)} ${"claim".padEnd(8)} ${"role".padEnd(8)} ${"healthy".padEnd(18)} ${"broken".padEnd(18)} result`);
const result = (c: CellJudgement) =>
  !c.ok ? `MISMATCH: ${c.why.slice(0, 400)}` : c.role === "control" ? "ok" : c.role === "suite bug" ? `the suite's: ${c.why.slice(0, 160)}` : c.precondition ? "precondition (not counted)" : `caught: ${c.why.slice(0, 160)}`;
for (const c of cells) console.log(`${c.fault.padEnd(26)} ${c.claim.padEnd(8)} ${c.role.padEnd(8)} ${c.healthy.padEnd(18)} ${c.broken.padEnd(18)} ${result(c)}`);
const withFault = new Set(cells.filter((c) => c.role === "breaks").map((c) => c.claim));
const caught = new Set(cells.filter((c) => c.role === "breaks" && c.ok && !c.precondition).map((c) => c.claim));
const preconditionOnly = cells.filter((c) => c.precondition && !caught.has(c.claim));
if (preconditionOnly.length) {
  console.log(`caught only before their own step, not counted (${preconditionOnly.length}):`);
  for (const c of preconditionOnly) console.log(`  ${c.fault} ${c.claim}: ${c.why.slice(0, 300)}`);
}
const unbroken = Object.keys(claims).filter((c) => !withFault.has(c as ClaimId) && !faults.some((f) => !f.onDemand && f.breaks.includes(c as ClaimId)));
console.log(`claims caught: ${caught.size} / ${withFault.size} claims with a fault (contradicted on the broken cluster on the claim's own step, held on its healthy twin)`);
if (!only.length && !onKind) console.log(`claims no fault here breaks (${unbroken.length}): ${unbroken.map((c) => `${c} (${noFault[c] ?? "no fault yet"})`).join("; ")}`);
mkdirSync(selftestDir, { recursive: true });
writeFileSync(path.join(selftestDir, "matrix.json"), JSON.stringify(cells, null, 2));
const bad = cells.filter((c) => !c.ok);
console.log(`${cells.length - bad.length} passed, ${bad.length} failed`);
process.exit(bad.length ? 1 : 0);
