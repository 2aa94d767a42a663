// A plain kubeconfig (client certificate or token) is read by the harness and gives each request
// what client-node's KubeConfig gives it; any other is left to client-node (harness/api/kubeconfig.ts).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type https from "node:https";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { KubeConfig } from "@kubernetes/client-node";
import { fromKubeConfig, plainKubeconfig } from "../harness/api/kubeconfig.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "kp-kubeconfig-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(path.join(dir, "ca.crt"), "CA PEM\n");
writeFileSync(path.join(dir, "admin.crt"), "CERT PEM\n");
writeFileSync(path.join(dir, "admin.key"), "KEY PEM\n");

let n = 0;
function kubeconfigFile(cluster: Record<string, unknown>, user: Record<string, unknown>): string {
  const file = path.join(dir, `config-${n++}.yaml`);
  writeFileSync(
    file,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      "current-context": "ctx",
      contexts: [{ name: "other", context: { cluster: "c", user: "nobody" } }, { name: "ctx", context: { cluster: "c", user: "u" } }],
      clusters: [{ name: "c", cluster: { server: "https://127.0.0.1:6443", ...cluster } }],
      users: [{ name: "nobody", user: { token: "wrong" } }, { name: "u", user }],
    }),
  );
  return file;
}

/** What a request's options hold after the kubeconfig had its say. */
async function applied(apply: (o: https.RequestOptions) => Promise<void>): Promise<Record<string, unknown>> {
  const opts: https.RequestOptions = { headers: { Accept: "application/json" } };
  await apply(opts);
  const { ca, cert, key, headers, rejectUnauthorized, servername } = opts as Record<string, unknown>;
  const text = (b: unknown) => (b === undefined ? undefined : String(b));
  return { ca: text(ca), cert: text(cert), key: text(key), authorization: (headers as Record<string, string>).Authorization, rejectUnauthorized: rejectUnauthorized === false ? false : undefined, servername };
}

async function bothReadings(file: string) {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  const plain = plainKubeconfig(file);
  expect(plain).toBeDefined();
  return { ours: await applied(plain!.apply), clientNode: await applied(fromKubeConfig(kc).apply), plain: plain! };
}

describe("a plain kubeconfig", () => {
  it("with certificate files named relative to it gives each request what client-node gives", async () => {
    const file = kubeconfigFile({ "certificate-authority": "ca.crt" }, { "client-certificate": "admin.crt", "client-key": path.join(dir, "admin.key") });
    const { ours, clientNode, plain } = await bothReadings(file);
    expect(ours).toEqual({ ca: "CA PEM\n", cert: "CERT PEM\n", key: "KEY PEM\n", authorization: undefined, rejectUnauthorized: undefined, servername: undefined });
    expect(ours).toEqual(clientNode);
    expect(plain).toMatchObject({ context: "ctx", server: "https://127.0.0.1:6443", proxied: false });
  });

  it("with inline data and a token gives each request what client-node gives", async () => {
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    const file = kubeconfigFile({ "certificate-authority-data": b64("CA\n"), "tls-server-name": "kubernetes" }, { "client-certificate-data": b64("C\n"), "client-key-data": b64("K\n"), token: "s3cret" });
    const { ours, clientNode } = await bothReadings(file);
    expect(ours).toEqual({ ca: "CA\n", cert: "C\n", key: "K\n", authorization: "Bearer s3cret", rejectUnauthorized: undefined, servername: "kubernetes" });
    expect(ours).toEqual(clientNode);
  });

  it("that skips TLS verification does so", async () => {
    const { ours } = await bothReadings(kubeconfigFile({ "insecure-skip-tls-verify": true }, { token: "t" }));
    expect(ours).toMatchObject({ rejectUnauthorized: false, authorization: "Bearer t" });
  });
});

describe("any other kubeconfig is left to client-node", () => {
  it.each([
    ["an exec plugin", {}, { exec: { apiVersion: "client.authentication.k8s.io/v1", command: "get-token" } }],
    ["an auth provider", {}, { "auth-provider": { name: "oidc", config: {} } }],
    ["basic auth", {}, { username: "a", password: "b" }],
    ["a token file", {}, { tokenFile: "/var/run/token" }],
    ["a proxy", { "proxy-url": "http://127.0.0.1:3128" }, { token: "t" }],
  ])("one with %s", (_what, cluster, user) => {
    expect(plainKubeconfig(kubeconfigFile(cluster, user))).toBeUndefined();
  });

  it("one that is not YAML, or has no current context", () => {
    const bad = path.join(dir, "bad.yaml");
    writeFileSync(bad, "{ not: yaml: at all");
    expect(plainKubeconfig(bad)).toBeUndefined();
    const none = path.join(dir, "none.yaml");
    writeFileSync(none, stringify({ clusters: [], users: [], contexts: [] }));
    expect(plainKubeconfig(none)).toBeUndefined();
  });
});
