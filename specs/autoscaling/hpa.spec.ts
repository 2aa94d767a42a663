import { describe, expect } from "vitest";
import { test, type Kube } from "../../harness/test.ts";
import {
  conditionOf,
  deploymentReady,
  deploymentReplicas,
  hpaCondition,
  hpaReactionBound,
  scaledAbove,
  matches,
  clusterDnsServing,
  hpaEvaluations,
  hpaFirstEvaluation,
  periods,
  periodToleranceMs,
  intervalsOf,
} from "../../harness/wait/index.ts";
import type { Deployment, HPA, Service } from "../../harness/api/kinds.ts";
import { parseQuantity } from "../../harness/api/quantity.ts";
import { maxConcurrent } from "../../harness/record/timeline.ts";
import { replicasHistory, simulateUsage, withTemplateUsage } from "../../harness/ops/load.ts";
import { resourceMetricsServed } from "../../harness/ops/metrics-apis.ts";

/** The CPU-utilisation HPA of the tutorial over a Deployment whose pods request no CPU. */
async function cpuHpaOnPodsWithoutRequests(k: Kube) {
  await k.applyOne<Deployment>("autoscaling/deployment.yaml", (d) => {
    delete d.spec!.template.spec!.containers[0]!.resources;
  });
  return k.applyOne<HPA>("autoscaling/hpa-cpu.yaml");
}

