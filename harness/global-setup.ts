// One cluster per run: brought up here (or reused when kept), handed to every worker through
// provide/inject, torn down at the end, also on Ctrl-C and SIGTERM.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { Api } from "./api.js";
import { chooseProvider } from "./cluster/index.js";
import { reportsDir } from "./cluster/paths.js";
import { progress } from "./progress.js";

export default async function setup(project: TestProject) {
  const runId = `${Date.now().toString(36)}-${process.pid}`;
  const { provider } = chooseProvider();
  const onSignal = (sig: NodeJS.Signals) => {
    progress(`${sig}: tearing the cluster down`);
    provider.downSync();
    process.exit(sig === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  process.once("exit", () => provider.downSync());

  const t = Date.now();
  let info;
  try {
    info = await provider.up();
  } catch (e) {
    provider.downSync();
    throw e;
  }
  info.runId = runId;
  const total = Date.now() - t;
  progress(`${info.provider} cluster ${info.name} (Kubernetes ${info.kubeVersion}) ready in ${(total / 1000).toFixed(1)} s: ${Object.entries(info.phases).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(", ")}`);
  mkdirSync(reportsDir, { recursive: true });
  writeFileSync(path.join(reportsDir, "cluster.json"), JSON.stringify({ ...info, startMs: total }, null, 2));
  project.provide("cluster", info);

  return async () => {
    // Namespaces of this run that a test could not delete (crash, kept on failure) go too, unless kept.
    if (process.env.KUBEPROOF_KEEP_ON_FAILURE !== "1") {
      try {
        const api = Api.fromFile(info.kubeconfig);
        const left = await api.list("v1", "Namespace", { labelSelector: `kubeproof.dev/run=${runId}` });
        for (const ns of left.items) await api.delete({ apiVersion: "v1", kind: "Namespace", name: ns.metadata.name! }, "Background").catch(() => undefined);
      } catch {
        // the cluster may be gone already
      }
    }
    await provider.down();
  };
}
