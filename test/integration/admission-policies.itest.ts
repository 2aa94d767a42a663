// Admission policies a run creates (KUBEPROOF_ADMISSION_POLICIES, the self-test's faults) must not
// outlive it on a cluster that outlives the run: the next run removes those earlier runs left,
// and nothing else.
import { describe, expect } from "vitest";
import { test } from "../../harness/test.ts";
import { earlierRunsPolicies, policyLabel, removeAdmissionPolicies } from "../../harness/cluster/admission-policies.ts";

const group = "admissionregistration.k8s.io/v1";

/** A policy that matches nothing any test creates (a resource no apiserver serves). */
const inertPolicy = (name: string, labels: Record<string, string>) => ({
  apiVersion: group,
  kind: "ValidatingAdmissionPolicy",
  metadata: { name, labels },
  spec: {
    failurePolicy: "Ignore",
    matchConstraints: { resourceRules: [{ apiGroups: ["kubeproof.dev"], apiVersions: ["v1"], operations: ["CREATE"], resources: ["nothings"] }] },
    validations: [{ expression: "true" }],
  },
});

describe("admission policies of earlier runs", () => {
  test("are removed when a run starts; this run's and everybody else's stay", async ({ k }) => {
    const earlier = inertPolicy(`kp-earlier-run-${k.suffix}`, { [policyLabel]: "an-earlier-run" });
    const mine = inertPolicy(`kp-this-run-${k.suffix}`, { [policyLabel]: k.cluster.runId });
    const theirs = inertPolicy(`kp-not-a-run-${k.suffix}`, {});
    for (const p of [earlier, mine, theirs]) {
      await k.api.create(p);
      k.defer(`ValidatingAdmissionPolicy ${p.metadata.name}`, () => k.api.delete({ apiVersion: group, kind: p.kind, name: p.metadata.name }).catch(() => undefined));
    }

    const removed = await removeAdmissionPolicies(k.api, earlierRunsPolicies(k.cluster.runId));

    expect(removed).toContain(`ValidatingAdmissionPolicy ${earlier.metadata.name}`);
    expect(removed).not.toContain(`ValidatingAdmissionPolicy ${mine.metadata.name}`);
    await expect(k.api.getOrNull(group, "ValidatingAdmissionPolicy", earlier.metadata.name)).resolves.toBeNull();
    await expect(k.api.getOrNull(group, "ValidatingAdmissionPolicy", mine.metadata.name)).resolves.toMatchObject({ metadata: { name: mine.metadata.name } });
    await expect(k.api.getOrNull(group, "ValidatingAdmissionPolicy", theirs.metadata.name)).resolves.toMatchObject({ metadata: { name: theirs.metadata.name } });
  });
});
