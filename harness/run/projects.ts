// Spec files that change state every test on their cluster sees, each in a vitest project of its
// own, and the cluster part that project brings up where clusters are cheap (the project's name
// after "conformance-"). vitest.config.ts builds the projects; global-setup.ts gives them clusters.
export const sharedStateProjects: Record<string, string> = {
  // nodes join, leave, are cordoned and labelled
  "conformance-nodes": "specs/workloads/daemonset.spec.ts",
  // the default StorageClass is taken away and restored
  "conformance-default-class": "specs/storage/storage-class.spec.ts",
};

/** The cluster part of a project of its own ("nodes"), or undefined for the run's main cluster. */
export function clusterPart(project: string): string | undefined {
  return project in sharedStateProjects ? project.replace(/^conformance-/, "") : undefined;
}
