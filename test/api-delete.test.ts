// DeleteOptions must reach the apiserver: Node sends a DELETE body neither chunked nor with a
// Content-Length unless told, and a Go server then reads no body, so propagationPolicy was
// dropped and every "Background" delete of a batch/v1 Job orphaned its pods (found by the JOB-4
// test once it waited for the pods to be deleted rather than merely unowned). A plain HTTP
// listener records what arrives.
import { describe, expect, it } from "vitest";
import { listen } from "./support/listener.ts";

describe("a delete with a propagation policy", () => {
  it("sends its DeleteOptions with a length the server reads", async () => {
    const seen: { method?: string; length?: string; body: string }[] = [];
    const api = await listen((req, res, body) => {
      res.setHeader("Content-Type", "application/json");
      if (req.url === "/apis/batch/v1") {
        res.end(JSON.stringify({ resources: [{ name: "jobs", kind: "Job", namespaced: true }] }));
        return;
      }
      seen.push({ method: req.method, length: req.headers["content-length"], body });
      res.end("{}");
    });
    await api.delete({ apiVersion: "batch/v1", kind: "Job", name: "pi", namespace: "ns" }, "Background");
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: "DELETE", length: String(Buffer.byteLength(seen[0]!.body)) });
    expect(JSON.parse(seen[0]!.body)).toEqual({ kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" });
  });
});
