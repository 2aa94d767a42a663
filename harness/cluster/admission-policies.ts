// KUBEPROOF_ADMISSION_POLICIES: space-separated manifest files of admission policies
// (ValidatingAdmissionPolicy, MutatingAdmissionPolicy and their bindings) created on each cluster
// of the run right after it comes up, before any test. The self-test breaks claims no component
// flag can break this way (scripts/faults/): the apiserver itself refuses or rewrites requests.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "../deps/yaml.ts";
import { Api, ApiError, type KubeObject } from "../api/client.ts";
import { progress } from "../progress.ts";

/** The policy objects of the files in KUBEPROOF_ADMISSION_POLICIES; a bad file is named with what is wrong. */
export function admissionPolicies(raw = process.env.KUBEPROOF_ADMISSION_POLICIES): { file: string; obj: KubeObject }[] {
  const files = (raw ?? "").trim().split(/\s+/).filter(Boolean);
  return files.flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      throw new Error(`KUBEPROOF_ADMISSION_POLICIES: cannot read ${file}: ${(e as Error).message}`, { cause: e });
    }
    return parseAllDocuments(text).map((d, i) => {
      if (d.errors.length) throw new Error(`KUBEPROOF_ADMISSION_POLICIES: ${file}, document ${i + 1}: ${d.errors[0]!.message}`);
      const obj = d.toJS() as KubeObject | null;
      if (!obj?.apiVersion?.startsWith("admissionregistration.k8s.io/") || !obj.metadata?.name) {
        throw new Error(`KUBEPROOF_ADMISSION_POLICIES: ${file}, document ${i + 1} (${obj?.kind ?? "empty"} ${obj?.metadata?.name ?? ""}): only named admissionregistration.k8s.io objects belong here`);
      }
      return { file, obj };
    });
  });
}

/** Marks the policies a run creates with the run's id, so a later run on the same (kept or existing) cluster finds them. */
export const policyLabel = "kubeproof.dev/admission-policy-of-run";

/** The policies runs other than this one created. */
export const earlierRunsPolicies = (runId: string) => `${policyLabel},${policyLabel}!=${runId}`;
/** The policies this run created. */
export const thisRunsPolicies = (runId: string) => `${policyLabel}=${runId}`;

/** Where the policies a run may create live; a version the apiserver does not serve is skipped. */
const policyKinds: [string, string][] = [
  ["admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding"],
  ["admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy"],
  ["admissionregistration.k8s.io/v1", "MutatingAdmissionPolicyBinding"],
  ["admissionregistration.k8s.io/v1", "MutatingAdmissionPolicy"],
  ["admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicyBinding"],
  ["admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicy"],
  ["admissionregistration.k8s.io/v1alpha1", "MutatingAdmissionPolicyBinding"],
  ["admissionregistration.k8s.io/v1alpha1", "MutatingAdmissionPolicy"],
];

/**
 * Deletes the admission policies the label selector picks among those runs created. A kept or
 * existing cluster outlives its runs: a policy left there would break the claims of the next run,
 * which did not ask for it.
 */
export async function removeAdmissionPolicies(api: Api, selector: string): Promise<string[]> {
  const removed = await Promise.all(
    policyKinds.map(async ([apiVersion, kind]) => {
      if (!(await api.serves(apiVersion, kind))) return [];
      // 403: this user may not list them (nor could a run have made them).
      const found = await api.list(apiVersion, kind, { labelSelector: selector }).catch((e: unknown) => {
        if (e instanceof ApiError && e.code === 403) return { items: [] };
        throw e;
      });
      for (const o of found.items) {
        await api.delete({ apiVersion, kind, name: o.metadata.name! }).catch((e: unknown) => {
          if (!(e instanceof ApiError && e.code === 404)) throw e;
        });
      }
      return found.items.map((o) => `${kind} ${o.metadata.name}`);
    }),
  );
  return removed.flat();
}

/** Creates this run's policies on the cluster, after removing those earlier runs left. */
export async function applyAdmissionPolicies(kubeconfig: string, runId: string): Promise<void> {
  const policies = admissionPolicies();
  const api = Api.fromFile(kubeconfig);
  const stale = await removeAdmissionPolicies(api, earlierRunsPolicies(runId));
  if (stale.length) progress(`admission policies an earlier run left on this cluster removed: ${stale.join(", ")}`);
  if (policies.length === 0) return;
  for (const { file, obj } of policies) {
    obj.metadata.labels = { ...obj.metadata.labels, [policyLabel]: runId };
    await api.create(obj).catch((e: unknown) => {
      throw new Error(`KUBEPROOF_ADMISSION_POLICIES: ${file}: ${obj.kind} ${obj.metadata.name} was not created: ${(e as Error).message}`, { cause: e });
    });
  }
  // The apiserver loads policies through an informer: give it a moment before the first test.
  await new Promise((r) => setTimeout(r, 2_000));
  progress(`admission policies in place: ${policies.map((p) => `${p.obj.kind} ${p.obj.metadata.name}`).join(", ")}`);
}
