// Spec files that change state every test on their cluster sees. vitest.config.ts builds the
// projects; global-setup.ts gives them clusters; the leak check compares, around each of these
// files, the state it changes (and only that: the others run at the same time).

/** State a spec file changes that every test on the cluster sees. */
export type SharedState = "nodes" | "defaultStorageClass";

/**
 * The files that change shared state, and what they change. Their tests run one at a time (their
 * describe blocks say { concurrent: false }); no other spec file may touch that state
 * (test/shared-state.test.ts reads the specs and fixtures for it).
 */
export const sharedStateFiles: Record<string, SharedState> = {
  // nodes join, leave, are cordoned and labelled; nodes a test adds carry a taint only its pods tolerate
  "specs/workloads/daemonset.spec.ts": "nodes",
  // the default StorageClass is taken away and restored; every other claim names its class
  "specs/storage/storage-class.spec.ts": "defaultStorageClass",
};

/**
 * Files in a vitest project of their own, named for the cluster part it brings up where clusters
 * are cheap (the project's name after "conformance-"), and run after the others where a test of
 * theirs must change what the others use (cordoning a shared node where none can be added).
 */
export const sharedStateProjects: Record<string, string> = {
  "conformance-nodes": "specs/workloads/daemonset.spec.ts",
};

/** The cluster part of a project of its own ("nodes"), or undefined for the run's main cluster. */
export function clusterPart(project: string): string | undefined {
  return project in sharedStateProjects ? project.replace(/^conformance-/, "") : undefined;
}

/**
 * Whether those spec files run beside the others: on a cluster of their own (local), or on the
 * one cluster where what they change can be kept from the others (kind: every node a test adds is
 * tainted for that test's pods, and the node it cordons is one it added). On an existing cluster
 * nodes may not be addable, so a shared node is cordoned: they run after the others there.
 */
export function sharedStateBesideOthers(env: NodeJS.ProcessEnv = process.env): boolean {
  // KUBEPROOF_PROVIDER=auto resolves to kind or local, never to existing (harness/cluster/choice.ts).
  return (env.KUBEPROOF_PROVIDER ?? "auto") !== "existing";
}
