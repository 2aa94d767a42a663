// npm run bench -- --peer [N]: a few specs on a kept cluster, as a user iterating on a behaviour
// runs them, against the declarative peer a platform team would pick instead (Chainsaw), N paired
// runs A B A B (default 5) on the same kept cluster, for the same three behaviours: five sequential
// Job completions, a Job's pods deleted with it, a pod refused with 403 by a quota. Per run: the
// process's wall, CPU (user + sys of it and every child) and the largest process's peak memory
// (GNU time), the slowest test and what the process spent before its first test and after its last.
// Without a chainsaw binary on PATH (or KUBEPROOF_PEER_CHAINSAW) it says how to get one and measures
// kubeproof alone. The peer's tests are scripts/peer/chainsaw/ (they assert less; see its README);
// it runs them all at once (--parallel 3), as kubeproof does, and waits for each test's namespace
// to be gone (its default), where kubeproof deletes it in the background.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot, reportsDir } from "../harness/cluster/paths.ts";
import { keptClusterName, providerName } from "../harness/cluster/index.ts";
import { kwokWorkdir } from "../harness/cluster/local.ts";
import { kindKubeconfigDir } from "../harness/cluster/kind.ts";
import { readResults } from "./ledger.ts";

/** The three behaviours, as kubeproof names its tests of them. */
export const peerTests = [
  { file: "specs/workloads/job.spec.ts", test: "runs completions one after another when parallelism is not set" },
  { file: "specs/workloads/job.spec.ts", test: "deleting a Job with background propagation deletes its pods, finished ones included" },
  { file: "specs/policy/resource-quota.spec.ts", test: "a pod over quota is refused with 403 Forbidden, is not created and uses nothing" },
];

