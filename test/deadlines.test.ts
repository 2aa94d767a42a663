// Who failed when a wait runs out: the cluster (its deadline passed while the suite could see it,
// "Deadline passed:", contradicted) or the suite (it could not see: inconclusive, saying which).
// The branches of the judge on plain data, then the wait itself against a plain HTTP listener
// speaking the list and watch wire format (no Kubernetes server: it serves one unchanging list).
import { describe, expect, it } from "vitest";
import { blindSpots, type Evidence } from "../harness/wait/observability.ts";
import { waitFor, WaitError } from "../harness/wait/wait.ts";
import { count } from "../harness/wait/objects.ts";
import { blameOf } from "../harness/failures.ts";
import { listen } from "./support/listener.ts";

const seeing: Evidence = { gaps: [], nodes: { ms: 12, count: 1, notReady: [] }, infrastructure: [] };

describe("whether the suite could see the cluster when a wait ran out", () => {
  it("could, with its watch whole, the apiserver answering quickly and every node Ready", () => {
    expect(blindSpots(seeing)).toEqual([]);
  });
  it.each<[string, Partial<Evidence>, RegExp]>([
    ["a gap in a watch", { gaps: ["410 Gone: re-listing"] }, /watch had a gap, .*410 Gone/],
    ["the apiserver not answering", { nodes: { error: "connect ECONNREFUSED 127.0.0.1:6443" } }, /did not answer a node list .*ECONNREFUSED/],
    ["the apiserver answering slowly", { nodes: { ms: 4_500, count: 1, notReady: [] } }, /took 4\.5 s to list nodes/],
    ["a node not Ready", { nodes: { ms: 10, count: 2, notReady: ["kind-worker"] } }, /node not Ready at the deadline: kind-worker/],
    ["no nodes at all", { nodes: { ms: 10, count: 0, notReady: [] } }, /no nodes/],
    ["an infrastructure event", { infrastructure: ["kube-controller-manager restarted at 10:00"] }, /infrastructure events .*kube-controller-manager restarted/],
    ["pods starting slowly on their nodes", { slowStarts: ["pi-abc took 25.0 s from binding to Running"] }, /nodes were too slow: .*pi-abc took 25\.0 s/],
    ["something the suite brings", { suiteNeeds: "metrics-server serving metrics.k8s.io" }, /needs metrics-server/],
    ["the HPA controller told the metrics API did not serve it", { apisUnserved: ["HorizontalPodAutoscaler/web FailedGetResourceMetric: failed to get cpu utilization: the server is currently unable to handle the request (get pods.metrics.k8s.io)"] }, /API the suite brings did not serve the cluster's controllers .*FailedGetResourceMetric/],
    ["a sampled API not serving", { notServed: "the API did not serve 3 of 3 samples, the last at 0.2 s" }, /did not serve 3 of 3 samples/],
  ])("could not, with %s", (_, change, said) => {
    const blind = blindSpots({ ...seeing, ...change });
    expect(blind).toHaveLength(1);
    expect(blind[0]).toMatch(said);
  });
});

describe("a wait that runs out", { concurrent: false }, () => {
  const configMaps = { apiVersion: "v1", kind: "ConfigMap", namespace: "ns" };
  const serveOne = () =>
    listen((req, res) => {
      const url = new URL(req.url!, "http://x");
      res.setHeader("Content-Type", "application/json");
      if (url.pathname === "/api/v1") return void res.end(JSON.stringify({ kind: "APIResourceList", groupVersion: "v1", resources: [{ name: "configmaps", kind: "ConfigMap", namespaced: true, verbs: ["list", "watch"] }] }));
      if (url.searchParams.get("watch")) return; // a quiet watch: nothing changes
      res.end(JSON.stringify({ kind: "ConfigMapList", apiVersion: "v1", metadata: { resourceVersion: "5" }, items: [] }));
    });

  it("is the cluster's failure when the suite could see it: the deadline, its reason, what was last seen", async () => {
    const api = await serveOne();
    const err = (await waitFor(api, count(configMaps, 1), { timeoutMs: 500, evidence: async () => ({ ...seeing }) }).catch((e: unknown) => e)) as WaitError;
    expect(err.category).toBe("deadline");
    expect(err.message).toMatch(/^Deadline passed: waited 0\.5 s for 1 ConfigMap in ns; it had not happened \(timeout row "controller": a controller acts within seconds/);
    expect(err.message).toContain("a node list in 12 ms), 1 node Ready");
    expect(blameOf(err)).toEqual({ on: "cluster", evidence: "deadline" });
  });

  it("is the suite's when it could not see, and says why; and when nothing checked, it says so", async () => {
    const api = await serveOne();
    const blind = (await waitFor(api, count(configMaps, 1), { timeoutMs: 500, evidence: async () => ({ ...seeing, nodes: { error: "503" } }) }).catch((e: unknown) => e)) as WaitError;
    expect(blind.category).toBe("timeout");
    expect(blind.message).toMatch(/^Timed out after 0\.5 s waiting for 1 ConfigMap in ns .*could not tell whether the cluster acted: the apiserver did not answer a node list at the deadline \(503\)/);
    expect(blameOf(blind)).toEqual({ on: "suite", failure: "blind" });
    const unchecked = (await waitFor(api, count(configMaps, 1), { timeoutMs: 500 }).catch((e: unknown) => e)) as WaitError;
    expect(unchecked.message).toMatch(/nothing checked what the suite could see/);
    expect(blameOf(unchecked)).toEqual({ on: "suite", failure: "blind" });
  });

  it("judges a measurement that cannot come out as claimed like a deadline: the cluster's only while the suite could see", async () => {
    const api = await serveOne();
    const cond = { ...count(configMaps, 1), check: () => ({ met: false as const, measuredOtherwise: "measured 30.0 s between evaluations on average" }) };
    const seen = (await waitFor(api, cond, { timeoutMs: 5_000, evidence: async () => ({ ...seeing }) }).catch((e: unknown) => e)) as WaitError;
    expect(seen.category).toBe("measured");
    expect(seen.message).toMatch(/^Measured otherwise: measured 30\.0 s between evaluations on average, while waiting for 1 ConfigMap in ns after .*the suite could see the cluster throughout/);
    expect(blameOf(seen)).toEqual({ on: "cluster", evidence: "measured" });
    const blind = (await waitFor(api, cond, { timeoutMs: 5_000, evidence: async () => ({ ...seeing, gaps: ["410 Gone: re-listing"] }) }).catch((e: unknown) => e)) as WaitError;
    expect(blind.category).toBe("timeout");
    expect(blind.message).toMatch(/measured 30\.0 s .*but the suite could not tell whether the cluster did so: .*410 Gone/);
    expect(blameOf(blind)).toEqual({ on: "suite", failure: "blind" });
  });
});
