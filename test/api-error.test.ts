import { describe, expect, it } from "vitest";
import { ApiError } from "../harness/api/client.ts";
import { expectApiError } from "../harness/api/expected-error.ts";

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
    const { listen } = await import("./support/listener.ts");
    const { buildLedger } = await import("../harness/report/ledger.ts");
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

describe("a sampled wait whose API answers 5xx", () => {
  // discovery answers (the client resolves PodMetrics to its path), the resource itself as told
  const discovery = (req: { url?: string }, res: { setHeader(n: string, v: string): void; end(b: string): void }) => {
    if (new URL(req.url!, "http://x").pathname !== "/apis/metrics.k8s.io/v1beta1") return false;
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ kind: "APIResourceList", groupVersion: "metrics.k8s.io/v1beta1", resources: [{ name: "pods", kind: "PodMetrics", namespaced: true, verbs: ["get", "list"] }] }));
    return true;
  };
  const sampled = (api: Awaited<ReturnType<typeof import("./support/listener.ts").listen>>) => ({
    description: "PodMetrics ns/p to be served",
    timeout: "autoscale" as const,
    selection: { apiVersion: "metrics.k8s.io/v1beta1", kind: "PodMetrics", namespace: "ns" },
    poll: { everyMs: 50, why: "no watch", sample: async () => [await api.get("metrics.k8s.io/v1beta1", "PodMetrics", "p", "ns")] },
    check: (objs: unknown[]) => (objs.length ? { met: true as const, value: objs[0] } : { met: false as const }),
  });

  it("takes a 503 for not yet, and is met once the API serves again", async () => {
    const { listen } = await import("./support/listener.ts");
    const { waitFor } = await import("../harness/wait/wait.ts");
    let n = 0;
    const api = await listen((req, res) => {
      if (discovery(req, res)) return;
      res.setHeader("Content-Type", "application/json");
      if (++n <= 3) {
        res.statusCode = 503;
        return void res.end(JSON.stringify({ kind: "Status", code: 503, message: "service unavailable" }));
      }
      res.end(JSON.stringify({ kind: "PodMetrics", apiVersion: "metrics.k8s.io/v1beta1", metadata: { name: "p", namespace: "ns" } }));
    });
    await expect(waitFor(api, sampled(api), { timeoutMs: 5_000 })).resolves.toMatchObject({ metadata: { name: "p" } });
    expect(n).toBe(4);
  });

  it("runs out as the suite's blindness, naming the API and how many samples it did not serve", async () => {
    const { listen } = await import("./support/listener.ts");
    const { waitFor } = await import("../harness/wait/wait.ts");
    const api = await listen((req, res) => {
      if (discovery(req, res)) return;
      res.statusCode = 503;
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ kind: "Status", code: 503, message: "service unavailable" }));
    });
    const seeing = async () => ({ gaps: [], nodes: { ms: 5, count: 1, notReady: [] }, infrastructure: [] });
    const err = (await waitFor(api, sampled(api), { timeoutMs: 300, evidence: seeing }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^Timed out after 0\.3 s waiting for PodMetrics ns\/p to be served .*could not tell whether the cluster acted: .*the API did not serve \d+ of \d+ samples, the last at .*API unavailable: GET \/apis\/metrics\.k8s\.io\/v1beta1\/namespaces\/ns\/pods\/p -> 503/s);
  });
});

describe("a request the cluster's authorization refuses", () => {
  const refusal = async (message: string) => {
    const { listen } = await import("./support/listener.ts");
    const api = await listen((req, res) => {
      res.setHeader("Content-Type", "application/json");
      if (new URL(req.url!, "http://x").pathname === "/api/v1") return void res.end(JSON.stringify({ kind: "APIResourceList", groupVersion: "v1", resources: [{ name: "pods", kind: "Pod", namespaced: true, verbs: ["list"] }] }));
      res.statusCode = 403;
      res.end(JSON.stringify({ kind: "Status", code: 403, reason: "Forbidden", message }));
    });
    return (await api.list("v1", "Pod", { namespace: "ns" }).catch((e: unknown) => e)) as ApiError;
  };

  it("is the suite's want of a permission (RBAC names the user and verb): inconclusive, never contradicted", async () => {
    const { buildLedger } = await import("../harness/report/ledger.ts");
    const err = await refusal('pods is forbidden: User "viewer" cannot list resource "pods" in API group "" in the namespace "ns"');
    expect(err.message).toMatch(/^Permission denied: GET \/api\/v1\/namespaces\/ns\/pods -> 403 Forbidden: .*cannot list resource "pods"/);
    const rows = buildLedger([{ name: "t", status: "failed", statusDetails: { message: err.message }, labels: [{ name: "claim", value: "JOB-1" }], parameters: [{ name: "provider", value: "existing" }] }]);
    expect(rows.find((r) => r.claim === "JOB-1")).toMatchObject({ verdict: "inconclusive" });
  });

  it("is the cluster's answer when a quota refuses: it keeps its plain message", async () => {
    const err = await refusal('pods "p" is forbidden: exceeded quota: q, requested: cpu=2, used: cpu=1, limited: cpu=2');
    expect(err.message).toMatch(/^GET \/api\/v1\/namespaces\/ns\/pods -> 403 Forbidden: pods "p" is forbidden: exceeded quota/);
  });
});
