// DeleteOptions must reach the apiserver: Node sends a DELETE body neither chunked nor with a
// Content-Length unless told, and a Go server then reads no body, so propagationPolicy was
// dropped and every "Background" delete of a batch/v1 Job orphaned its pods (found by the JOB-4
// test once it waited for the pods to be deleted rather than merely unowned). A plain HTTP
// listener records what arrives.
import { afterEach, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { Api } from "../harness/api.js";

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

describe("a delete with a propagation policy", () => {
  it("sends its DeleteOptions with a length the server reads", async () => {
    const seen: { method?: string; length?: string; body: string }[] = [];
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        res.setHeader("Content-Type", "application/json");
        if (req.url === "/apis/batch/v1") {
          res.end(JSON.stringify({ resources: [{ name: "jobs", kind: "Job", namespaced: true }] }));
          return;
        }
        seen.push({ method: req.method, length: req.headers["content-length"], body });
        res.end("{}");
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "c", server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: "u" }],
      contexts: [{ name: "x", cluster: "c", user: "u" }],
      currentContext: "x",
    });
    await new Api(kc).delete({ apiVersion: "batch/v1", kind: "Job", name: "pi", namespace: "ns" }, "Background");
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: "DELETE", length: String(Buffer.byteLength(seen[0]!.body)) });
    expect(JSON.parse(seen[0]!.body)).toEqual({ kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" });
  });
});
