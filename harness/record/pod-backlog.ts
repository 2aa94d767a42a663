// The nodes' start backlog: pods bound to a node that are not running yet, across the whole
// cluster, as the file's feed sees them. It is what a slow machine shows first (kubelets queue
// sandboxes and container starts behind each other), and it is the cluster's own answer to "can
// it take more now?", so the suite paces the start of its tests by it (harness/k/pace.ts) rather
// than by a constant.
import type { KubeObject } from "../api/client.ts";
import type { WatchEventType } from "../wait/watch.ts";

/**
 * A pod bound this long ago and still not running is stuck (a volume that never comes, an image it
 * cannot get, a test that keeps it so on purpose), not queued: it stops counting.
 */
export const stuckAfterMs = 60_000;

type PodLike = KubeObject & { spec?: { nodeName?: string }; status?: { phase?: string } };

/** How long a pod's start is remembered after it ended: longer than any wait's stretched timeout. */
const startsKeptMs = 20 * 60_000;

/** A pod's start as the feed saw it: bound at `bound`, Running (or ended) at `ran`, epoch ms. */
export interface SeenStart {
  name: string;
  namespace: string;
  node: string;
  bound: number;
  ran?: number;
}

export class PodBacklog {
  /** Pods bound and not yet Running (or ended), by uid: when the feed first saw them bound. */
  private readonly bound = new Map<string, { name: string; node: string; since: number }>();
  /** Every pod start the feed saw, by uid, the ended ones for startsKeptMs. */
  private readonly starts = new Map<string, SeenStart>();
  private readonly listeners = new Set<() => void>();

  private readonly now: () => number;
  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** From the feed: every change of a Pod in any namespace. */
  onPod(type: WatchEventType, obj: KubeObject): void {
    const pod = obj as PodLike;
    const uid = pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`;
    const phase = pod.status?.phase ?? "Pending";
    const had = this.bound.has(uid);
    if (type === "DELETED" || phase !== "Pending" || pod.metadata.deletionTimestamp) this.bound.delete(uid);
    else if (pod.spec?.nodeName && !had) this.bound.set(uid, { name: `${pod.metadata.namespace}/${pod.metadata.name}`, node: pod.spec.nodeName, since: this.now() });
    this.seeStart(uid, type, pod, phase);
    if (had !== this.bound.has(uid)) for (const l of this.listeners) l();
  }

  private seeStart(uid: string, type: WatchEventType, pod: PodLike, phase: string): void {
    const t = this.now();
    const start = this.starts.get(uid);
    if (!start && pod.spec?.nodeName && phase === "Pending" && type !== "DELETED" && !pod.metadata.deletionTimestamp) {
      this.starts.set(uid, { name: pod.metadata.name ?? uid, namespace: pod.metadata.namespace ?? "", node: pod.spec.nodeName, bound: t });
    } else if (start && start.ran === undefined && (phase !== "Pending" || type === "DELETED")) {
      // Gone before it ran: not a start, as in the timeline's slow starts.
      if (phase === "Pending") this.starts.delete(uid);
      else start.ran = t;
    }
    for (const [k, s] of this.starts) if (s.ran !== undefined && t - s.ran > startsKeptMs) this.starts.delete(k);
  }

  /** The pod starts the feed saw (binding to Running or an end) that finished, every namespace's. */
  finishedStarts(): { total: number }[] {
    return [...this.starts.values()].flatMap((s) => (s.ran === undefined ? [] : [{ total: s.ran - s.bound }]));
  }

  /**
   * The starts of pods in namespaces `which` selects that overlapped [from, to] (epoch ms) and took,
   * or by `to` had taken, longer than `slowMs`, each with what was seen (as the timeline's slowStarts).
   */
  slowStarts(which: (namespace: string) => boolean, from: number, to: number, slowMs: number): string[] {
    return [...this.starts.values()]
      .filter((s) => which(s.namespace) && s.bound <= to && (s.ran ?? to) >= from && Math.min(s.ran ?? to, to) - s.bound > slowMs)
      .map((s) => (s.ran !== undefined && s.ran <= to ? `${s.namespace}/${s.name} took ${((s.ran - s.bound) / 1000).toFixed(1)} s from binding to running` : `${s.namespace}/${s.name} bound to ${s.node} ${((to - s.bound) / 1000).toFixed(1)} s before and not running yet`));
  }

  /** The pods queued on their nodes now: bound, not running, not yet stuck. */
  queued(): { name: string; node: string; forMs: number }[] {
    const t = this.now();
    return [...this.bound.values()].map((p) => ({ name: p.name, node: p.node, forMs: t - p.since })).filter((p) => p.forMs < stuckAfterMs);
  }

  /** When the next queued pod turns stuck (ms from now), if any: the backlog shrinks then without an event. */
  nextExpiryMs(): number | undefined {
    const q = this.queued();
    return q.length ? Math.max(0, stuckAfterMs - Math.max(...q.map((p) => p.forMs))) : undefined;
  }

  /** Called whenever a pod joins or leaves the backlog. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
