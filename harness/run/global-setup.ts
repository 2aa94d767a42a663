// One cluster per run: brought up here (or reused when kept), handed to every worker through
// provide/inject, torn down at the end, also on Ctrl-C and SIGTERM. Both conformance groups
// (parallel and serial) call this; the first call brings the cluster up, the last teardown
// takes it down.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { Api } from "../api/client.js";
import { chooseProvider } from "../cluster/index.js";
import { reportsDir } from "../cluster/paths.js";
import type { ClusterInfo, Provider } from "../cluster/types.js";
import { progress } from "../progress.js";
import { infraEventsFile } from "../report/infra-events.js";

interface Shared {
  cluster: Promise<ClusterInfo>;
  provider: Provider;
  users: number;
}
const holder = globalThis as { __kubeproof?: Shared };

async function bringUp(provider: Provider, runId: string): Promise<ClusterInfo> {
  const t = Date.now();
  rmSync(infraEventsFile(), { force: true });
  let info: ClusterInfo;
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
  forgetOldResults(info.provider);
  rmSync(path.join(reportsDir, "file-costs"), { recursive: true, force: true });
  return info;
}

/** A results folder accumulates runs; this run replaces the results of the same provider. */
function forgetOldResults(provider: string): void {
  const dir = path.join(reportsDir, "allure-results");
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith("-result.json"));
  } catch {
    return;
  }
  for (const f of files) {
    try {
      const r = JSON.parse(readFileSync(path.join(dir, f), "utf8")) as { parameters?: { name: string; value: string }[]; labels?: { name: string }[] };
      const p = r.parameters?.find((x) => x.name === "provider")?.value;
      if (p === provider || (!p && r.labels?.some((l) => l.name === "epic"))) rmSync(path.join(dir, f));
    } catch {
      // a half-written file from a killed run
    }
  }
}

export default async function setup(project: TestProject) {
  if (!holder.__kubeproof) {
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
    holder.__kubeproof = { provider, users: 0, cluster: bringUp(provider, runId) };
  }
  const shared = holder.__kubeproof;
  shared.users++;
  const info = await shared.cluster;
  project.provide("cluster", info);

  return async () => {
    if (--shared.users > 0) return;
    // Namespaces of this run that a test could not delete (crash, kept on failure) go too.
    if (process.env.KUBEPROOF_KEEP_ON_FAILURE !== "1") {
      try {
        const api = Api.fromFile(info.kubeconfig);
        const left = await api.list("v1", "Namespace", { labelSelector: `kubeproof.dev/run=${info.runId}` });
        for (const ns of left.items) await api.delete({ apiVersion: "v1", kind: "Namespace", name: ns.metadata.name! }, "Background").catch(() => undefined);
      } catch {
        // the cluster may be gone already
      }
    }
    await shared.provider.down();
  };
}
