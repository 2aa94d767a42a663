// npm run selftest: tests of the tests. Brings up deliberately broken local clusters, one fault
// each, runs the spec files that depend on the broken behaviour plus a control file, and checks
// that the dependent files fail and the control passes. Prints a matrix fault x topic, expected
// vs observed. Each run's results go to reports/selftest/<fault>/ so the main report stays clean.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { reportsDir, repoRoot } from "../harness/cluster/paths.js";

interface Fault {
  id: string;
  what: string;
  args: string;
  /** Topics (specs/<topic>.spec.ts) that must fail with this fault. */
  mustFail: string[];
  /** Topics that must still pass (controls: the fault must not break everything). */
  mustPass: string[];
}

const kcm = (c: string) => `kube-controller-manager=controllers=*,-${c}`;
export const faults: Fault[] = [
  { id: "gc-off", what: "garbage collector off", args: kcm("garbage-collector-controller"), mustFail: ["workloads/job"], mustPass: ["storage/volumes"] },
  { id: "job-off", what: "job controller off", args: kcm("job-controller"), mustFail: ["workloads/job"], mustPass: ["storage/volumes"] },
  { id: "cronjob-off", what: "cronjob controller off", args: kcm("cronjob-controller"), mustFail: ["workloads/cronjob"], mustPass: ["workloads/job"] },
  { id: "daemonset-off", what: "daemonset controller off", args: kcm("daemonset-controller"), mustFail: ["workloads/daemonset"], mustPass: ["workloads/job"] },
  { id: "quota-admission-off", what: "ResourceQuota admission off", args: "kube-apiserver=disable-admission-plugins=ResourceQuota", mustFail: ["policy/resource-quota"], mustPass: ["workloads/job"] },
  { id: "default-sc-admission-off", what: "DefaultStorageClass admission off", args: "kube-apiserver=disable-admission-plugins=DefaultStorageClass", mustFail: ["storage/storage-class"], mustPass: ["workloads/job"] },
  { id: "hpa-off", what: "HPA controller off", args: kcm("horizontal-pod-autoscaler-controller"), mustFail: ["autoscaling/hpa", "autoscaling/hpa-custom-metrics"], mustPass: ["workloads/job"] },
  { id: "hostpath-provisioner-off", what: "hostPath provisioner off", args: "kube-controller-manager=enable-hostpath-provisioner=false", mustFail: ["storage/storage-class"], mustPass: ["workloads/job"] },
  { id: "pv-binder-off", what: "PV binder off", args: kcm("persistentvolume-binder-controller"), mustFail: ["storage/persistent-volumes"], mustPass: ["workloads/job"] },
];

const only = process.argv.slice(2);
const chosen = only.length ? faults.filter((f) => only.includes(f.id)) : faults;
if (only.length && chosen.length !== only.length) {
  console.error(`unknown fault(s): ${only.filter((o) => !faults.some((f) => f.id === o)).join(", ")}; known: ${faults.map((f) => f.id).join(", ")}`);
  process.exit(2);
}

interface Row {
  fault: string;
  topic: string;
  expected: "fail" | "pass";
  observed: "fail" | "pass" | "missing";
}
const rows: Row[] = [];
for (const f of chosen) {
  const dir = path.join(reportsDir, "selftest", f.id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const topics = [...f.mustFail, ...f.mustPass];
  const files = topics.map((t) => `specs/${t}.spec.ts`).filter((p) => existsSync(path.join(repoRoot, p)));
  const t0 = Date.now();
  process.stderr.write(`[selftest] ${f.what}: ${f.args}\n`);
  // The run's own output (failures are expected here) goes to a file, not the terminal.
  const r = spawnSync("npx", ["vitest", "run", "--project", "conformance*", ...files], {
    cwd: repoRoot,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      KUBEPROOF_PROVIDER: "local",
      KUBEPROOF_KEEP_CLUSTER: "",
      KUBEPROOF_EXTRA_ARGS: f.args,
      KUBEPROOF_TIMEOUT_SCALE: process.env.KUBEPROOF_TIMEOUT_SCALE ?? "0.35",
      KUBEPROOF_REPORTS_DIR: dir,
      KUBEPROOF_QUIET: "1",
    },
  });
  writeFileSync(path.join(dir, "output.log"), `${r.stdout ?? ""}${r.stderr ?? ""}`);
  const summaryFile = path.join(dir, "summary-conformance.json");
  const summary = existsSync(summaryFile) ? (JSON.parse(readFileSync(summaryFile, "utf8")) as { topics: Record<string, { failed: number; passed: number }> }) : { topics: {} };
  for (const t of topics) {
    const r = summary.topics[t];
    rows.push({ fault: f.id, topic: t, expected: f.mustFail.includes(t) ? "fail" : "pass", observed: !r ? "missing" : r.failed > 0 ? "fail" : r.passed > 0 ? "pass" : "missing" });
  }
  process.stderr.write(`[selftest] ${f.id} done in ${((Date.now() - t0) / 1000).toFixed(0)} s (output: ${path.relative(repoRoot, dir)}/output.log)\n`);
}

const ok = (r: Row) => r.expected === r.observed;
console.log("\nself-test matrix: fault x topic (expected / observed)");
console.log(`${"fault".padEnd(26)} ${"topic".padEnd(28)} expected observed`);
for (const r of rows) console.log(`${r.fault.padEnd(26)} ${r.topic.padEnd(28)} ${r.expected.padEnd(8)} ${r.observed.padEnd(8)} ${ok(r) ? "ok" : "MISMATCH"}`);
writeFileSync(path.join(reportsDir, "selftest", "matrix.json"), JSON.stringify(rows, null, 2));
const bad = rows.filter((r) => !ok(r));
console.log(`${rows.length - bad.length} passed, ${bad.length} failed`);
process.exit(bad.length ? 1 : 0);
