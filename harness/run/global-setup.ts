// The run's clusters: brought up here (or reused when kept), handed to every worker through
// provide/inject, torn down at the end, also on Ctrl-C and SIGTERM. One main cluster shared by
// every project; where clusters are cheap (local), each project of spec files that change
// cluster-wide state (harness/run/projects.ts) gets one of its own, brought up beside the main
// one. Every project calls this; the first call for a cluster brings it up, its last teardown
// takes it down.
import { applyAdmissionPolicies, removeAdmissionPolicies, thisRunsPolicies } from "../cluster/admission-policies.ts";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { Api } from "../api/client.ts";
import { chooseProvider } from "../cluster/index.ts";
import { ownClustersForSharedState, providerName } from "../cluster/choice.ts";
import { reportsDir } from "../cluster/paths.ts";
import type { ClusterInfo, Provider } from "../cluster/types.ts";
import { progress } from "../progress.ts";
import { infraEventsFile } from "../report/infra-events.ts";
import { clusterPart, sharedStateBesideOthers } from "./projects.ts";
import { availableParallelism } from "node:os";
import { cpuBudget, dropCpuBudget, loadShare } from "./cpu-budget.ts";
import { queuedPerCore } from "../k/pace.ts";
import { clusterColumn } from "../cluster/column.ts";
import { maxPodStartScale } from "../record/pod-starts.ts";

interface Shared {
  cluster: Promise<ClusterInfo>;
  /** Set once the provider's module is loaded (chooseProvider loads only the chosen one). */
  provider?: Provider;
  users: number;
}
const holder = globalThis as { __kubeproof?: Map<string, Shared>; __kubeproofRun?: string };

/** The run's report files start afresh: this run replaces what an earlier one of the provider left. */
function startRun(provider: string): void {
  rmSync(infraEventsFile(), { force: true });
  rmSync(path.join(reportsDir, "cluster.json"), { force: true });
  rmSync(path.join(reportsDir, "file-costs"), { recursive: true, force: true });
  forgetOldResults(provider);
}

/**
 * Brings a cluster up. The facts of the main one go to reports/cluster.json (the summary's and
 * the report's); a run of only the files of one part (npm test -- specs/workloads/daemonset.spec.ts)
 * has no main cluster, and its part's cluster stands in.
 */
async function bringUp(provider: Provider, runId: string, part?: string): Promise<ClusterInfo> {
  const t = Date.now();
  let info: ClusterInfo;
  try {
    info = await provider.up();
  } catch (e) {
    provider.downSync();
    throw e;
  }
  info.runId = runId;
  try {
    await applyAdmissionPolicies(info.kubeconfig, runId);
  } catch (e) {
    provider.downSync();
    throw e;
  }
  const total = Date.now() - t;
  progress(`${info.provider} cluster ${info.name}${part ? ` (for the ${part} specs)` : ""} (Kubernetes ${info.kubeVersion}) ready in ${(total / 1000).toFixed(1)} s: ${Object.entries(info.phases).map(([k, v]) => `${k} ${(v / 1000).toFixed(v < 1000 ? 2 : 1)} s`).join(", ")}`);
  if (part && holder.__kubeproof?.has("main")) return info;
  mkdirSync(reportsDir, { recursive: true });
  writeFileSync(path.join(reportsDir, "cluster.json"), JSON.stringify({ ...info, column: clusterColumn(info), startMs: total, ownClustersForSharedState: ownClustersForSharedState(), sharedStateBeside: sharedStateBesideOthers() }, null, 2));
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
  holder.__kubeproofRun ??= `${Date.now().toString(36)}-${process.pid}`;
  const clusters = (holder.__kubeproof ??= new Map());
  const part = ownClustersForSharedState() ? clusterPart(project.name) : undefined;
  const key = part ?? "main";
  if (!clusters.has(key)) {
    if (clusters.size === 0) {
      startRun(providerName());
      // On a signal every cluster of the run goes, whichever project is running.
      const onSignal = (sig: NodeJS.Signals) => {
        progress(`${sig}: tearing the cluster${clusters.size > 1 ? "s" : ""} down`);
        for (const c of clusters.values()) c.provider?.downSync();
        process.exit(sig === "SIGINT" ? 130 : 143);
      };
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      process.once("exit", () => {
        for (const c of clusters.values()) c.provider?.downSync();
      });
    }
    // In the map before the first await: every project of the run finds the same cluster.
    const runId = holder.__kubeproofRun;
    const shared: Shared = { users: 0, cluster: chooseProvider(process.env, part).then(({ provider }) => bringUp((shared.provider = provider), runId, part)) };
    clusters.set(key, shared);
  }
  const shared = clusters.get(key)!;
  shared.users++;
  const info = await shared.cluster;
  if (key === "main" && shared.users === 1 && info.capabilities.containerRuntime) {
    progress(`pacing: a test starts while fewer than ${queuedPerCore} pods per core of the nodes' machines are queued on the nodes (the summary says how long tests waited); tests that make containers spin CPU share ${cpuBudget()}m (${loadShare * 100}% of this machine's ${availableParallelism()} cores; the rest is the nodes'); waits on pod starts follow the measured pod starts, up to ${maxPodStartScale} x`);
  }
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
    // A cluster that outlives the run (kept, existing) keeps none of this run's policies.
    if (!info.owned && process.env.KUBEPROOF_ADMISSION_POLICIES) await removeAdmissionPolicies(Api.fromFile(info.kubeconfig), thisRunsPolicies(info.runId)).catch((e: unknown) => progress(`this run's admission policies could not be removed from ${info.name}: ${(e as Error).message}`));
    await shared.provider?.down();
    dropCpuBudget(info.runId);
  };
}
