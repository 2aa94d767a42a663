// npm run selftest: tests of the tests, per claim. Brings up deliberately broken local clusters,
// one fault each (a controller or an admission plugin off, a period changed, or an admission
// policy of scripts/faults/ where no flag breaks a claim), runs the tests of the claims the
// fault breaks plus the tests of control claims, and checks that each broken claim has a test
// that turned red and every control stayed green. Prints per claim: fault, expected, observed;
// and claims caught / claims with a fault, with the reason for each claim no fault breaks here.
// Faults run side by side (KUBEPROOF_SELFTEST_CONCURRENCY, default 2), each on its own cluster;
// each run's results go to reports/selftest/<fault>/ so the main report stays clean.
import { spawn } from "node:child_process";
import { rmSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { reportsDir, repoRoot } from "../harness/cluster/paths.js";
import { claims, type ClaimId } from "../harness/report/claims.js";
import { expectedTests } from "../harness/report/spec-claims.js";
import { readRunSummary } from "../harness/report/run-summary.js";

/** Why no fault of a local cluster breaks these claims (yet). */
const noFault: Record<string, string> = {
  "VOL-2": "needs a container runtime (kind)",
  "VOL-3": "needs a container runtime (kind)",
  "PV-5": "needs a container runtime (kind)",
  "PV-6": "needs a container runtime (kind)",
  "PV-9": "a deleter acting on a PV deleted by hand would be a new behaviour, not a component to switch off",
  "EX-2": "no NFS client in this machine's kernel",
};

interface Fault {
  id: string;
  what: string;
  args: string;
  /** Claims whose tests must turn red with this fault (at least one test of each fails). */
  breaks: ClaimId[];
  /** Claims whose tests must all stay green (controls: the fault must not break everything). */
  controls: ClaimId[];
  /** Admission policies created on the cluster before the tests (scripts/faults/), for faults no flag makes. */
  policies?: string[];
  /** A KubeSchedulerConfiguration for the cluster's scheduler (scripts/faults/), for what no scheduler flag makes. */
  schedulerConfig?: string;
}

const kcm = (c: string) => `kube-controller-manager=controllers=*,-${c}`;
const apiserverWithout = (plugin: string) => `kube-apiserver=disable-admission-plugins=${plugin}`;
export const faults: Fault[] = [
  { id: "gc-off", what: "garbage collector off", args: kcm("garbage-collector-controller"), breaks: ["JOB-4", "DS-3", "CRON-2"], controls: ["VOL-1"] },
  { id: "job-off", what: "job controller off", args: kcm("job-controller"), breaks: ["JOB-1", "JOB-2", "JOB-3"], controls: ["VOL-1"] },
  { id: "cronjob-off", what: "cronjob controller off", args: kcm("cronjob-controller"), breaks: ["CRON-1", "CRON-2"], controls: ["JOB-2"] },
  { id: "daemonset-off", what: "daemonset controller off", args: kcm("daemonset-controller"), breaks: ["DS-1", "DS-2", "DS-3", "DS-4", "DS-5", "DS-6"], controls: ["JOB-2"] },
  { id: "quota-admission-off", what: "ResourceQuota admission off", args: apiserverWithout("ResourceQuota"), breaks: ["QUOTA-2", "QUOTA-4"], controls: ["JOB-2"] },
  { id: "quota-controller-off", what: "resource quota controller off", args: kcm("resourcequota-controller"), breaks: ["QUOTA-3"], controls: ["JOB-2"] },
  { id: "default-sc-admission-off", what: "DefaultStorageClass admission off", args: apiserverWithout("DefaultStorageClass"), breaks: ["SC-3"], controls: ["JOB-2"] },
  // The protection controllers add the finalizers too (to objects that lack them): both go.
  {
    id: "in-use-protection-off",
    what: "storage object in-use protection off (admission plugin and both controllers)",
    args: `${apiserverWithout("StorageObjectInUseProtection")} ${kcm("persistentvolumeclaim-protection-controller")},-persistentvolume-protection-controller`,
    breaks: ["PV-1"],
    controls: ["JOB-2"],
  },
  { id: "hpa-off", what: "HPA controller off", args: kcm("horizontal-pod-autoscaler-controller"), breaks: ["HPA-1", "HPA-2", "HPA-3", "HPA-4", "HPA-5", "HPA-6", "HPA-7", "EX-1"], controls: ["JOB-2"] },
  // A longer period, not a component off: HPA-2's measured sync period must notice it.
  { id: "hpa-sync-30s", what: "HPA sync period 30 s instead of 15 s", args: "kube-controller-manager=horizontal-pod-autoscaler-sync-period=30s", breaks: ["HPA-2"], controls: ["JOB-2"] },
  { id: "hostpath-provisioner-off", what: "hostPath provisioner off", args: "kube-controller-manager=enable-hostpath-provisioner=false", breaks: ["SC-1", "SC-2"], controls: ["JOB-2"] },
  { id: "pv-binder-off", what: "PV binder off", args: kcm("persistentvolume-binder-controller"), breaks: ["PV-2", "PV-3", "PV-4", "PV-7", "PV-8"], controls: ["JOB-2"] },
  // No component keeps a namespace from holding objects without a quota: an admission policy does.
  { id: "configmaps-refused", what: "an admission policy refusing ConfigMaps in test namespaces", args: "", policies: ["configmaps-refused.yaml"], breaks: ["QUOTA-1"], controls: ["JOB-2"] },
  // No flag makes a provisioner run for a class that names none: a mutating policy points the class at one that runs.
  {
    id: "provisioner-rewritten",
    what: "a mutating admission policy pointing classes of example.com/ provisioners at the hostPath provisioner",
    args: "kube-apiserver=feature-gates=MutatingAdmissionPolicy=true kube-apiserver=runtime-config=admissionregistration.k8s.io/v1beta1=true",
    policies: ["provisioner-rewritten.yaml"],
    breaks: ["SC-4"],
    controls: ["SC-1"],
  },
  // The scheduler has no flag to stop fitting requests to nodes: a profile without the plugin.
  { id: "no-resource-fit", what: "a scheduler profile without NodeResourcesFit", args: "", schedulerConfig: "no-resource-fit.scheduler.yaml", breaks: ["QUOTA-5"], controls: ["JOB-2"] },
  // A cluster that does not offer a volume type refuses the pods that declare it.
  { id: "emptydir-refused", what: "an admission policy refusing pods with emptyDir volumes in test namespaces", args: "", policies: ["emptydir-refused.yaml"], breaks: ["VOL-1", "VOL-4"], controls: ["JOB-2"] },
];

const only = process.argv.slice(2);
const chosen = only.length ? faults.filter((f) => only.includes(f.id)) : faults;
if (only.length && chosen.length !== only.length) {
  console.error(`unknown fault(s): ${only.filter((o) => !faults.some((f) => f.id === o)).join(", ")}; known: ${faults.map((f) => f.id).join(", ")}`);
  process.exit(2);
}

interface Row {
  fault: string;
  claim: string;
  expected: "fail" | "pass";
  observed: "fail" | "pass" | "missing";
  /** The claim's tests that ran here, with their states. */
  tests: string[];
}
const expected = expectedTests();
const concurrency = Math.max(1, Number(process.env.KUBEPROOF_SELFTEST_CONCURRENCY ?? "2"));

/** One vitest run of the fault's tests on a cluster of its own; its output goes to output.log. */
async function runOnce(f: Fault, dir: string, files: string[], pattern: string): Promise<Map<string, string> | undefined> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The run's own output (failures are expected here) goes to a file, not the terminal.
  const out = await new Promise<string>((resolve) => {
    const child = spawn("npx", ["vitest", "run", "--project", "conformance*", ...files, "-t", `^(.* )?(${pattern})$`], {
      cwd: repoRoot,
      env: {
        ...process.env,
        KUBEPROOF_PROVIDER: "local",
        KUBEPROOF_KEEP_CLUSTER: "",
        KUBEPROOF_EXTRA_ARGS: f.args,
        KUBEPROOF_ADMISSION_POLICIES: (f.policies ?? []).map((p) => path.join(repoRoot, "scripts", "faults", p)).join(" "),
        KUBEPROOF_SCHEDULER_CONFIG: f.schedulerConfig ? path.join(repoRoot, "scripts", "faults", f.schedulerConfig) : "",
        KUBEPROOF_TIMEOUT_SCALE: process.env.KUBEPROOF_TIMEOUT_SCALE ?? "0.35",
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
  const summary = readRunSummary(path.join(dir, "summary-conformance.json"));
  const states = new Map(Object.values(summary?.topics ?? {}).flatMap((t) => t.tests.map((x) => [x.name, x.state] as const)));
  // No test reached a result: the cluster or the run itself failed, which says nothing about the fault.
  if (![...states.values()].some((s) => s === "passed" || s === "failed")) {
    const tail = out.trimEnd().split("\n").slice(-15).map((l) => `  | ${l}`).join("\n");
    process.stderr.write(`[selftest] ${f.id}: no test reached a result (the run failed, not the tests); the end of its output:\n${tail}\n`);
    return undefined;
  }
  return states;
}

async function runFault(f: Fault): Promise<Row[]> {
  const dir = path.join(reportsDir, "selftest", f.id);
  const claimsHere = [...f.breaks, ...f.controls];
  // The spec files that hold the claims' tests, and only those tests (-t with their names).
  const tests = claimsHere.flatMap((c) => expected.get(c) ?? []);
  const files = [...new Set(tests.map((t) => t.file))];
  const t0 = Date.now();
  process.stderr.write(`[selftest] ${f.what}: ${[f.args, ...[...(f.policies ?? []), f.schedulerConfig ?? ""].filter(Boolean).map((p) => `scripts/faults/${p}`)].filter(Boolean).join(" ")} (${files.length} spec files, ${new Set(tests.map((t) => t.test)).size} tests)\n`);
  const pattern = [...new Set(tests.map((t) => t.test))].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  // A run in which no test reached a result (a cluster that did not come up) is run once more: it
  // is evidence neither way. A run with results is never repeated, whatever they are.
  let states = await runOnce(f, dir, files, pattern);
  if (!states) {
    process.stderr.write(`[selftest] ${f.id}: running it once more\n`);
    states = await runOnce(f, dir, files, pattern);
  }
  const rows = claimsHere.map((claim): Row => {
    const mine = (expected.get(claim) ?? []).map((t) => ({ name: t.test, state: states?.get(t.test) }));
    const ran = mine.filter((t) => t.state === "passed" || t.state === "failed");
    const observed = ran.length === 0 ? "missing" : ran.some((t) => t.state === "failed") ? "fail" : "pass";
    return { fault: f.id, claim, expected: f.breaks.includes(claim) ? "fail" : "pass", observed, tests: mine.map((t) => `${t.name}: ${t.state ?? "no result"}`) };
  });
  process.stderr.write(`[selftest] ${f.id} done in ${((Date.now() - t0) / 1000).toFixed(0)} s (output: ${path.relative(repoRoot, dir)}/output.log)\n`);
  return rows;
}

// Faults run side by side, each on a local cluster of its own.
const rows: Row[] = [];
const queue = [...chosen];
await Promise.all(
  Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
    for (let f = queue.shift(); f; f = queue.shift()) rows.push(...(await runFault(f)));
  }),
);
rows.sort((a, b) => faults.findIndex((f) => f.id === a.fault) - faults.findIndex((f) => f.id === b.fault));

const ok = (r: Row) => r.expected === r.observed;
console.log("\nself-test matrix: per claim, the fault that breaks it (expected fail) and its controls (expected pass)");
console.log(`${"fault".padEnd(26)} ${"claim".padEnd(8)} expected observed`);
for (const r of rows) console.log(`${r.fault.padEnd(26)} ${r.claim.padEnd(8)} ${r.expected.padEnd(8)} ${r.observed.padEnd(8)} ${ok(r) ? "ok" : `MISMATCH (${r.tests.join("; ")})`}`);
const withFault = new Set(rows.filter((r) => r.expected === "fail").map((r) => r.claim));
const caught = new Set(rows.filter((r) => r.expected === "fail" && r.observed === "fail").map((r) => r.claim));
const unbroken = Object.keys(claims).filter((c) => !withFault.has(c));
console.log(`claims caught: ${caught.size} / ${withFault.size} claims with a fault`);
console.log(`claims no fault here breaks (${unbroken.length}): ${unbroken.map((c) => `${c} (${noFault[c] ?? "no fault yet"})`).join("; ")}`);
writeFileSync(path.join(reportsDir, "selftest", "matrix.json"), JSON.stringify(rows, null, 2));
const bad = rows.filter((r) => !ok(r));
console.log(`${rows.length - bad.length} passed, ${bad.length} failed`);
process.exit(bad.length ? 1 : 0);
