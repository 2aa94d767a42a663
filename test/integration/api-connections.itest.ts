// The API client keeps one connection per kubeconfig: client-node's agent opened a new TLS
// connection for every request and its Watch one for every watch, a handshake in the worker and
// in the apiserver under test each time (harness/api/transport.ts).
import { describe, expect, inject } from "vitest";
import { test } from "../../harness/test.ts";
import { Api } from "../../harness/api/client.ts";
import { observe } from "../../harness/wait/watch.ts";

describe("the API client", () => {
  test("sends twenty requests in a row over one connection", async () => {
    const api = Api.fromFile(inject("cluster").kubeconfig);
    for (let i = 0; i < 20; i++) await api.request("GET", "/version");
    expect(api.requests).toBe(20);
    expect(api.connections).toBe(1);
  });

  test("carries ten watches and twenty requests at once over one connection, and each watch sees its events", async ({ k, expect }) => {
    const ns = k.ns;
    const api = Api.fromFile(inject("cluster").kubeconfig);
    const seen = new Map<number, string[]>();
    const watches = Array.from({ length: 10 }, (_, i) =>
      observe(api, { apiVersion: "v1", kind: "ConfigMap", namespace: ns, labelSelector: `watch=w${i}` }, {
        onEvent: (type, obj) => seen.set(i, [...(seen.get(i) ?? []), `${type} ${obj.metadata.name}`]),
      }),
    );
    try {
      await Promise.all(watches.map((w) => w.ready));
      await Promise.all(Array.from({ length: 20 }, (_, i) => api.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `cm-${i}`, namespace: ns, labels: { watch: `w${i % 10}` } } })));
      await expect.poll(() => [...seen.values()].flat().length, { timeout: 30_000 }).toBe(20);
      for (let i = 0; i < 10; i++) expect(seen.get(i)?.sort()).toEqual([`ADDED cm-${i}`, `ADDED cm-${i + 10}`].sort());
      expect(api.connections).toBe(1);
    } finally {
      watches.forEach((w) => w.stop());
    }
  });
});
