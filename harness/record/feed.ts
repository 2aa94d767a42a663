// The flight recorders' feed: one list-and-watch per recorded kind across all namespaces, for a
// whole spec file, fanned out to the recorders of its tests by namespace. Each recorder used to
// open its own 13 watches; 50 tests starting together on kind sent 650 lists at once, more than
// API Priority and Fairness queues for one user, and a recorder whose list was refused stayed
// blind to that kind for its whole test. Now a file costs 13 lists and 13 watches, however many
// tests it has.
import type { Api, KubeObject } from "../api/client.ts";
import { observe, type Observation, type WatchEventType } from "../wait/watch.ts";
import { PodBacklog } from "./pod-backlog.ts";
import { suiteBlind } from "../failures.ts";

/** What a flight recorder keeps: the kinds the specs make or cause, namespaced and cluster-scoped. */
const recorded: [string, string][] = [
  ["v1", "Pod"],
  ["batch/v1", "Job"],
  ["batch/v1", "CronJob"],
  ["apps/v1", "DaemonSet"],
  ["apps/v1", "Deployment"],
  ["apps/v1", "ReplicaSet"],
  ["v1", "PersistentVolumeClaim"],
  ["v1", "ResourceQuota"],
  ["autoscaling/v2", "HorizontalPodAutoscaler"],
  ["v1", "Event"],
  ["v1", "PersistentVolume"],
  ["v1", "Node"],
  ["storage.k8s.io/v1", "StorageClass"],
];

export interface FeedListener {
  onEvent(type: WatchEventType, obj: KubeObject): void;
  onError(message: string): void;
  /** The feed missed events of this kind (a re-list after 410 Gone): the timeline has a hole. */
  onGap(message: string): void;
}

export class Feed {
  private readonly observations: Observation[] = [];
  /** Listeners of one namespace each; cluster-scoped objects go to all of them. */
  private readonly byNamespace = new Map<string, Set<FeedListener>>();
  /** Cluster-scoped objects as last seen, replayed to a new listener as its initial list. */
  private readonly clusterObjects = new Map<string, KubeObject>();
  readonly ready: Promise<void>;
  /** Pods queued on their nodes, cluster-wide: what the suite paces its test starts by (harness/k/pace.ts). */
  readonly backlog = new PodBacklog();

  constructor(api: Api) {
    const sels = recorded.map(([apiVersion, kind]) => ({ apiVersion, kind }));
    for (const sel of sels) {
      this.observations.push(
        observe(api, sel, {
          onEvent: (type, obj) => this.dispatch(type, obj),
          onError: (e) => this.all().forEach((l) => l.onError(`${sel.kind}: ${String(e)}`)),
          onGap: (why) => this.all().forEach((l) => l.onGap(`${sel.kind}: ${why}`)),
        }),
      );
    }
    this.ready = Promise.allSettled(this.observations.map((o) => o.ready)).then((results) => {
      // A kind the feed could not list is a kind no recorder would see: say so at the start.
      const failed = results.flatMap((r, i) => (r.status === "rejected" ? [`${sels[i]!.kind}: ${String(r.reason)}`] : []));
      if (failed.length) throw new Error(`${suiteBlind.recorder}every kind it records: the feed could not list\n${failed.join("\n")}`);
    });
    this.ready.catch(() => undefined);
  }

  private all(): FeedListener[] {
    return [...this.byNamespace.values()].flatMap((s) => [...s]);
  }

  private dispatch(type: WatchEventType, obj: KubeObject): void {
    if (obj.kind === "Pod") this.backlog.onPod(type, obj);
    const ns = obj.metadata.namespace;
    if (ns) {
      for (const l of this.byNamespace.get(ns) ?? []) l.onEvent(type, obj);
      return;
    }
    const key = `${obj.kind}/${obj.metadata.name}`;
    if (type === "DELETED") this.clusterObjects.delete(key);
    else this.clusterObjects.set(key, obj);
    for (const l of this.all()) l.onEvent(type, obj);
  }

  /** From now on, `listener` gets every change in `namespace` and of cluster-scoped objects. */
  subscribe(namespace: string, listener: FeedListener): () => void {
    for (const o of this.clusterObjects.values()) listener.onEvent("SYNC", o);
    let set = this.byNamespace.get(namespace);
    if (!set) this.byNamespace.set(namespace, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.byNamespace.delete(namespace);
    };
  }

  /** The cluster's nodes as last seen. */
  nodes(): KubeObject[] {
    return [...this.clusterObjects.values()].filter((o) => o.kind === "Node");
  }

  stop(): void {
    for (const o of this.observations) o.stop();
  }
}