interface Measured {
  wallMs: number;
  cpuMs: number;
  peakMiB: number;
  exit: number | null;
  /** The slowest test, and the process's time before its first test and after its last. */
  slowestMs: number;
  beforeMs: number;
  afterMs: number;
  tests: number;
  failed: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Runs a command under GNU time; its wall from this side (spawn to exit), CPU and peak memory from time's record. */
function timed(cmd: string[], env: NodeJS.ProcessEnv, dir: string): { startMs: number; endMs: number; cpuMs: number; peakMiB: number; exit: number | null; out: string } {
  const record = path.join(dir, "time.txt");
  const startMs = Date.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%U %S %M", "-o", record, ...cmd], { cwd: repoRoot, env, encoding: "utf8", maxBuffer: 64 << 20 });
  const endMs = Date.now();
  const [user, sys, maxKiB] = readFileSync(record, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
  writeFileSync(path.join(dir, "output.log"), `${r.stdout}${r.stderr}`);
  return { startMs, endMs, cpuMs: ((user ?? 0) + (sys ?? 0)) * 1000, peakMiB: (maxKiB ?? 0) / 1024, exit: r.status, out: `${r.stdout}${r.stderr}` };
}

function runKubeproof(dir: string): Measured {
  const files = [...new Set(peerTests.map((t) => t.file))];
  const pattern = `^(.* )?(${peerTests.map((t) => t.test.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})$`;
  const t = timed(["npm", "test", "--", ...files, "-t", pattern], { ...process.env, KUBEPROOF_KEEP_CLUSTER: "1", KUBEPROOF_REPORTS_DIR: dir, KUBEPROOF_QUIET: "1" }, dir);
  const results = readResults(path.join(dir, "allure-results")).filter((r) => r.status !== "skipped" && r.start !== undefined && r.stop !== undefined);
  return summarize(t, results.map((r) => ({ start: r.start!, stop: r.stop!, ok: r.status === "passed" })));
}

function runChainsaw(chainsaw: string, kubeconfig: string, dir: string): Measured {
  const t = timed([chainsaw, "test", "--test-dir", path.join(repoRoot, "scripts", "peer", "chainsaw"), "--no-color", "--parallel", String(peerTests.length), "--report-format", "JSON", "--report-path", dir, "--report-name", "chainsaw"], { ...process.env, KUBECONFIG: kubeconfig }, dir);
  const report = path.join(dir, "chainsaw.json");
  type Op = { failure?: unknown };
  type Test = { startTime: string; endTime: string; skipped?: boolean; steps?: { operations?: Op[] }[] };
  const tests = existsSync(report) ? ((JSON.parse(readFileSync(report, "utf8")) as { tests?: Test[] }).tests ?? []) : [];
  return summarize(
    t,
    tests.filter((x) => !x.skipped).map((x) => ({ start: Date.parse(x.startTime), stop: Date.parse(x.endTime), ok: !x.steps?.some((s) => s.operations?.some((o) => o.failure)) })),
  );
}

function summarize(t: ReturnType<typeof timed>, tests: { start: number; stop: number; ok: boolean }[]): Measured {
  const first = Math.min(...tests.map((x) => x.start));
  const last = Math.max(...tests.map((x) => x.stop));
  return {
    wallMs: t.endMs - t.startMs,
    cpuMs: t.cpuMs,
    peakMiB: t.peakMiB,
    exit: t.exit,
    slowestMs: Math.max(0, ...tests.map((x) => x.stop - x.start)),
    beforeMs: tests.length ? first - t.startMs : 0,
    afterMs: tests.length ? t.endMs - last : 0,
    tests: tests.length,
    failed: tests.filter((x) => !x.ok).length + (t.exit === 0 ? 0 : tests.every((x) => x.ok) ? 1 : 0),
  };
}

/** A chainsaw binary: KUBEPROOF_PEER_CHAINSAW, else the first on PATH. */
function findChainsaw(): string | undefined {
  if (process.env.KUBEPROOF_PEER_CHAINSAW) return process.env.KUBEPROOF_PEER_CHAINSAW;
  for (const d of (process.env.PATH ?? "").split(path.delimiter)) if (d && existsSync(path.join(d, "chainsaw"))) return path.join(d, "chainsaw");
  return undefined;
}

export function benchPeer(n: number): number {
  if (!existsSync("/usr/bin/time")) {
    console.error("bench --peer measures CPU and memory with GNU time (/usr/bin/time): install it (Debian and Ubuntu: apt-get install time)");
    return 2;
  }
  const name = keptClusterName();
  const kind = providerName() === "kind";
  const kubeconfig = kind ? path.join(kindKubeconfigDir, `${name}.yaml`) : path.join(kwokWorkdir, "clusters", name, "kubeconfig.yaml");
  // The kept cluster is brought up (or found) once, outside the timed runs: what is measured is iterating on it.
  const up = spawnSync("npm", ["run", "--silent", "cluster", "--", "up"], { cwd: repoRoot, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, KUBEPROOF_KEEP_CLUSTER: "1" } });
  if (up.status !== 0 || !existsSync(kubeconfig)) {
    console.error(`bench --peer: the kept cluster ${name} did not come up (npm run cluster -- up, exit ${up.status})`);
    return 1;
  }
  const chainsaw = findChainsaw();
  if (!chainsaw) {
    console.log("bench --peer: no chainsaw on PATH (or KUBEPROOF_PEER_CHAINSAW): measuring kubeproof alone. To compare, get Chainsaw v0.2.12 (its release binary, or `GOTOOLCHAIN=go1.24.6 go install github.com/kyverno/chainsaw@v0.2.12`: newer Go refuses it) and put it on PATH");
  }
  const base = path.join(reportsDir, "bench-peer");
  rmSync(base, { recursive: true, force: true });
  const ours: Measured[] = [];
  const peers: Measured[] = [];
  const dirFor = (who: string, i: number) => {
    const d = path.join(base, `${who}-${i}`);
    mkdirSync(d, { recursive: true });
    return d;
  };
  // One unmeasured run each first: the kept cluster's images and both tools' caches warm, as on the user's second try.
  runKubeproof(dirFor("warmup-kubeproof", 0));
  if (chainsaw) runChainsaw(chainsaw, kubeconfig, dirFor("warmup-chainsaw", 0));
  for (let i = 1; i <= n; i++) {
    const a = runKubeproof(dirFor("kubeproof", i));
    ours.push(a);
    const line = (who: string, m: Measured) => `${who} wall ${secs(m.wallMs)}, CPU ${secs(m.cpuMs)}, peak ${m.peakMiB.toFixed(0)} MiB, slowest test ${secs(m.slowestMs)}, before the first test ${secs(m.beforeMs)}, after the last ${secs(m.afterMs)}, ${m.tests} tests, ${m.failed} failed`;
    let text = `pair ${i}/${n}: ${line("kubeproof", a)}`;
    if (chainsaw) {
      const b = runChainsaw(chainsaw, kubeconfig, dirFor("chainsaw", i));
      peers.push(b);
      text += `\n            ${line("chainsaw", b)}`;
    }
    console.log(text);
  }
  const row = (label: string, of: (m: Measured) => number, show: (v: number) => string) => {
    const a = median(ours.map(of));
    const b = peers.length ? median(peers.map(of)) : undefined;
    return `| ${label} | ${show(a)} | ${b === undefined ? "-" : show(b)} | ${b ? `${(a / b).toFixed(2)} x` : "-"} |`;
  };
  const mib = (v: number) => `${v.toFixed(0)} MiB`;
  const lines = [
    `kept-cluster bench (${kind ? "kind" : "local"} cluster ${name}): medians of ${n} paired run${n === 1 ? "" : "s"}, kubeproof then chainsaw`,
    "| | kubeproof | chainsaw | ratio |",
    "|---|---|---|---|",
    row("process wall", (m) => m.wallMs, secs),
    row("CPU (user + sys)", (m) => m.cpuMs, secs),
    row("peak memory (largest process)", (m) => m.peakMiB, mib),
    row("slowest test", (m) => m.slowestMs, secs),
    row("before the first test", (m) => m.beforeMs, secs),
    row("after the last test", (m) => m.afterMs, secs),
    row("wall beyond the slowest test", (m) => m.wallMs - m.slowestMs, secs),
  ];
  console.log(`\n${lines.join("\n")}`);
  writeFileSync(path.join(base, "bench-peer.json"), JSON.stringify({ kubeproof: ours, chainsaw: peers }, null, 2));
  console.log(`figures: ${path.relative(repoRoot, path.join(base, "bench-peer.json"))}; each run's output in ${path.relative(repoRoot, base)}/<tool>-<n>/output.log`);
  const failed = [...ours, ...peers].filter((m) => m.failed > 0 || m.tests === 0).length;
  if (failed) console.log(`${failed} run(s) failed or ran no test: see their output.log`);
  return failed ? 1 : 0;
}
