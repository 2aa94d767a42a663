// Waits on HorizontalPodAutoscalers and their scale targets, and on the metrics API.
import type { CoreEvent, Deployment, HPA } from "../api/kinds.ts";
import type { KubeObject } from "../api/client.ts";
import { periods } from "../timeouts.ts";
import { conditionOf, met, notYet, onList, onObject, type Ref } from "./conditions.ts";
import type { Judgement } from "./wait.ts";

// The periods HPA bounds are built from live in the timeout table; specs read them here.
export { hpaReactionBound, periods } from "../timeouts.ts";

/** The HPA has the condition with the status (and reason, if given). */
export function hpaCondition(hpa: Ref, type: "AbleToScale" | "ScalingActive" | "ScalingLimited", status: "True" | "False", reason?: string) {
  return onObject<HPA>(hpa, `to have ${type}=${status}${reason ? ` (${reason})` : ""}`, "autoscale", (h) => {
    const c = conditionOf(h, type);
    return c?.status === status && (!reason || c.reason === reason) ? met(h!) : notYet();
  });
}

/**
 * How far a measured period may stray from the default before it reads as another period. The
 * controller queues the next evaluation a period after the last one ended, so each interval is the
 * period plus one evaluation's work (measured on kind on 2 cores under a full run: 15.3-16.9 s);
 * a doubled period is 15 s away.
 */
export const periodToleranceMs = 4_000;

/**
 * Judges the times of n evaluations against the sync period: met with the times once there are n;
 * measured otherwise as soon as three intervals or more average beyond the period and its
 * tolerance (a doubled period shows in its third interval, not after n of them). The wait then
 * asks whether the suite could see throughout before it blames the cluster (harness/wait/wait.ts).
 */
function everySyncPeriod(times: number[], n: number, periodMs: number, exact: boolean): Judgement<number[]> {
  if (times.length >= n) {
    // Measuring the period itself (HPA-2): a period shorter than the claim's is as wrong as a longer one.
    const shorter = exact && intervalsOf(times.slice(0, n)).mean < (periodMs - periodToleranceMs) / 1000;
    return shorter ? { met: false, measuredOtherwise: measured(times.slice(0, n), periodMs) } : met(times.slice(0, n));
  }
  const { intervals, mean } = intervalsOf(times);
  if (intervals.length >= 3 && mean > (periodMs + periodToleranceMs) / 1000) return { met: false, measuredOtherwise: measured(times, periodMs) };
  return notYet();
}

/**
 * Seconds between consecutive times (to 0.1 s), and their mean: the span over the count. Each time
 * is when a watch saw an evaluation's write, so a write delivered late lengthens one interval and
 * shortens the next by as much (seen on kind pinned to one core: 19.3, 12.4, 19.4 s of a 15 s
 * period); the mean keeps the period, a median of so few would take the delay for it.
 */
export function intervalsOf(times: number[]): { intervals: number[]; mean: number } {
  const intervals = times.slice(1).map((t, i) => Math.round((t - times[i]!) / 100) / 10);
  const mean = times.length > 1 ? Math.round((times[times.length - 1]! - times[0]!) / (times.length - 1) / 100) / 10 : 0;
  return { intervals, mean };
}

/** The intervals between the evaluations seen, against the default period. */
function measured(times: number[], periodMs: number): string {
  const { intervals, mean } = intervalsOf(times);
  if (intervals.length === 0) return `${times.length} evaluation${times.length === 1 ? "" : "s"} seen, no interval yet (the default period is ${periodMs / 1000} s)`;
  const claim = periodMs === periods.hpaSync ? "the tutorial says" : "this wait allows";
  return `measured ${mean.toFixed(1)} s between evaluations on average (${intervals.map((x) => x.toFixed(1)).join(", ")} s); ${claim} ${periodMs / 1000} s (give or take ${periodToleranceMs / 1000} s)`;
}

/**
 * n evaluations take n intervals after the first look, each at most the period and its tolerance:
 * the wait's deadline, unscaled (it is a clock), plus 10 s for event delivery.
 */
function evaluationsDeadline(n: number, periodMs: number): { ms: number; why: string } {
  const interval = periodMs + periodToleranceMs;
  return { ms: n * interval + 10_000, why: `the HPA controller evaluates every ${periodMs / 1000} s by default: ${n} evaluations within ${n} x ${interval / 1000} s and 10 s` };
}

/**
 * The HPA writes a new status.currentMetrics n times; resolves with the times (ms, as seen by this
 * watch) of each write. With a metric that changes faster than the sync period, every sync writes.
 */
export function hpaMetricWrites(hpa: Ref, n: number, periodMs: number = periods.hpaSync, exact = false) {
  const times: number[] = [];
  let last: string | undefined;
  const cond = onObject<HPA, number[]>(hpa, `to write new metrics ${n} times`, "autoscale", (h) => {
    const now = JSON.stringify(h?.status?.currentMetrics ?? null);
    if (h?.status?.currentMetrics?.length && now !== last) {
      if (last !== undefined) times.push(Date.now());
      last = now;
    }
    return everySyncPeriod(times, n, periodMs, exact);
  });
  return { ...cond, deadline: evaluationsDeadline(n, periodMs), progress: () => measured(times, periodMs) };
}

/**
 * n evaluations of the HPA, from the Warning it records at each: an HPA whose metric cannot be
 * had records the same Warning (`reason`) every sync, which the event recorder folds into one
 * Event whose count goes up by one each time (client-go's event correlator). Resolves with the
 * times (ms, as this watch saw them) of each new count after the first look; the first look is no
 * evaluation seen happen. Needs no metrics at all: only the HPA controller. `exact`: the period is
 * what is measured, so n evaluations that came faster than it are measured otherwise too.
 */
export function hpaEvaluations(hpa: Ref, reason: string, n: number, periodMs: number = periods.hpaSync, exact = false) {
  const times: number[] = [];
  let count: number | undefined;
  const cond = onList<CoreEvent, number[]>(
    { apiVersion: "v1", kind: "Event", namespace: hpa.namespace, fieldSelector: `involvedObject.kind=HorizontalPodAutoscaler,involvedObject.name=${hpa.name},reason=${reason}` },
    `HorizontalPodAutoscaler ${hpa.namespace}/${hpa.name} to evaluate ${n} times (each a Warning ${reason})`,
    "autoscale",
    (events) => {
      const now = events.reduce((sum, e) => sum + (e.count ?? 1), 0);
      if (count !== undefined && now > count) times.push(Date.now());
      count = now;
      return everySyncPeriod(times, n, periodMs, exact);
    },
  );
  return { ...cond, deadline: evaluationsDeadline(n, periodMs), progress: () => measured(times, periodMs) };
}

/** The HPA's first evaluation: the first Warning `reason` it records (its firstTimestamp says when). */
export function hpaFirstEvaluation(hpa: Ref, reason: string) {
  return onList<CoreEvent, CoreEvent>(
    { apiVersion: "v1", kind: "Event", namespace: hpa.namespace, fieldSelector: `involvedObject.kind=HorizontalPodAutoscaler,involvedObject.name=${hpa.name},reason=${reason}` },
    `HorizontalPodAutoscaler ${hpa.namespace}/${hpa.name} to evaluate once (a Warning ${reason})`,
    "autoscale",
    (events) => (events[0] ? met(events[0]) : notYet()),
  );
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
