// Waits on HorizontalPodAutoscalers and their scale targets, and on the metrics API.
import type { Deployment, HPA } from "../kinds.js";
import type { KubeObject } from "../api.js";
import { conditionOf, met, notYet, onObject, type Ref } from "./conditions.js";

/** The HPA's status.desiredReplicas equals n (what the controller decided). */
export function hpaDesiredReplicas(hpa: Ref, n: number) {
  return onObject<HPA>(hpa, `to want ${n} replicas`, "autoscale", (h) => (h?.status?.desiredReplicas === n ? met(h) : notYet()));
}

/** The HPA has the condition with the status (and reason, if given). */
export function hpaCondition(hpa: Ref, type: "AbleToScale" | "ScalingActive" | "ScalingLimited", status: "True" | "False", reason?: string) {
  return onObject<HPA>(hpa, `to have ${type}=${status}${reason ? ` (${reason})` : ""}`, "autoscale", (h) => {
    const c = conditionOf(h, type);
    return c?.status === status && (!reason || c.reason === reason) ? met(h!) : notYet();
  });
}

/** The Deployment's spec.replicas equals n (the scale subresource the HPA writes). */
export function deploymentReplicas(dep: Ref, n: number) {
  return onObject<Deployment>(dep, `to be scaled to ${n} replicas`, "autoscale", (d) => (d?.spec?.replicas === n ? met(d) : notYet()));
}

/** The Deployment has n ready replicas and no more. */
export function deploymentReady(dep: Ref, n: number) {
  return onObject<Deployment>(dep, `to have ${n} ready replicas`, "controller", (d) =>
    d?.status?.readyReplicas === n && d.status.replicas === n && (d.status.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) ? met(d) : notYet(),
  );
}

/** The APIService of metrics.k8s.io is Available (metrics-server answers through the aggregator). */
export function metricsApiAvailable() {
  return onObject<KubeObject>(
    { apiVersion: "apiregistration.k8s.io/v1", kind: "APIService", name: "v1beta1.metrics.k8s.io" },
    "to be Available (metrics-server serving metrics.k8s.io)",
    "autoscale",
    (a) => (conditionOf(a, "Available")?.status === "True" ? met(a!) : notYet()),
  );
}

/**
 * The APIService of custom.metrics.k8s.io is Available: kubeproof's custom metrics API server
 * (scripts/custom-metrics) answers through the aggregator.
 */
export function customMetricsApiAvailable() {
  return onObject<KubeObject>(
    { apiVersion: "apiregistration.k8s.io/v1", kind: "APIService", name: "v1beta2.custom.metrics.k8s.io" },
    "to be Available (kubeproof's custom metrics API server serving custom.metrics.k8s.io)",
    "autoscale",
    (a) => (conditionOf(a, "Available")?.status === "True" ? met(a!) : notYet()),
  );
}
