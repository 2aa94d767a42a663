import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { admissionPolicies } from "../harness/cluster/admission-policies.ts";

const faults = path.resolve(import.meta.dirname, "..", "scripts", "faults");

describe("KUBEPROOF_ADMISSION_POLICIES", () => {
  it("reads the self-test's fault policies, each with its binding", () => {
    const got = admissionPolicies(["configmaps-refused.yaml", "hpa-scale-down-disabled.yaml"].map((f) => path.join(faults, f)).join(" "));
    expect(got.map((p) => `${p.obj.kind} ${p.obj.metadata.name}`)).toEqual([
      "ValidatingAdmissionPolicy kubeproof-fault-configmaps-refused",
      "ValidatingAdmissionPolicyBinding kubeproof-fault-configmaps-refused",
      "MutatingAdmissionPolicy kubeproof-fault-hpa-scale-down-disabled",
      "MutatingAdmissionPolicyBinding kubeproof-fault-hpa-scale-down-disabled",
    ]);
    expect(admissionPolicies("")).toEqual([]);
  });

  it("names the file and the document of anything else", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "kp-policies-"));
    const file = path.join(dir, "wrong.yaml");
    writeFileSync(file, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
    expect(() => admissionPolicies(file)).toThrow(`KUBEPROOF_ADMISSION_POLICIES: ${file}, document 1 (ConfigMap x): only named admissionregistration.k8s.io objects belong here`);
    expect(() => admissionPolicies(path.join(dir, "missing.yaml"))).toThrow(/cannot read .*missing\.yaml/);
  });
});
