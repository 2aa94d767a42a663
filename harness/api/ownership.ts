// Who owns what: an object's controller (ownerReferences); and which spec file owns what: every object a test applies carries the run and the file as labels,
// and the namespaces a file's tests used are remembered, so the leak check can tell this file's
// leftovers from objects of files running beside it.
import path from "node:path";
import type { KubeObject } from "./client.ts";

/** The object's controller is the owner (its ownerReference with controller: true names it). */
export function controlledBy(o: KubeObject, owner: { kind: string; name: string }): boolean {
  return o.metadata.ownerReferences?.some((r) => r.controller && r.kind === owner.kind && r.name === owner.name) ?? false;
}

export const runLabel = "kubeproof.dev/run";
export const fileLabel = "kubeproof.dev/file";
/** The taint key of a node a test added (its value is the test's suffix): only that test's pods go there. */
export const addedByTaint = "kubeproof.dev/added-by";

/** A label-safe name for a spec file: specs/workloads/job.spec.ts -> workloads.job */
export function fileId(filepath: string): string {
  const rel = path.relative(process.cwd(), filepath).replace(/^specs[/\\]/, "").replace(/\.spec\.ts$/, "");
  return rel.replace(/[^A-Za-z0-9]+/g, ".").replace(/^\.|\.$/g, "").slice(0, 63);
}

const namespacesByFile = new Map<string, Set<string>>();

export function rememberNamespace(file: string, ns: string): void {
  const s = namespacesByFile.get(file) ?? new Set<string>();
  s.add(ns);
  namespacesByFile.set(file, s);
}

export function namespacesOf(file: string): Set<string> {
  return namespacesByFile.get(file) ?? new Set();
}
