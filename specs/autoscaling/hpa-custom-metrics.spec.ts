import { describe, expect } from "vitest";
import { test, type Kube } from "../../harness/test.ts";
import { deploymentReady, deploymentReplicas, hpaCondition, hpaMetricWrites, matches, intervalsOf, periods, periodToleranceMs, scaledAbove, type Ref } from "../../harness/wait/index.ts";
import type { ConfigMap, Deployment, HPA } from "../../harness/api/kinds.ts";
import { customMetricsServed, resourceMetricsServed } from "../../harness/ops/metrics-apis.ts";
import { customMetricAnnotation, replicasHistory, reportObjectMetric, reportPodMetric, tickObjectMetric, withTemplateMetric } from "../../harness/ops/load.ts";

// HPA-3: besides resource metrics, an HPA scales on per-pod custom metrics taken as raw values,
// on a metric of another object, and on several metrics at once (the largest count wins). The
// values come from kubeproof's custom metrics API server (scripts/custom-metrics), which reports
// what the test writes in annotations; the HPA controller reads them through the aggregator.
// Upstream's counterparts (test/e2e/autoscaling/custom_metrics_stackdriver_autoscaling.go) need
// Stackdriver on GCP, so no upstream test name is claimed here.
const packets = "packets-per-second";
const queueLength = "queue-length";

/** Holds at n replicas through a whole HPA sync period and more. */
function staysAt(k: Kube, dep: Ref, n: number): Promise<void> {
  return k.never(matches<Deployment>(dep, `to leave ${n} replicas`, (d) => d.spec?.replicas !== n), "hpaSyncPeriod");
}

