// The nodes' start backlog: pods bound to a node that are not running yet, across the whole
// cluster, as the file's feed sees them. It is what a slow machine shows first (kubelets queue
// sandboxes and container starts behind each other), and it is the cluster's own answer to "can
// it take more now?", so the suite paces the start of its tests by it (harness/k/pace.ts) rather
// than by a constant.
import type { KubeObject } from "../api/client.js";
import type { WatchEventType } from "../wait/watch.js";

/**
 * A pod bound this long ago and still not running is stuck (a volume that never comes, an image it
 * cannot get, a test that keeps it so on purpose), not queued: it stops counting.
 */
export const stuckAfterMs = 60_000;

type PodLike = KubeObject & { spec?: { nodeName?: string }; status?: { phase?: string } };

export class PodBacklog {
  /** Pods bound and not yet Running (or ended), by uid: when the feed first saw them bound. */
  private readonly bound = new Map<string, { name: string; node: string; since: number }>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly now: () => number = Date.now) {}

  /** From the feed: every change of a Pod in any namespace. */
  onPod(type: WatchEventType, obj: KubeObject): void {
    const pod = obj as PodLike;
    const uid = pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`;
    const phase = pod.status?.phase ?? "Pending";
    const had = this.bound.has(uid);
    if (type === "DELETED" || phase !== "Pending" || pod.metadata.deletionTimestamp) this.bound.delete(uid);
    else if (pod.spec?.nodeName && !had) this.bound.set(uid, { name: `${pod.metadata.namespace}/${pod.metadata.name}`, node: pod.spec.nodeName, since: this.now() });
    if (had !== this.bound.has(uid)) for (const l of this.listeners) l();
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
