import { describe, expect, it } from "vitest";
import { ApiError } from "../harness/api/client.js";
import { expectApiError } from "../harness/api/expected-error.js";

const quotaError = () =>
  new ApiError("POST", "/api/v1/namespaces/t/pods", 403, {
    kind: "Status",
    reason: "Forbidden",
    code: 403,
    message: 'pods "p" is forbidden: exceeded quota: q, requested: cpu=2, used: cpu=1, limited: cpu=2',
  });

describe("expected API errors", () => {
  it("accepts the exact refusal", async () => {
    const e = await expectApiError(Promise.reject(quotaError()), { code: 403, reason: "Forbidden", message: /exceeded quota: q/ });
    expect(e.code).toBe(403);
  });

  it("fails when the request succeeds", async () => {
    await expect(expectApiError(Promise.resolve({ ok: 1 }), { code: 403 }, "creating the pod")).rejects.toThrow("Expected creating the pod to be refused with 403, but it succeeded");
  });

  it("lists every difference of a wrong refusal", async () => {
    await expect(expectApiError(Promise.reject(quotaError()), { code: 422, reason: "Invalid", message: /nope/ })).rejects.toThrow(
      `HTTP 403 instead of 422; reason Forbidden instead of Invalid; message "pods \\"p\\" is forbidden: exceeded quota: q, requested: cpu=2, used: cpu=1, limited: cpu=2" does not match /nope/`,
    );
  });

  it("fails on an error that is not from the apiserver", async () => {
    await expect(expectApiError(Promise.reject(new Error("ECONNREFUSED")), { code: 403 })).rejects.toThrow("but it failed otherwise: Error: ECONNREFUSED");
  });
});

describe("an API that answers 5xx", () => {
  it("is the suite's blindness, named: the ledger reads it as inconclusive, never as the cluster contradicting a claim", async () => {
    const { listen } = await import("./support/listener.js");
    const { buildLedger } = await import("../harness/report/ledger.js");
    const api = await listen((_req, res) => {
      res.statusCode = 503;
      res.setHeader("Content-Type", "text/plain");
      res.end("service unavailable");
    });
    const err = (await api.get("metrics.k8s.io/v1beta1", "PodMetrics", "p", "ns").catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toMatch(/^API unavailable: GET \/apis\/metrics\.k8s\.io\/v1beta1.* -> 503/);
    const rows = buildLedger([{ name: "burn", status: "failed", statusDetails: { message: err.message }, labels: [{ name: "claim", value: "QUOTA-5" }], parameters: [{ name: "provider", value: "kind" }] }]);
    expect(rows.find((r) => r.claim === "QUOTA-5")).toMatchObject({ verdict: "inconclusive", detail: expect.stringContaining("API unavailable: GET /apis/metrics.k8s.io") });
  });
});
