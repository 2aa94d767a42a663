// Leak detection, per spec file (a vitest setup file): cluster-scoped state is snapshotted
// before the file and compared after it. A leftover fails the file that caused it:
// - any cluster-scoped object labelled with this run and this file (PVs, StorageClasses, nodes,
//   cluster roles, priority classes) still there once its deletion had time to finish;
// - any PV still bound to one of this file's test namespaces (dynamically provisioned ones);
// - for the files that change shared state (harness/run/projects.ts), that state different from
//   before the file: the set of nodes, their labels, taints and schedulability; or which
//   StorageClass is default. Only that file's own: the other files run at the same time, and no
//   other file touches it (test/shared-state.test.ts).
import { afterAll, beforeAll, inject } from "vitest";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Api, KubeObject } from "../api/client.ts";
import { clusterApi } from "../api/cluster-api.ts";
import { reportsDir, repoRoot } from "../cluster/paths.ts";
import { sharedStateFiles, type SharedState } from "./projects.ts";
import { fileId, fileLabel, namespacesOf, runLabel } from "../api/ownership.ts";
import { waitFor } from "../wait/wait.ts";
import { met, notYet, onList } from "../wait/conditions.ts";
import type { Node, PersistentVolume, StorageClass } from "../api/kinds.ts";
import { waitTimes } from "../report/wait-times.ts";
import { podStartsOfFile } from "../record/pod-starts.ts";
import { pacedOfFile } from "../k/pace.ts";

const owned: [string, string][] = [
  ["v1", "PersistentVolume"],
  ["storage.k8s.io/v1", "StorageClass"],
  ["v1", "Node"],
  ["rbac.authorization.k8s.io/v1", "ClusterRole"],
  ["scheduling.k8s.io/v1", "PriorityClass"],
];

async function sharedState(api: Api, what: SharedState | undefined): Promise<string[]> {
  if (what === "nodes") return nodeState(api);
  if (what === "defaultStorageClass") return defaultClasses(api);
  return [];
}

async function nodeState(api: Api): Promise<string[]> {
  const nodes = (await api.list<Node>("v1", "Node")).items.map((n) => {
    // beta.kubernetes.io/* labels are mirrors the node lifecycle controller maintains, not test state.
    const labels = Object.entries(n.metadata.labels ?? {})
      .filter(([k]) => !k.startsWith("beta.kubernetes.io/"))
      .sort()
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    // node.kubernetes.io/* taints come and go with node conditions (not-ready right after start,
    // unschedulable with a cordon, which `unschedulable` below already shows): not test state.
    const taints = (n.spec?.taints ?? [])
      .filter((t) => !t.key.startsWith("node.kubernetes.io/"))
      .map((t) => `${t.key}=${t.value ?? ""}:${t.effect}`)
      .sort()
      .join(",");
    return `node ${n.metadata.name} labels[${labels}] taints[${taints}]${n.spec?.unschedulable ? " unschedulable" : ""}`;
  });
  return nodes.sort();
}

async function defaultClasses(api: Api): Promise<string[]> {
  return (await api.list<StorageClass>("storage.k8s.io/v1", "StorageClass")).items
    .filter((s) => s.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true")
    .map((s) => `default StorageClass ${s.metadata.name}`)
    .sort();
}

let before: string[] = [];
let changes: SharedState | undefined;
let startedRequests = 0;
let startedThrottled = 0;
let api: Api;

// eslint-disable-next-line no-empty-pattern -- vitest wants the context destructured; only the suite is used
beforeAll(async ({}, suite) => {
  api = clusterApi();
  changes = sharedStateFiles[path.relative(repoRoot, suite.file.filepath)];
  before = await sharedState(api, changes);
  startedRequests = api.requests;
  startedThrottled = api.throttled;
});

// eslint-disable-next-line no-empty-pattern -- vitest wants the context destructured; only the suite is used
afterAll(async ({}, suite) => {
  const info = inject("cluster");
  const file = fileId(suite.file.filepath);
  // What the file cost (API requests of its tests and this check's snapshot; its waits), for the
  // run summary.
  const requests = api.requests - startedRequests;
  const throttled = api.throttled - startedThrottled;
  mkdirSync(path.join(reportsDir, "file-costs"), { recursive: true });
  writeFileSync(path.join(reportsDir, "file-costs", `${file}.json`), JSON.stringify({ file, requests, throttled, waits: waitTimes(), podStarts: podStartsOfFile(), paced: pacedOfFile() }));
  if (process.env.KUBEPROOF_KEEP_ON_FAILURE === "1") return;
  const namespaces = namespacesOf(file);
  // The kinds side by side: this check is part of the run's tail.
  const leftovers = await Promise.all(
    owned.map(async ([apiVersion, kind]) => {
      const mine = (o: KubeObject) => {
        if (o.metadata.labels?.[runLabel] === info.runId && o.metadata.labels?.[fileLabel] === file) return true;
        const claimNs = (o as PersistentVolume).spec?.claimRef?.namespace;
        return kind === "PersistentVolume" && !!claimNs && namespaces.has(claimNs);
      };
      // The apiserver picks out what the harness labelled (a cluster's ClusterRoles alone are some
      // 200 KB to read and parse); a PV a provisioner made for a claim carries no label of ours.
      const labelSelector = kind === "PersistentVolume" ? undefined : `${runLabel}=${info.runId},${fileLabel}=${file}`;
      try {
        // Deletions already issued (namespace teardown, reclaim) get the volume row to finish.
        await waitFor(api, onList({ apiVersion, kind, labelSelector }, `no ${kind} left by ${file}`, "volume", (objs) => (objs.some(mine) ? notYet() : met(undefined))));
        return [];
      } catch {
        const left = (await api.list(apiVersion, kind, { labelSelector })).items.filter(mine);
        return left.map((o) => `${kind} ${o.metadata.name} (${JSON.stringify((o as { status?: unknown }).status ?? {})})`);
      }
    }),
  );
  const problems = leftovers.flat();
  const after = await sharedState(api, changes);
  const gone = before.filter((x) => !after.includes(x));
  const added = after.filter((x) => !before.includes(x));
  if (gone.length || added.length) problems.push(...gone.map((g) => `changed or removed: ${g}`), ...added.map((a) => `appeared: ${a}`));
  if (problems.length) throw new Error(`${suite.file.name} leaked cluster-scoped state:\n  ${problems.join("\n  ")}`);
});
