// The one table of wait timeouts, per kind of operation. A wait names its row; nothing else in
// the suite picks a number. KUBEPROOF_TIMEOUT_SCALE stretches every row (slow machines, kind).
export const timeouts = {
  /** An object the test just created shows up or changes in a way the apiserver does itself. */
  api: 15_000,
  /** A controller reacts to a change (Job creates a pod, DaemonSet fills a node, GC deletes). */
  controller: 45_000,
  /** A Job runs all its pods to completion (several pod lifetimes in a row). */
  jobCompletion: 120_000,
  /** The garbage collector removes dependents of a deleted owner. */
  garbageCollection: 60_000,
  /** Pods bound to a deleted node: the pod GC's 40 s quarantine plus its 20 s period, with slack. */
  podGarbageCollection: 100_000,
  /** A CronJob's next minute boundary, plus the controller's reaction. */
  cronMinute: 95_000,
  /** PV binder and reclaim (the binder resyncs every 15 s by default). */
  volume: 90_000,
  /** HPA reacts to a metrics change: metrics resolution 15 s + sync period 15 s, twice. */
  autoscale: 150_000,
  /** Pods become Ready on a real kubelet (image present locally). */
  podStart: 120_000,
  /**
   * A deleted pod is gone: its kubelet stops the containers (within the grace period) and deletes
   * the object only once its volumes are unmounted and its cgroups removed, a housekeeping pass
   * as slow as a pod start on a loaded node (seen: 60 s on kind under a full run, the container
   * stopped in 1 s). On a simulated kubelet this is the API round trip.
   */
  podTermination: 120_000,
  /**
   * Negatives ("never") watch at least as long as the period of the controller that would act:
   * quietPeriod for what reacts to watch events at once (admission, garbage collector, Job
   * controller), the others for controllers that act on a resync or sync period.
   */
  quietPeriod: 8_000,
  /** The PV binder (pvclaimbinder-sync-period 15 s) plus slack: nothing binds, assigns or reclaims. */
  binderPeriod: 20_000,
  /** The HPA controller (horizontal-pod-autoscaler-sync-period 15 s) plus slack: no scaling. */
  hpaSyncPeriod: 20_000,
} as const;

export type TimeoutKind = keyof typeof timeouts;

/**
 * Rows whose waits are mostly a clock, not a reaction: how long the clock alone may take. Wait
 * figures judge a wait of these rows by the part of the timeout above it (harness/report/wait-times.ts).
 */
export const clockFloors: Partial<Record<TimeoutKind, number>> = {
  /** The next minute boundary may be up to a minute away. */
  cronMinute: 60_000,
  /** The pod GC's 40 s quarantine plus its 20 s period. */
  podGarbageCollection: 60_000,
};

export function timeoutFor(kind: TimeoutKind): number {
  const scale = Number(process.env.KUBEPROOF_TIMEOUT_SCALE ?? "1");
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new Error(`KUBEPROOF_TIMEOUT_SCALE must be a positive number, got "${process.env.KUBEPROOF_TIMEOUT_SCALE}"`);
  }
  return Math.round(timeouts[kind] * scale);
}
