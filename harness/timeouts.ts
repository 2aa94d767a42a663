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
  /**
   * HPA reacts to a metrics change: above hpaReactionBound on a real kubelet (145 s), so that a
   * slow reaction fails that bound (the cluster's doing) before the wait gives up (inconclusive).
   */
  autoscale: 180_000,
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
  /** The HPA controller (periods.hpaSync, 15 s) plus slack: no scaling. */
  hpaSyncPeriod: 20_000,
} as const;

export type TimeoutKind = keyof typeof timeouts;

/**
 * Why each row's timeout is a deadline the cluster must meet: what the component it waits on
 * does and how soon. A wait that runs out while the suite could observe (harness/wait/observability.ts)
 * fails as the cluster's doing with this reason; the negatives' rows are windows, not deadlines.
 */
export const deadlineReasons: Record<TimeoutKind, string> = {
  api: "the apiserver itself makes this change as it stores the object",
  controller: "a controller acts within seconds of the watch event that concerns it",
  jobCompletion: "the Job controller starts each pod within seconds of the last one's end",
  garbageCollection: "the garbage collector deletes dependents within seconds of their owner's deletion",
  podGarbageCollection: "the pod garbage collector removes pods of a deleted node after its 40 s quarantine and within its 20 s period",
  cronMinute: "the CronJob controller creates a Job within seconds of its schedule's minute",
  volume: "the PV binder and reclaimer act on a watch event, and at the latest at their 15 s resync",
  autoscale: "the HPA controller re-evaluates every 15 s and metrics-server scrapes every 15 s",
  podStart: "a kubelet starts a pod whose image is on the node within seconds",
  podTermination: "a kubelet stops a deleted pod's containers within its grace period and then removes it",
  quietPeriod: "a window, not a deadline",
  binderPeriod: "a window, not a deadline",
  hpaSyncPeriod: "a window, not a deadline",
};

/**
 * The control loops' periods that bounds in the specs are built from: the defaults of the
 * components, which kind and the local cluster keep.
 */
export const periods = {
  /** metrics-server's --metric-resolution: how often it scrapes the kubelets. */
  metricResolution: 15_000,
  /** kube-controller-manager's --horizontal-pod-autoscaler-sync-period. */
  hpaSync: 15_000,
  /** The kubelet's stats housekeeping (cAdvisor samples every 10-15 s). */
  kubeletHousekeeping: 15_000,
  /**
   * The kubelet's --sync-frequency: its pod workers resync each pod that often, and a pod's
   * downward API files are rewritten at a resync (measured on kind: 60.0 s once in ~10 runs).
   */
  kubeletSync: 60_000,
  /**
   * Each pod resync is jittered by up to this part of kubeletSync more (pod_workers.go,
   * workerResyncIntervalJitterFactor): the latest resync is 90 s away (a CI run saw a whole
   * scale-in take 120 s, beyond 60 s plus the rest).
   */
  kubeletSyncJitter: 0.5,
} as const;

/**
 * How long the HPA may take to act on a load change (HPA-2): the next metrics scrape, then the
 * next HPA sync, and where containers really run, the kubelet's pod sync to hand the container its
 * new load and its housekeeping to see the new usage; on top 10 s (scrape, API round trips, a
 * loaded machine), stretched by KUBEPROOF_TIMEOUT_SCALE like every row.
 */
export function hpaReactionBound(realKubelet: boolean): { ms: number; why: string } {
  const p = periods;
  const s = (ms: number) => `${ms / 1000} s`;
  const latestResync = p.kubeletSync * (1 + p.kubeletSyncJitter);
  const kubelet = realKubelet ? latestResync + p.kubeletHousekeeping : 0;
  const slack = scaled(10_000);
  return {
    ms: p.metricResolution + p.hpaSync + kubelet + slack,
    why: `resolution ${s(p.metricResolution)} + sync ${s(p.hpaSync)}${kubelet ? ` + kubelet pod sync ${s(p.kubeletSync)} + up to ${s(latestResync - p.kubeletSync)} jitter and stats ${s(p.kubeletHousekeeping)}` : ""} + ${s(slack)}`,
  };
}

