// How requests reach a TLS apiserver (harness/api/transport.ts): over one HTTP/2 connection when the
// server speaks it, requests and watches alike; over HTTP/1.1 when it refuses HTTP/2 in the
// handshake. Loopback listeners with a certificate made for the test answer as each test tells
// them (never a Kubernetes server).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http2 from "node:http2";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, type TestContext } from "vitest";
import { KubeConfig } from "@kubernetes/client-node";
import { Api } from "../harness/api/client.ts";
import { fromKubeConfig } from "../harness/api/kubeconfig.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "kp-transport-"));
execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
const tls = { key: readFileSync(path.join(dir, "key.pem")), cert: readFileSync(path.join(dir, "cert.pem")) };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function apiAt(port: number): Api {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: `https://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: "u", token: "t0ken" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  return new Api(fromKubeConfig(kc));
}

/** Answers GET /version with the protocol it came over; a watch with two events and then the end. */
function answer(url: string, headers: Record<string, unknown>, protocol: string, respond: (code: number, body: string) => void): void {
  if (url.startsWith("/api/v1/configmaps?") && url.includes("watch=true")) {
    respond(200, ['{"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"2"}}}', '{"type":"DELETED","object":{"metadata":{"name":"a","resourceVersion":"3"}}}', ""].join("\n"));
    return;
  }
  respond(200, JSON.stringify({ protocol, authorization: headers.authorization }));
}

// Tests run concurrently: each closes its listener with its own context's hook.
async function http2Server({ onTestFinished }: TestContext): Promise<{ port: number; sessions: () => number }> {
  let sessions = 0;
  const server = http2.createSecureServer({ ...tls, allowHTTP1: false });
  server.on("session", () => sessions++);
  server.on("stream", (stream, headers) =>
    answer(String(headers[":path"]), headers, "h2", (code, body) => {
      stream.respond({ ":status": code, "content-type": "application/json" });
      stream.end(body);
    }),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  onTestFinished(() => void server.close());
  return { port: (server.address() as AddressInfo).port, sessions: () => sessions };
}

async function http1Server({ onTestFinished }: TestContext): Promise<number> {
  const server = https.createServer(tls, (req, res) =>
    answer(req.url ?? "", req.headers, `http/${req.httpVersion}`, (code, body) => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(body);
    }),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  onTestFinished(() => {
    server.closeAllConnections();
    server.close();
  });
  return (server.address() as AddressInfo).port;
}

const watchLines = async (api: Api) => {
  const lines: string[] = [];
  const opened = await api.openWatch("/api/v1/configmaps", { resourceVersion: "1" }, (l) => lines.push((JSON.parse(l) as { type: string }).type), 10_000);
  expect(opened.code).toBe(200);
  expect(await opened.ended).toBeUndefined();
  return lines;
};

describe("the API transport", () => {
  it("sends requests and watches as streams of one HTTP/2 connection, with the kubeconfig's credentials", async (ctx) => {
    const server = await http2Server(ctx);
    const api = apiAt(server.port);
    const answers = await Promise.all(Array.from({ length: 10 }, () => api.request<{ protocol: string; authorization: string }>("GET", "/version")));
    expect(answers).toEqual(Array.from({ length: 10 }, () => ({ protocol: "h2", authorization: "Bearer t0ken" })));
    expect(await watchLines(api)).toEqual(["ADDED", "DELETED"]);
    expect(api.connections).toBe(1);
    expect(server.sessions()).toBe(1);
  });

  it("falls back to HTTP/1.1 where the server refuses HTTP/2, for requests and watches", async (ctx) => {
    const api = apiAt(await http1Server(ctx));
    expect(await api.request("GET", "/version")).toEqual({ protocol: "http/1.1", authorization: "Bearer t0ken" });
    expect(await api.request("GET", "/version")).toEqual({ protocol: "http/1.1", authorization: "Bearer t0ken" });
    expect(await watchLines(api)).toEqual(["ADDED", "DELETED"]);
  });

  it("fails a request when nothing listens, with the reason", async () => {
    const server = https.createServer(tls);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    await expect(apiAt(port).request("GET", "/version")).rejects.toThrow(/ECONNREFUSED/);
  });
});
