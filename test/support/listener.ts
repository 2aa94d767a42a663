// A plain HTTP listener on loopback for unit tests of the API client: it answers as a test tells
// it (never a Kubernetes server), and an Api pointed at it. Listeners close after each test.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";
import { KubeConfig } from "@kubernetes/client-node";
import { Api } from "../../harness/api/client.ts";
import { fromKubeConfig } from "../../harness/api/kubeconfig.ts";

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** Starts a listener with the handler; `body` is the request body, read in full. */
export async function listen(handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void): Promise<Api> {
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => handler(req, res, body));
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
  return new Api(fromKubeConfig(kc));
}
