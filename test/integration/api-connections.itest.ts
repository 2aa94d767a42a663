// The API client keeps its connections: client-node's agent opened a new TLS connection for every
// request, a handshake in the worker and in the apiserver under test each time.
import { describe, expect, inject } from "vitest";
import { test } from "../../harness/test.js";
import { Api } from "../../harness/api/client.js";

describe("the API client", () => {
  test("sends twenty requests in a row over one connection", async () => {
    const api = Api.fromFile(inject("cluster").kubeconfig);
    for (let i = 0; i < 20; i++) await api.request("GET", "/version");
    expect(api.requests).toBe(20);
    expect(api.connections).toBe(1);
  });
});
