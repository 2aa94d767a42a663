// A run killed midway (Ctrl-C, SIGTERM from a CI runner) tears its cluster down and leaves no
// process behind. This starts the real suite on the local provider, waits until tests are
// running, sends the signal, and looks for what the run had made.
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { kwokWorkdir } from "../harness/cluster/local.ts";

const repo = path.resolve(import.meta.dirname, "..");
const kwokctl = () => path.join(execFileSync("bash", [path.join(repo, "scripts", "toolchain.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim().split("\n").pop()!, "kwokctl");

function processesOf(cluster: string): string[] {
  try {
    return execFileSync("pgrep", ["-af", `clusters/${cluster}/`], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** Processes of the run: its env carries the run's own reports directory (workers inherit it). */
function processesOfRun(marker: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(marker)) out.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ")}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

// One after the other: each brings up clusters of its own (the main one, and on local the one of
// the DaemonSet spec, which changes nodes).
describe.each(["SIGINT", "SIGTERM"] as const)("a run interrupted by %s", { concurrent: false }, (signal) => {
  it("deletes its cluster and leaves no process", { timeout: 180_000 }, async () => {
    const reports = path.join("/tmp", `kp-interrupt-${signal}-${process.pid}`);
    const child = spawn(process.execPath, [path.join(repo, "node_modules", "vitest", "vitest.mjs"), "run", "--project", "conformance", "--project", "conformance-nodes", "specs/workloads/job.spec.ts", "specs/workloads/daemonset.spec.ts"], {
      cwd: repo,
      env: { ...process.env, KUBEPROOF_PROVIDER: "local", KUBEPROOF_KEEP_CLUSTER: "", KUBEPROOF_REPORTS_DIR: reports },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const cluster = `kubeproof-${child.pid}`;
    let output = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        output += d.toString();
        if (/for the nodes specs.*ready in/.test(output)) resolve();
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      void exited.then(() => reject(new Error(`the run ended before its cluster was up:\n${output}`)));
    });
    // The cluster is up and tests are starting: the moment a person hits Ctrl-C.
    await new Promise((r) => setTimeout(r, 3000));
    expect(processesOf(cluster).length).toBeGreaterThan(0);
    child.kill(signal);
    const code = await exited;

    expect(code).not.toBe(0);
    const clusters = execFileSync(kwokctl(), ["get", "clusters"], { env: { ...process.env, KWOK_WORKDIR: kwokWorkdir }, encoding: "utf8" });
    expect(clusters.split("\n").filter((c) => c === cluster || c.startsWith(`${cluster}-`))).toEqual([]);
    expect(processesOf(cluster)).toEqual([]);
    // Nor a test worker of the run: a worker left mid-wait would retry its watch for ever.
    await new Promise((r) => setTimeout(r, 3000));
    expect(processesOfRun(`KUBEPROOF_REPORTS_DIR=${reports}`)).toEqual([]);
  });
});
