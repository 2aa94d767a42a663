// npm run cluster -- up | down | status: a kept cluster for iterating on specs
// (KUBEPROOF_KEEP_CLUSTER=1 npm test then reuses it and skips bring-up).
import { execFileSync } from "node:child_process";
import path from "node:path";
import { keptClusterName } from "../harness/cluster/index.js";
import { LocalProvider, kwokWorkdir, ensureBinaries } from "../harness/cluster/local.js";
import { stopCustomMetrics } from "../harness/cluster/custom-metrics.js";

const cmd = process.argv[2] ?? "status";
const name = keptClusterName();
const env = { ...process.env, KWOK_WORKDIR: kwokWorkdir };
if (cmd === "up") {
  const info = await new LocalProvider(name, true).up();
  console.log(`cluster ${name} up: KUBECONFIG=${info.kubeconfig}`);
} else if (cmd === "down") {
  const bin = ensureBinaries();
  stopCustomMetrics(path.join(kwokWorkdir, "clusters", name));
  execFileSync(path.join(bin, "kwokctl"), ["delete", "cluster", "--name", name], { env, stdio: "inherit" });
} else if (cmd === "status") {
  const bin = ensureBinaries();
  execFileSync(path.join(bin, "kwokctl"), ["get", "clusters"], { env, stdio: "inherit" });
} else {
  console.error(`unknown command "${cmd}": use up, down or status`);
  process.exit(2);
}
