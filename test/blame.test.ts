// Who failed, as data: each class of failure a test can end with, through vitest's serialisation
// of the error (what the test fixture reads), to the blame the ledger reads. Only positive evidence
// blames the cluster.
import { describe, expect, it } from "vitest";
import { processError } from "@vitest/utils/error";
import { admissionRefusal, blamed, blameFromLabels, blameOf, blameToLabels } from "../harness/failures.ts";
import { WaitError } from "../harness/wait/wait.ts";
import { ApiError } from "../harness/api/client.ts";
import { FixtureError } from "../harness/fixtures.ts";
import { KubectlError } from "../harness/ops/kubectl.ts";

/** The error as the test fixture sees it after the test failed: vitest's serialised copy. */
const asReported = (e: unknown) => blameOf(processError(e));
const thrown = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("did not throw");
};

describe("a failure is the suite's unless it carries evidence", () => {
  it("a TypeError of the suite's own", () => {
    const e = thrown(() => (undefined as unknown as { spec: { x: number } }).spec.x);
    expect(e).toBeInstanceOf(TypeError);
    expect(asReported(e)).toEqual({ on: "suite", failure: "exception" });
  });

  it("a child process that failed: kubectl, a node script, any plain error", () => {
    expect(asReported(new KubectlError(["get", "pods"], 1, "error: the server doesn't have a resource type"))).toEqual({ on: "suite", failure: "tool" });
    expect(asReported(blamed(new Error("scripts/kind/join-node.sh failed (exit 1)"), { on: "suite", failure: "tool" }))).toEqual({ on: "suite", failure: "tool" });
    expect(asReported(new Error("docker exec kind-worker true failed (exit 125)"))).toEqual({ on: "suite", failure: "exception" });
  });

  it("a fixture the apiserver refuses for its schema", () => {
    const schema = new ApiError("PATCH", "/api/v1/namespaces/x/pods/p", 400, { reason: "BadRequest", message: 'strict decoding error: unknown field "spec.foo"' });
    expect(asReported(schema)).toEqual({ on: "suite", failure: "exception" });
    expect(asReported(new FixtureError("workloads/job.yaml", 0, "Job pi", "rejected by the apiserver (422 Invalid): spec.template: Required value"))).toEqual({ on: "suite", failure: "fixture" });
    expect(admissionRefusal(422, "Job.batch \"pi\" is invalid: spec.template: Required value")).toBe(false);
  });

  it("vitest's own timeout, RBAC, an API that did not serve, a blind wait", () => {
    expect(blameOf({ name: "Error", message: "Test timed out in 600000ms.\nIf this is a long-running test, pass a timeout value" })).toEqual({ on: "suite", failure: "test-timeout" });
    expect(asReported(new ApiError("GET", "/api/v1/nodes", 403, { reason: "Forbidden", message: 'nodes is forbidden: User "u" cannot list resource "nodes"' }))).toEqual({ on: "suite", failure: "permission" });
    expect(asReported(new ApiError("GET", "/apis/metrics.k8s.io/v1beta1/pods", 503, { reason: "ServiceUnavailable" }))).toEqual({ on: "suite", failure: "blind" });
    expect(asReported(new WaitError("Timed out after 1.0 s waiting for x", [], "timeout"))).toEqual({ on: "suite", failure: "blind" });
    expect(asReported(new WaitError("Lost the watch while making sure x", [], "lost-watch"))).toEqual({ on: "suite", failure: "blind" });
  });
});

describe("a failure is the cluster's with evidence", () => {
  it("a deadline that passed while the suite could see, a terminal state, a negative seen happening, a measurement", () => {
    expect(asReported(new WaitError("Deadline passed: waited 1.0 s for x", [], "deadline"))).toEqual({ on: "cluster", evidence: "deadline" });
    expect(asReported(new WaitError("Gave up waiting for x after 1.0 s: the Job failed instead", [], "terminal-state"))).toEqual({ on: "cluster", evidence: "terminal-state" });
    expect(asReported(new WaitError("Expected x NOT to happen within 8.0 s, but it did.", [], "unexpected-change"))).toEqual({ on: "cluster", evidence: "unexpected-change" });
    expect(asReported(new WaitError("Measured otherwise: measured 30.0 s between evaluations", [], "measured"))).toEqual({ on: "cluster", evidence: "measured" });
  });

  it("an assertion on what the suite observed", () => {
    const e = thrown(() => expect({ spec: { storageClassName: undefined } }.spec.storageClassName, "the class").toBe("standard"));
    expect(asReported(e)).toEqual({ on: "cluster", evidence: "assertion" });
  });

  it("an admission refusal by a quota, a policy or a webhook", () => {
    expect(asReported(new ApiError("POST", "/api/v1/namespaces/x/pods", 403, { reason: "Forbidden", message: 'pods "p" is forbidden: exceeded quota: compute, requested: cpu=1' }))).toEqual({ on: "cluster", evidence: "admission" });
    const policy = "configmaps \"c\" is forbidden: ValidatingAdmissionPolicy 'p' with binding 'b' denied request: no ConfigMaps";
    expect(admissionRefusal(422, policy)).toBe(true);
    expect(admissionRefusal(400, 'admission webhook "deny.example.com" denied the request: no')).toBe(true);
    expect(admissionRefusal(403, 'pods "p" is forbidden: unable to create new content in namespace kp-x because it is being terminated')).toBe(false);
    expect(asReported(new FixtureError("policy/configmaps-two.yaml", 0, "ConfigMap c", `rejected by the apiserver (422 Invalid): ${policy}`, { on: "cluster", evidence: "admission" }))).toEqual({ on: "cluster", evidence: "admission" });
  });
});

describe("the blame as report labels", () => {
  it("goes there and back; a result without one, or with nonsense, is the suite's", () => {
    for (const b of [{ on: "cluster", evidence: "deadline" }, { on: "suite", failure: "tool" }] as const) expect(blameFromLabels(blameToLabels(b))).toEqual(b);
    expect(blameFromLabels([])).toEqual({ on: "suite", failure: "exception" });
    expect(blameFromLabels([{ name: "blame", value: "cluster" }, { name: "blame-kind", value: "because" }])).toEqual({ on: "suite", failure: "exception" });
  });
});

describe("an expected refusal", () => {
  it("that the apiserver answered otherwise is the cluster's; one that failed before any answer is the suite's", async () => {
    const { expectApiError } = await import("../harness/api/expected-error.ts");
    const refusal = { code: 403, reason: "Forbidden", message: /exceeded quota/ };
    const succeeded = await expectApiError(Promise.resolve({ kind: "Pod" }), refusal, "the third pod").catch((e: unknown) => e);
    expect(asReported(succeeded)).toEqual({ on: "cluster", evidence: "assertion" });
    const otherCode = await expectApiError(Promise.reject(new ApiError("POST", "/p", 422, { reason: "Invalid", message: "nope" })), refusal).catch((e: unknown) => e);
    expect(asReported(otherCode)).toEqual({ on: "cluster", evidence: "assertion" });
    const noAnswer = await expectApiError(Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6443")), refusal).catch((e: unknown) => e);
    expect(asReported(noAnswer)).toEqual({ on: "suite", failure: "exception" });
  });
});