describe("HorizontalPodAutoscaler", () => {
  test(
    "the tutorial's kubectl expose and kubectl autoscale make a Service on port 80 and an HPA of 1 to 10 replicas at 50% CPU",
    { meta: { claims: [], upstream: [] } },
    async ({ k }) => {
      const dep = await k.applyOne<Deployment>("autoscaling/deployment.yaml");
      const name = dep.metadata.name!;

      await k.kubectl("expose", "deployment", name, "--port", "80");
      await k.kubectl("autoscale", "deployment", name, "--cpu-percent=50", "--min=1", "--max=10");

      // The Service selects the Deployment's pods, on port 80 to port 80.
      expect(await k.get<Service>({ apiVersion: "v1", kind: "Service", name, namespace: k.ns })).toMatchObject({
        spec: { type: "ClusterIP", selector: dep.spec!.selector.matchLabels, ports: [{ port: 80, targetPort: 80, protocol: "TCP" }] },
      });
      // The HPA: CPU as a utilisation of the pods' requests, written as autoscaling/v2 metrics.
      const hpa = await k.get<HPA>({ apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", name, namespace: k.ns });
      expect(hpa.spec).toEqual({
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
        minReplicas: 1,
        maxReplicas: 10,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } }],
      });

      // kubectl get hpa: the tutorial shows TARGET "0% / 50%" and REFERENCE "Deployment/php-apache/scale";
      // the server's table now has TARGETS and the plain Deployment.
      const [header, row] = (await k.kubectl("get", "hpa", name)).trim().split("\n").map((l) => l.trim().split(/\s{2,}/));
      expect(header).toEqual(["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"]);
      expect(row).toEqual([name, `Deployment/${name}`, expect.stringMatching(/\/50%$/), "1", "10", expect.stringMatching(/^\d+$/), expect.any(String)]);
    },
  );

  test(
    "with the metrics API served, an HPA reads its target's CPU and reports ScalingActive",
    { meta: { claims: ["HPA-4"], upstream: [] } },
    async ({ k }) => {
      await resourceMetricsServed(k);
      await k.applyOne<Deployment>("autoscaling/deployment.yaml");
      const hpa = await k.applyOne<HPA>("autoscaling/hpa-cpu.yaml");

      const active = await k.wait(hpaCondition(hpa.ref, "ScalingActive", "True", "ValidMetricFound"));
      expect(conditionOf(active, "AbleToScale")).toMatchObject({ status: "True" });
      expect(active.status).toMatchObject({
        currentReplicas: 1,
        currentMetrics: [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: expect.any(Number), averageValue: expect.any(String) } } }],
      });
    },
  );

  test(
    "without an API serving its metric, an HPA reports ScalingActive False and does not scale",
    { meta: { claims: ["HPA-4"], upstream: [] } },
    async ({ k }) => {
      k.requires("noExternalMetrics", "the HPA's metric must come from an API nothing serves");
      const dep = await k.applyOne<Deployment>("autoscaling/deployment.yaml");
      const hpa = await k.applyOne<HPA>("autoscaling/hpa-external-metric.yaml");

      const inactive = await k.wait(hpaCondition(hpa.ref, "ScalingActive", "False", "FailedGetExternalMetric"));
      expect(conditionOf(inactive, "ScalingActive")?.message).toMatch(/unable to get external metric .*queue_messages_ready/);
      // "Does not scale" while it is seen evaluating: two more evaluations, each failing for the
      // metric, inside a window that outlasts them. A cluster doing nothing fails the evaluations.
      // Their deadline allows twice the default period: how often it evaluates is HPA-2's claim.
      const evaluations = hpaEvaluations(hpa.ref, "FailedGetExternalMetric", 2, 2 * periods.hpaSync);
      await Promise.all([k.never(scaledAbove(dep.ref, 1), evaluations.deadline.ms), k.wait(evaluations)]);
    },
  );

  test(
    "the HPA re-evaluates every 15 s: its sync period, measured from the Warning each evaluation records",
    { meta: { claims: ["HPA-2"], upstream: [] } },
    async ({ k }) => {
      // Pods that request no CPU: every evaluation of a CPU utilisation target fails the same way
      // and records the same Warning, with or without a metrics API; replicas stay where they are.
      const hpa = await cpuHpaOnPodsWithoutRequests(k);

      const { intervals, mean } = intervalsOf(await k.wait(hpaEvaluations(hpa.ref, "FailedGetResourceMetric", 5, periods.hpaSync, true)));
      await k.observed("seconds between the HPA's evaluations", intervals.join(", "));
      expect(Math.abs(mean - periods.hpaSync / 1000), `measured ${mean} s between evaluations (${intervals.join(", ")} s); the tutorial says ${periods.hpaSync / 1000} s, give or take ${periodToleranceMs / 1000} s`).toBeLessThanOrEqual(periodToleranceMs / 1000);
    },
  );

  test(
    "a new HPA is first evaluated one sync period after it is created; from 1.37 at once",
    { meta: { claims: ["HPA-2"], upstream: [] } },
    async ({ k }) => {
      const hpa = await cpuHpaOnPodsWithoutRequests(k);

      const first = await k.wait(hpaFirstEvaluation(hpa.ref, "FailedGetResourceMetric"));
      // Both stamps have whole seconds: the difference is good to a second either way.
      const after = (Date.parse(String(first.firstTimestamp)) - Date.parse(String(hpa.metadata.creationTimestamp))) / 1000;
      await k.observed("seconds from the HPA's creation to its first evaluation", String(after));
      if (k.fromVersion("1.37", "a new or changed HPA is reconciled at once, not one sync period later (kubernetes/kubernetes#138294)")) {
        expect(after, "first evaluation, seconds after creation").toBeLessThanOrEqual(periodToleranceMs / 1000);
      } else {
        // Before 1.37 a new HPA entered the work queue rate-limited: its first evaluation came a period later.
        expect(after, "first evaluation, seconds after creation").toBeGreaterThanOrEqual(periods.hpaSync / 1000 - 1);
        expect(after, "first evaluation, seconds after creation").toBeLessThanOrEqual((periods.hpaSync + periodToleranceMs) / 1000 + 1);
      }
    },
  );

  test(
    "an HPA on CPU utilisation cannot scale a target whose pods request no CPU",
    { meta: { claims: ["HPA-1"], upstream: [] } },
    async ({ k }) => {
      await resourceMetricsServed(k);
      const hpa = await cpuHpaOnPodsWithoutRequests(k);

      // Utilisation is usage over request: with metrics flowing, the missing request is the error.
      await k.wait(
        matches<HPA>(
          hpa.ref,
          "to report ScalingActive=False (FailedGetResourceMetric: missing request for cpu)",
          (h) => conditionOf(h, "ScalingActive")?.status === "False" && /missing request for cpu/.test(conditionOf(h, "ScalingActive")?.message ?? ""),
          "autoscale",
        ),
      );
      const h = await k.get<HPA>(hpa.ref);
      expect(conditionOf(h, "ScalingActive")).toMatchObject({ reason: "FailedGetResourceMetric" });
      expect(h.spec).toMatchObject({ minReplicas: 1 });
    },
  );

  test(
    "under CPU load above target, replicas grow to max and never beyond",
    { meta: { claims: ["HPA-1", "HPA-5"], upstream: ["[sig-autoscaling] [Feature:HPA] Horizontal pod autoscaling (scale resource: CPU) Deployment (Pod Resource) Should scale from 1 pod to 3 pods and then from 3 pods to 5 pods using Average Utilization for aggregation"] } },
    async ({ k }) => {
      await resourceMetricsServed(k);
      // 200m used of 100m requested: 200% against a 50% target asks for 4 replicas; max is 3.
      await k.burnsCpu(600, "three pods spinning 200m each");
      const dep = await k.applyOne<Deployment>("autoscaling/deployment.yaml", (d) => withTemplateUsage(d, { cpu: "200m" }));
      const hpa = await k.applyOne<HPA>("autoscaling/hpa-cpu.yaml");

      await k.wait(deploymentReplicas(dep.ref, 3));
      const limited = await k.wait(hpaCondition(hpa.ref, "ScalingLimited", "True", "TooManyReplicas"));
      expect(conditionOf(limited, "AbleToScale")).toMatchObject({ status: "True" });
      expect(limited.status).toMatchObject({ desiredReplicas: 3 });
      const atMax = await k.wait(deploymentReady(dep.ref, 3));
      await k.timeline.caughtUp(atMax);

      // Still over target at max: a further sync (15 s) must not go past it.
      await k.never(scaledAbove(dep.ref, 3), "hpaSyncPeriod");

      const history = replicasHistory(k.timeline.entries(), dep.metadata.name!);
      expect(history[0]).toBe(1);
      expect(Math.max(...history)).toBe(3);
      expect(maxConcurrent(k.timeline.pods((e) => e.owner?.kind === "ReplicaSet"))).toBe(3);
    },
  );

  test(
    "when the load stops, replicas fall back to min",
    { meta: { claims: ["HPA-6"], upstream: ["[sig-autoscaling] [Feature:HPA] Horizontal pod autoscaling (scale resource: CPU) Deployment (Pod Resource) Should scale from 5 pods to 3 pods and then from 3 pods to 1 pod using Average Utilization for aggregation"] } },
    async ({ k }) => {
      await resourceMetricsServed(k);
      // Start at max under load (the scale-up itself is the previous test), the HPA holding it there.
      await k.burnsCpu(600, "three pods spinning 200m each");
      const dep = await k.applyOne<Deployment>("autoscaling/deployment.yaml", (d) => {
        d.spec!.replicas = 3;
        withTemplateUsage(d, { cpu: "200m" });
      });
      const hpa = await k.applyOne<HPA>("autoscaling/hpa-cpu.yaml");
      await k.wait(hpaCondition(hpa.ref, "ScalingLimited", "True", "TooManyReplicas"));

      // 10m of 100m on every pod: 10% against 50% asks for one replica. Scale-down
      // stabilisation is 0 s in the fixture (default 300 s).
      await simulateUsage(k, dep.ref, { cpu: "10m" });
      const changed = Date.now();
      const scaledIn = await k.wait(deploymentReplicas(dep.ref, 1));
      const reactionS = (Date.now() - changed) / 1000;
      await k.observed("observed reaction", `${reactionS.toFixed(1)} s`);
      expect(reactionS).toBeLessThanOrEqual(hpaReactionBound(k.cluster.capabilities.containerRuntime).ms / 1000);
      await k.wait(deploymentReady(dep.ref, 1));

      const h = await k.wait(hpaCondition(hpa.ref, "ScalingLimited", "False"));
      expect(h.status).toMatchObject({ desiredReplicas: 1 });
      await k.timeline.caughtUp(scaledIn);
      // Down only, from max to min; with measured (not simulated) usage the first sync after the
      // load stops may still see part of it in the metrics window and stop at 2 on the way.
      const history = replicasHistory(k.timeline.entries(), dep.metadata.name!);
      expect(history[0]).toBe(3);
      expect(history.at(-1)).toBe(1);
      expect(history).toEqual([...history].sort((a, b) => b - a));
    },
  );

  // A bound, not the period: a doubled sync period still fits it often (the change may land just
  // before a sync), so HPA-2 is the measured test's; this one times HPA-1's reaction.
  test(
    "the HPA acts on a load change within one metrics resolution plus one sync period",
    { meta: { claims: ["HPA-1"], upstream: [] } },
    async ({ k }) => {
      await resourceMetricsServed(k);
      const dep = await k.applyOne<Deployment>("autoscaling/deployment.yaml");
      const hpa = await k.applyOne<HPA>("autoscaling/hpa-cpu.yaml");
      // Steady: idle (at most 20% of the request), the HPA reading metrics and keeping 1 replica.
      const steady = await k.wait(hpaCondition(hpa.ref, "ScalingActive", "True", "ValidMetricFound"));
      expect(steady.status).toMatchObject({ desiredReplicas: 1 });

      await k.burnsCpu(600, "up to three pods spinning 200m each");
      await simulateUsage(k, dep.ref, { cpu: "200m" });
      const changed = Date.now();
      await k.wait(scaledAbove(dep.ref, 1));
      const reactionS = (Date.now() - changed) / 1000;
      await k.observed("observed reaction", `${reactionS.toFixed(1)} s`);
      const bound = hpaReactionBound(k.cluster.capabilities.containerRuntime);
      await k.observed("bound", `${bound.ms / 1000} s (${bound.why})`);
      expect(reactionS).toBeLessThanOrEqual(bound.ms / 1000);
    },
  );

  test(
    "an HPA on memory scales out on memory use while CPU is idle",
    { meta: { claims: ["HPA-7", "EX-1"], upstream: ["[sig-autoscaling] [Feature:HPA] Horizontal pod autoscaling (scale resource: Memory) Deployment (Pod Resource) Should scale from 1 pod to 3 pods and then from 3 pods to 5 pods using Average Value for aggregation"] } },
    async ({ k }) => {
      await resourceMetricsServed(k);
      // 90Mi per pod against an average of 50Mi asks for 2 replicas; CPU (20%) asks for 1.
      const dep = await k.applyOne<Deployment>("autoscaling/deployment.yaml", (d) => withTemplateUsage(d, { memory: "90Mi" }));
      const hpa = await k.applyOne<HPA>("autoscaling/hpa-memory.yaml");

      // Both metrics read (a pod just started can leave CPU out of one sync's status), and CPU
      // below its target in that status: a container starting on a loaded node can read above it
      // once (59% was seen on a 2-core kind run), and it is memory the claim is about.
      const cpuIdle = (x: HPA) => x.status?.currentMetrics?.some((m) => m.resource?.name === "cpu" && typeof m.resource.current.averageUtilization === "number" && m.resource.current.averageUtilization < 50) ?? false;
      const h = await k.wait(matches<HPA>(hpa.ref, "to want more than 1 replica while CPU reads below its 50% target", (x) => (x.status?.desiredReplicas ?? 0) > 1 && cpuIdle(x), "autoscale"));
      await k.wait(scaledAbove(dep.ref, 1));
      expect(conditionOf(h, "ScalingActive")).toMatchObject({ status: "True" });
      expect(h.status?.currentMetrics).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: "Resource", resource: expect.objectContaining({ name: "memory", current: expect.objectContaining({ averageValue: expect.any(String) }) }) }),
        ]),
      );
      // Memory is what asks for more: above its 50Mi average in the status that wants more replicas.
      const memory = h.status?.currentMetrics?.find((m) => m.resource?.name === "memory");
      expect(parseQuantity(memory?.resource?.current.averageValue ?? "0")).toBeGreaterThan(parseQuantity("50Mi"));
    },
  );

  test(
    "under a load generator's requests php-apache scales out to max and never beyond, and back to min when the load stops",
    {
      meta: {
        claims: ["HPA-1", "HPA-5", "HPA-6"],
        upstream: ["[sig-autoscaling] [Feature:HPA] Horizontal pod autoscaling (scale resource: CPU) [Serial] [Slow] Deployment (Pod Resource) Should scale from 1 pod to 3 pods and then from 3 pods to 5 pods"],
      },
    },
    async ({ k }) => {
      k.requires("containerRuntime", "real CPU load needs containers that really run");
      await resourceMetricsServed(k);
      await k.burnsCpu(600, "php-apache serving one request at a time, up to one pod's 500m, and its load generator");
      const fx = await k.apply("autoscaling/php-apache.yaml");
      const [dep, hpa] = [fx.get("Deployment").ref, fx.get("HorizontalPodAutoscaler").ref];
      await k.wait(deploymentReady(dep, 1));
      await k.wait(hpaCondition(hpa, "ScalingActive", "True", "ValidMetricFound"));

      // The load generator reaches php-apache by name.
      await k.wait(clusterDnsServing());
      const load = await k.applyOne<Deployment>("autoscaling/load-generator.yaml");
      await k.wait(deploymentReplicas(dep, 3));
      await k.wait(hpaCondition(hpa, "ScalingLimited", "True", "TooManyReplicas"));
      await k.never(scaledAbove(dep, 3), "hpaSyncPeriod");

      await k.delete(load, "Background");
      await k.timeline.caughtUp(await k.wait(deploymentReplicas(dep, 1)));
      const history = replicasHistory(k.timeline.entries(), "php-apache");
      expect(Math.max(...history)).toBe(3);
      expect(history.at(-1)).toBe(1);
    },
  );
});
