// npm run cluster -- up | down | status: kept local clusters for iterating on specs
// (KUBEPROOF_KEEP_CLUSTER=1 npm test then reuses them and skips bring-up): the main one, and one
// for each project of spec files that change cluster-wide state (harness/run/projects.ts).
import { execFileSync } from "node:child_process";
import path from "node:path";
import { keptClusterName } from "../harness/cluster/index.js";
import { LocalProvider, kwokWorkdir, ensureBinaries } from "../harness/cluster/local.js";
import { stopCustomMetrics } from "../harness/cluster/custom-metrics.js";
import { clusterPart, sharedStateProjects } from "../harness/run/projects.js";

const cmd = process.argv[2] ?? "status";
const main = keptClusterName();
const names = [main, ...Object.keys(sharedStateProjects).map((p) => `${main}-${clusterPart(p)}`)];
const env = { ...process.env, KWOK_WORKDIR: kwokWorkdir };
if (cmd === "up") {
  // One after the other: each bring-up takes the kwokctl lock anyway.
  for (const name of names) {
    const info = await new LocalProvider(name, true).up();
    console.log(`cluster ${name} up: KUBECONFIG=${info.kubeconfig}`);
  }
} else if (cmd === "down") {
  const bin = ensureBinaries();
  for (const name of names) {
    stopCustomMetrics(path.join(kwokWorkdir, "clusters", name));
    try {
      execFileSync(path.join(bin, "kwokctl"), ["delete", "cluster", "--name", name], { env, stdio: "inherit" });
    } catch {
      console.log(`cluster ${name}: not there`);
    }
  }
} else if (cmd === "status") {
  const bin = ensureBinaries();
  execFileSync(path.join(bin, "kwokctl"), ["get", "clusters"], { env, stdio: "inherit" });
} else {
  console.error(`unknown command "${cmd}": use up, down or status`);
  process.exit(2);
}
