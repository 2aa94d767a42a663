// KUBEPROOF_ADMISSION_POLICIES: space-separated manifest files of admission policies
// (ValidatingAdmissionPolicy, MutatingAdmissionPolicy and their bindings) created on each cluster
// of the run right after it comes up, before any test. The self-test breaks claims no component
// flag can break this way (scripts/faults/): the apiserver itself refuses or rewrites requests.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { Api, type KubeObject } from "../api/client.js";
import { progress } from "../progress.js";

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

/** Creates the policies on the cluster; they are gone with it (the runs that use them own their clusters). */
export async function applyAdmissionPolicies(kubeconfig: string): Promise<void> {
  const policies = admissionPolicies();
  if (policies.length === 0) return;
  const api = Api.fromFile(kubeconfig);
  for (const { file, obj } of policies) {
    await api.create(obj).catch((e: unknown) => {
      throw new Error(`KUBEPROOF_ADMISSION_POLICIES: ${file}: ${obj.kind} ${obj.metadata.name} was not created: ${(e as Error).message}`, { cause: e });
    });
  }
  // The apiserver loads policies through an informer: give it a moment before the first test.
  await new Promise((r) => setTimeout(r, 2_000));
  progress(`admission policies in place: ${policies.map((p) => `${p.obj.kind} ${p.obj.metadata.name}`).join(", ")}`);
}
