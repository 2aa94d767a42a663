// A watch that loses events must not be trusted: against a plain HTTP listener speaking the
// apiserver's list and watch wire format (not a Kubernetes server: it only replays what a real one
// sends when history is compacted, 410 Gone), `never` must fail instead of passing, and a wait
// must forget objects deleted during the gap.
import { describe, expect, it } from "vitest";
import type { Api } from "../harness/api/client.ts";
import { listen } from "./support/listener.ts";
import { never, waitFor, WaitError } from "../harness/wait/wait.ts";
import { count } from "../harness/wait/objects.ts";

const cm = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "ns", resourceVersion: "5" } });

/** Lists answer with `lists[i]` in turn (the last one repeated); every watch answers 410 Gone. */
async function serve(lists: string[][]): Promise<{ api: Api; requests: string[] }> {
  const requests: string[] = [];
  let listed = 0;
  const api = await listen((req, res) => {
    const url = new URL(req.url!, "http://x");
    requests.push(`${url.pathname}${url.searchParams.get("watch") ? " watch" : ""}`);
    res.setHeader("Content-Type", "application/json");
    if (url.pathname === "/api/v1") {
      res.end(JSON.stringify({ kind: "APIResourceList", groupVersion: "v1", resources: [{ name: "configmaps", kind: "ConfigMap", namespaced: true, verbs: ["list", "watch"] }] }));
    } else if (url.searchParams.get("watch")) {
      res.end(JSON.stringify({ type: "ERROR", object: { kind: "Status", apiVersion: "v1", status: "Failure", reason: "Expired", code: 410, message: "too old resource version" } }) + "\n");
    } else {
      const names = lists[Math.min(listed++, lists.length - 1)]!;
      res.end(JSON.stringify({ kind: "ConfigMapList", apiVersion: "v1", metadata: { resourceVersion: "5" }, items: names.map(cm) }));
    }
  });
  return { api, requests };
}

const configMaps = { apiVersion: "v1", kind: "ConfigMap", namespace: "ns" };

// One at a time: afterEach closes every listener.
describe("a watch with a gap", { concurrent: false }, () => {
  it("fails `never`: what happened in the gap is unknown", async () => {
    const { api, requests } = await serve([[]]);
    const err = (await never(api, count(configMaps, 1), 3000).catch((e: unknown) => e)) as WaitError;
    expect(err).toBeInstanceOf(WaitError);
    expect(err.category).toBe("lost-watch");
    expect(err.message).toMatch(/^Lost the watch while making sure 1 ConfigMap in ns does not happen .*410 Gone.*the window proves nothing/s);
    expect(requests.filter((r) => r.endsWith("watch")).length).toBeGreaterThanOrEqual(1);
  });

  it("makes a wait forget objects deleted during the gap", async () => {
    const { api, requests } = await serve([["a", "b"], []]);
    const left = await waitFor(api, count(configMaps, 0), { timeoutMs: 3000 });
    expect(requests.filter((r) => r === "/api/v1/namespaces/ns/configmaps").length).toBe(2);
    expect(left).toEqual([]);
  });
});
