// Waits on HorizontalPodAutoscalers and their scale targets, and on the metrics API.
import type { Deployment, HPA } from "../api/kinds.js";
import type { KubeObject } from "../api/client.js";
import { conditionOf, met, notYet, onObject, type Ref } from "./conditions.js";

// The periods HPA bounds are built from live in the timeout table; specs read them here.
export { hpaReactionBound, periods } from "../timeouts.js";

/** The HPA has the condition with the status (and reason, if given). */
export function hpaCondition(hpa: Ref, type: "AbleToScale" | "ScalingActive" | "ScalingLimited", status: "True" | "False", reason?: string) {
  return onObject<HPA>(hpa, `to have ${type}=${status}${reason ? ` (${reason})` : ""}`, "autoscale", (h) => {
    const c = conditionOf(h, type);
    return c?.status === status && (!reason || c.reason === reason) ? met(h!) : notYet();
  });
}

/**
 * The HPA writes a new status.currentMetrics n times; resolves with the times (ms, as seen by this
 * watch) of each write. With a metric that changes faster than the sync period, every sync writes.
 */
export function hpaMetricWrites(hpa: Ref, n: number) {
  const times: number[] = [];
  let last: string | undefined;
  return onObject<HPA, number[]>(hpa, `to write new metrics ${n} times`, "autoscale", (h) => {
    const now = JSON.stringify(h?.status?.currentMetrics ?? null);
    if (h?.status?.currentMetrics?.length && now !== last) {
      if (last !== undefined) times.push(Date.now());
      last = now;
    }
    return times.length >= n ? met(times.slice(0, n)) : notYet();
  });
}

/** The Deployment's spec.replicas equals n (the scale subresource the HPA writes). */
export function deploymentReplicas(dep: Ref, n: number) {
  return onObject<Deployment>(dep, `to be scaled to ${n} replicas`, "autoscale", (d) => (d?.spec?.replicas === n ? met(d) : notYet()));
}

/** The Deployment's spec.replicas is above n (scaled out past it; `never` for "not beyond max"). */
export function scaledAbove(dep: Ref, n: number) {
  return onObject<Deployment>(dep, `to be scaled above ${n} replica${n === 1 ? "" : "s"}`, "autoscale", (d) => ((d?.spec?.replicas ?? 0) > n ? met(d!) : notYet()));
}

/** The Deployment has n ready replicas and no more (pods starting: the podStart row). */
export function deploymentReady(dep: Ref, n: number) {
  return onObject<Deployment>(dep, `to have ${n} ready replicas`, "podStart", (d) =>
    d?.status?.readyReplicas === n && d.status.replicas === n && (d.status.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) ? met(d) : notYet(),
  );
}

/** The APIService is Available: the aggregator reaches the server behind it and it answers. */
function apiServiceAvailable(name: string, served: string) {
  const cond = onObject<KubeObject>({ apiVersion: "apiregistration.k8s.io/v1", kind: "APIService", name }, `to be Available (${served})`, "autoscale", (a) =>
    conditionOf(a, "Available")?.status === "True" ? met(a!) : notYet(),
  );
  // The suite installs the metrics servers (or the cluster's owner does): no claim's behaviour.
  return { ...cond, suiteNeeds: served };
}

/** The APIService of metrics.k8s.io is Available (metrics-server answers through the aggregator). */
export function metricsApiAvailable() {
  return apiServiceAvailable("v1beta1.metrics.k8s.io", "metrics-server serving metrics.k8s.io");
}

/**
 * The APIService of custom.metrics.k8s.io is Available: kubeproof's custom metrics API server
 * (scripts/custom-metrics) answers through the aggregator.
 */
export function customMetricsApiAvailable() {
  return apiServiceAvailable("v1beta2.custom.metrics.k8s.io", "kubeproof's custom metrics API server serving custom.metrics.k8s.io");
}