describe("HorizontalPodAutoscaler on custom metrics", () => {
  test(
    "on a per-pod custom metric as a raw average value, replicas grow to max and never beyond, and fall back to min",
    { meta: { claims: ["HPA-3", "HPA-7"], upstream: [] } },
    async ({ k }) => {
      await customMetricsServed(k);
      // 25 packets/s per pod against 10 per pod: one pod asks for 3, three ask for 8; max is 4.
      const dep = await k.applyOne<Deployment>("autoscaling/deployment.yaml", (d) => withTemplateMetric(d, packets, "25"));
      const hpa = await k.applyOne<HPA>("autoscaling/hpa-pods-metric.yaml");

      await k.wait(deploymentReplicas(dep.ref, 4));
      const limited = await k.wait(hpaCondition(hpa.ref, "ScalingLimited", "True", "TooManyReplicas"));
      expect(limited.status).toMatchObject({
        desiredReplicas: 4,
        currentMetrics: [{ type: "Pods", pods: { metric: { name: packets }, current: { averageValue: "25" } } }],
      });
      await k.wait(deploymentReady(dep.ref, 4));
      await k.never(scaledAbove(dep.ref, 4), "hpaSyncPeriod");

      // 2 per pod: four pods ask for ceil(8 / 10) = 1.
      await reportPodMetric(k, dep.ref, packets, "2");
      const scaledIn = await k.wait(deploymentReplicas(dep.ref, 1));
      await k.timeline.caughtUp(scaledIn);
      const history = replicasHistory(k.timeline.entries(), dep.metadata.name!);
      expect(history[0]).toBe(1);
      expect(Math.max(...history)).toBe(4);
      expect(history.at(-1)).toBe(1);
    },
  );

  test(
    "on an object metric with a per-replica target, replicas are the object's value over the target, exactly",
    { meta: { claims: ["HPA-3"], upstream: [] } },
    async ({ k }) => {
      await customMetricsServed(k);
      const dep = await k.applyOne<Deployment>("autoscaling/deployment.yaml");
      const queue = await k.applyOne<ConfigMap>("autoscaling/queue.yaml");
      const hpa = await k.applyOne<HPA>("autoscaling/hpa-object-metric.yaml");
      const idle = await k.wait(hpaCondition(hpa.ref, "ScalingActive", "True", "ValidMetricFound"));
      expect(idle.status).toMatchObject({ desiredReplicas: 1 });

      // 30 queued, 10 per replica: 3 replicas (not the max of 5), and they stay 3.
      await reportObjectMetric(k, queue.ref, queueLength, "30");
      await k.wait(deploymentReplicas(dep.ref, 3));
      await k.wait(deploymentReady(dep.ref, 3));
      await staysAt(k, dep.ref, 3);
      const h = await k.wait(
        matches<HPA>(hpa.ref, "to report the queue per replica at 3 replicas", (x) => x.status?.currentReplicas === 3 && x.status.currentMetrics?.[0]?.object?.current.averageValue === "10"),
      );
      expect(h.status).toMatchObject({
        desiredReplicas: 3,
        currentMetrics: [{ type: "Object", object: { describedObject: { kind: "ConfigMap", name: "queue" }, metric: { name: queueLength }, current: { averageValue: "10" } } }],
      });

      // The queue drains: back to min.
      await reportObjectMetric(k, queue.ref, queueLength, "0");
      await k.wait(deploymentReplicas(dep.ref, 1));
    },
  );

  test(
    "with a resource, a pods and an object metric at once, replicas follow whichever asks for the most",
    { meta: { claims: ["HPA-3"], upstream: [] } },
    async ({ k }) => {
      await customMetricsServed(k);
      // The resource metric is read through metrics-server, the suite's too.
      await resourceMetricsServed(k);
      // CPU idles (at most 20% of the request against 50%: asks for at most 2 of 4); each pod
      // reports 5 packets/s against 10 (four pods ask for 2); the queue holds 40 at 10 per
      // replica (asks for 4). The largest wins: 4.
      const dep = await k.applyOne<Deployment>("autoscaling/deployment.yaml", (d) => withTemplateMetric(d, packets, "5"));
      await k.applyOne<ConfigMap>("autoscaling/queue.yaml", (c) => {
        c.metadata.annotations![customMetricAnnotation(queueLength)] = "40";
      });
      const hpa = await k.applyOne<HPA>("autoscaling/hpa-several-metrics.yaml");

      await k.wait(deploymentReplicas(dep.ref, 4));
      await k.wait(deploymentReady(dep.ref, 4));
      await staysAt(k, dep.ref, 4);
      // All three read in one sync: a metric the HPA could not read shows as an entry of type ""
      // (new pods have no CPU figure until metrics-server has scraped them).
      const read = (x: HPA, type: string) => x.status?.currentMetrics?.some((m) => m.type === type && (type !== "Resource" || typeof m.resource?.current.averageUtilization === "number"));
      const allRead = (x: HPA) => x.status?.currentReplicas === 4 && read(x, "Resource") && read(x, "Pods") && read(x, "Object") ? true : false;
      const h = await k.wait(matches<HPA>(hpa.ref, "to report all three metrics at 4 replicas", allRead, "autoscale"));
      expect(h.status?.desiredReplicas).toBe(4);
      expect(h.status?.currentMetrics).toEqual([
        expect.objectContaining({ type: "Resource", resource: expect.objectContaining({ name: "cpu" }) }),
        expect.objectContaining({ type: "Pods", pods: expect.objectContaining({ metric: { name: packets }, current: { averageValue: "5" } }) }),
        expect.objectContaining({ type: "Object", object: expect.objectContaining({ metric: { name: queueLength }, current: { averageValue: "10" } }) }),
      ]);
      expect(h.status?.currentMetrics?.[0]?.resource?.current.averageUtilization).toBeLessThan(50);

      // Now the pods metric asks for the most: 15 per pod on four pods is ceil(60 / 10) = 6, the max.
      await reportPodMetric(k, dep.ref, packets, "15");
      await k.wait(deploymentReplicas(dep.ref, 6));
      await k.never(scaledAbove(dep.ref, 6), "hpaSyncPeriod");
    },
  );

  test(
    "the HPA re-evaluates its metrics every 15 s: its sync period, measured",
    { meta: { claims: ["HPA-2"], upstream: [] } },
    async ({ k }) => {
      await customMetricsServed(k);
      await k.applyOne<Deployment>("autoscaling/deployment.yaml");
      const queue = await k.applyOne<ConfigMap>("autoscaling/queue.yaml");
      // A target no value reaches: replicas stay at min, only the metric the HPA reads moves.
      const hpa = await k.applyOne<HPA>("autoscaling/hpa-object-metric.yaml", (h) => {
        h.spec!.metrics![0]!.object!.target = { type: "Value", value: "1G" };
      });
      await k.wait(hpaCondition(hpa.ref, "ScalingActive", "True", "ValidMetricFound"));

      // The metric changes every second, so every evaluation reads a new value and writes it.
      await tickObjectMetric(k, queue.ref, queueLength, 1000);
      const { intervals, mean } = intervalsOf(await k.wait(hpaMetricWrites(hpa.ref, 6, periods.hpaSync, true)));
      await k.observed("seconds between the HPA's evaluations", intervals.join(", "));
      expect(Math.abs(mean - periods.hpaSync / 1000), `measured ${mean} s between evaluations (${intervals.join(", ")} s); the tutorial says ${periods.hpaSync / 1000} s, give or take ${periodToleranceMs / 1000} s`).toBeLessThanOrEqual(periodToleranceMs / 1000);
    },
  );
});