/**
 * Rows whose waits hold a clock the cluster cannot beat, besides its reaction: how long the clock
 * alone may take. Wait figures judge a wait of these rows by the part of the timeout above it
 * (harness/report/wait-times.ts).
 */
export const clockFloors: Partial<Record<TimeoutKind, number>> = {
  /** The next minute boundary may be up to a minute away. */
  cronMinute: 60_000,
  /** The pod GC's 40 s quarantine plus its 20 s period. */
  podGarbageCollection: 60_000,
  /**
   * A new pod's first CPU figure the HPA may use: metrics-server needs two scrapes of a container
   * for a rate, the HPA skips a fresh pod's sample taken within a metrics window of its readiness,
   * and then acts at its next sync (3 resolutions and a sync). Measured on the local cluster: 45.0,
   * 60.4 and 60.8 s from a Deployment's apply to ValidMetricFound, in steps of the sync period; a
   * self-test twin at scale 0.35 (63 s) ran out under a full CI run (polyglot, 2026-12-04).
   */
  autoscale: 3 * periods.metricResolution + periods.hpaSync,
};

/**
 * The rows that are windows of a negative ("never"): each must outlast the period of the
 * controller it watches, so a scale below 1 (the self-test's quick runs) never shortens them.
 */
const negativeWindows: ReadonlySet<TimeoutKind> = new Set(["quietPeriod", "binderPeriod", "hpaSyncPeriod"]);

/**
 * A row's timeout under KUBEPROOF_TIMEOUT_SCALE. The scale stretches or shrinks the slack, never
 * a clock the wait cannot beat (clockFloors) nor a negative's window below its period.
 */
export function timeoutFor(kind: TimeoutKind): number {
  const ms = timeouts[kind];
  if (negativeWindows.has(kind)) return Math.max(ms, scaled(ms));
  const clock = clockFloors[kind] ?? 0;
  return clock + scaled(ms - clock);
}

function scaled(ms: number): number {
  const scale = Number(process.env.KUBEPROOF_TIMEOUT_SCALE ?? "1");
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new Error(`KUBEPROOF_TIMEOUT_SCALE must be a positive number, got "${process.env.KUBEPROOF_TIMEOUT_SCALE}"`);
  }
  return Math.round(ms * scale);
}

/** The longest a test waits for room on the nodes: past it the test starts anyway and its waits name the slowness (harness/k/pace.ts). */
export const maxPaceMs = 180_000;

/** The most a wait on pod starts is stretched: beyond it the nodes are too slow, and the wait says so (harness/record/pod-starts.ts). */
export const maxPodStartScale = 3;

/**
 * Rows whose waits stand on pods starting (or stopping) on their nodes: stretched by the measured
 * pod starts, up to maxPodStartScale. volume too: a dynamic provisioner such as kind's local-path
 * makes and removes a volume's directory with a helper pod of its own.
 */
export const podBoundRows: ReadonlySet<TimeoutKind> = new Set(["podStart", "jobCompletion", "podTermination", "volume"]);

/** A row's longest wait: its timeout at the largest stretch it can get. */
export function longestWaitFor(kind: TimeoutKind): number {
  return timeoutFor(kind) * (podBoundRows.has(kind) ? maxPodStartScale : 1);
}

/**
 * How many waits of a test may each run to their longest one after another before vitest's own
 * timeout: a setup wait, the claim's own wait and a teardown wait (a pod's deletion). A test's
 * other waits end in seconds on any cluster on which these do not run out.
 */
export const waitsAtFullLength = 3;

/**
 * vitest's test and hook timeouts, from the table under this run's scale, so that a named wait
 * always ends (and says why) before vitest gives up on the test: a test gets the paced start and
 * waitsAtFullLength of the longest waits; a hook (the leak check after a spec file) the volume
 * row's wait for what its tests left to go, and the reads after it.
 */
export function vitestTimeouts(): { testTimeout: number; hookTimeout: number } {
  const longest = Math.max(...(Object.keys(timeouts) as TimeoutKind[]).map(longestWaitFor));
  return {
    testTimeout: maxPaceMs + waitsAtFullLength * longest + 30_000,
    hookTimeout: Math.max(120_000, timeoutFor("volume") + 60_000),
  };
}
