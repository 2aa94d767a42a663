// The flight recorder: from the start of a test, everything in its namespace and the
// cluster-scoped objects it may touch, every transition with a timestamp (from the file's shared
// watches, harness/record/feed.ts). Specs query the timeline (harness/record/timeline.ts); on failure it is
// attached as data and as a picture.
import type { KubeObject } from "../api/client.ts";
import type { CoreEvent } from "../api/kinds.ts";
import type { Feed } from "./feed.ts";
import { render, type Facts, type TimelineEntry } from "./timeline.ts";
import { suiteBlind } from "../failures.ts";

type Obj = KubeObject & { status?: Record<string, unknown>; spec?: Record<string, unknown> };

/** Waiting reasons every starting pod goes through. */
const routineWaits = new Set(["ContainerCreating", "PodInitializing"]);

/** The facts of an object's state the timeline keeps (harness/record/timeline.ts renders them). */
export function factsOf(o: Obj): Facts {
  const s = (o.status ?? {}) as Record<string, unknown>;
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  const conds = (s.conditions as { type: string; status: string; reason?: string }[] | undefined) ?? [];
  const base: Facts = o.metadata.deletionTimestamp ? { terminating: true } : {};
  const n = (v: unknown) => (typeof v === "number" ? v : 0);
  switch (o.kind) {
    case "Pod": {
      // Why a container is not running, where that is news (an image it cannot get, a crash loop).
      type Status = { name: string; state?: { waiting?: { reason?: string } } };
      const statuses = [...((s.initContainerStatuses as Status[] | undefined) ?? []), ...((s.containerStatuses as Status[] | undefined) ?? [])];
      const stuck = statuses.find((c) => c.state?.waiting?.reason && !routineWaits.has(c.state.waiting.reason));
      return {
        ...base,
        phase: (s.phase as string | undefined) ?? "Pending",
        ...(spec.nodeName ? { node: spec.nodeName as string } : {}),
        ...(stuck ? { waiting: { container: stuck.name, reason: stuck.state!.waiting!.reason! } } : {}),
      };
    }
    case "Job": {
      const trueConds = conds.filter((c) => c.status === "True").map((c) => c.type);
      return { ...base, counts: { active: n(s.active), succeeded: n(s.succeeded), failed: n(s.failed) }, ...(trueConds.length ? { conditions: trueConds } : {}) };
    }
    case "PersistentVolume": {
      const ref = spec.claimRef as { namespace?: string; name?: string } | undefined;
      return { ...base, phase: (s.phase as string | undefined) ?? "Pending", ...(ref?.name ? { claim: `${ref.namespace}/${ref.name}` } : {}) };
    }
    case "PersistentVolumeClaim":
      return { ...base, phase: (s.phase as string | undefined) ?? "Pending", ...(spec.volumeName ? { volume: spec.volumeName as string } : {}) };
    case "Node":
      return { ...base, phase: conds.find((c) => c.type === "Ready")?.status === "True" ? "Ready" : "NotReady", ...(spec.unschedulable ? { unschedulable: true } : {}) };
    case "Event": {
      const e = o as CoreEvent;
      return { event: { reason: e.reason ?? "", about: `${e.involvedObject?.kind}/${e.involvedObject?.name}`, message: e.message ?? "" } };
    }
    case "DaemonSet":
      return { ...base, counts: { desired: n(s.desiredNumberScheduled), current: n(s.currentNumberScheduled), ready: n(s.numberReady) } };
    case "Deployment":
    case "ReplicaSet":
      return { ...base, counts: { replicas: n(s.replicas), ready: n(s.readyReplicas) }, ...(typeof spec.replicas === "number" ? { specReplicas: spec.replicas } : {}) };
    case "HorizontalPodAutoscaler":
      return { ...base, counts: { current: n(s.currentReplicas), desired: n(s.desiredReplicas) } };
    case "CronJob":
      return {
        ...base,
        counts: { active: (s.active as unknown[] | undefined)?.length ?? 0 },
        ...(s.lastScheduleTime ? { lastSchedule: s.lastScheduleTime as string } : {}),
        ...(spec.suspend ? { suspended: true } : {}),
      };
    case "ResourceQuota":
      return { used: (s.used as Record<string, string> | undefined) ?? {} };
    default:
      return { ...base, ...(o.metadata.resourceVersion ? { resourceVersion: o.metadata.resourceVersion } : {}) };
  }
}

export class Recorder {
  readonly entries: TimelineEntry[] = [];
  /** The last state of every object seen, for dumps. */
  readonly last = new Map<string, KubeObject>();
  readonly errors: string[] = [];
  /** Where the feed missed events: a timeline with a hole cannot prove an order or a count. */
  readonly gaps: { t: number; message: string }[] = [];
  private readonly listeners = new Set<() => void>();
  private unsubscribe?: () => void;
  private seq = 0;
  readonly started = Date.now();

  private readonly feed: Feed;
  readonly namespace: string;
  /** Cluster-scoped objects belong to this test when their name ends with it. */
  private readonly suffix: string;
  constructor(feed: Feed, namespace: string, suffix: string) {
    this.feed = feed;
    this.namespace = namespace;
    this.suffix = suffix;
  }

  async start(): Promise<void> {
    await this.feed.ready;
    this.unsubscribe = this.feed.subscribe(this.namespace, {
      onEvent: (type, obj) => this.record(type, obj as Obj),
      onError: (message) => this.errors.push(message),
      onGap: (message) => this.gaps.push({ t: Date.now() - this.started, message }),
    });
  }

  private mine(o: Obj): boolean {
    if (o.metadata.namespace) return true; // the feed hands a recorder its own namespace only
    if (o.kind === "Node") return true;
    if (o.metadata.name?.endsWith(this.suffix)) return true;
    if (o.kind === "PersistentVolume") {
      return (o.spec as { claimRef?: { namespace?: string } } | undefined)?.claimRef?.namespace === this.namespace;
    }
    return false;
  }

  private record(type: TimelineEntry["type"], o: Obj): void {
    if (!this.mine(o)) return;
    const key = `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
    const facts = factsOf(o);
    const state = render(facts);
    const prev = this.last.get(key);
    this.last.set(key, o);
    // Heartbeats and re-lists (after a 410) of an unchanged object are no news; a re-list that
    // finds an object changed is recorded, since the changes in between are gone from history.
    if (type === "ADDED" || type === "DELETED" || !prev || render(factsOf(prev as Obj)) !== state) this.push(type, o, facts, state);
    // Listeners run after the entry is in, so a listener reading the timeline sees this event.
    for (const l of [...this.listeners]) l();
  }

  private push(type: TimelineEntry["type"], o: Obj, facts: Facts, state: string): void {
    const owner = o.metadata.ownerReferences?.find((r) => r.controller);
    this.entries.push({
      seq: this.seq++,
      t: Date.now() - this.started,
      type,
      kind: o.kind!,
      namespace: o.metadata.namespace,
      name: o.metadata.name!,
      uid: o.metadata.uid,
      facts,
      state,
      owner: owner ? { kind: owner.kind, name: owner.name } : undefined,
    });
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** Calls `fn` after every object the recorder takes in; returns the unsubscribe. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Resolves once the recorder has seen `obj` at its resourceVersion or later. A wait and the
   * recorder watch separately, so the recorder may be an event behind the wait that just returned;
   * a spec reading the timeline right after a wait syncs here first. resourceVersions are compared
   * as numbers (etcd revisions; the API calls them opaque, so this is this harness's assumption).
   */
  caughtUp(obj: KubeObject, timeoutMs = 10_000): Promise<void> {
    const key = `${obj.kind}/${obj.metadata.namespace ?? ""}/${obj.metadata.name}`;
    const want = Number(obj.metadata.resourceVersion);
    return this.until(
      () => Number(this.last.get(key)?.metadata.resourceVersion ?? -1) >= want || undefined,
      () => `${suiteBlind.recorder}${key} at resourceVersion ${want} within ${timeoutMs / 1000} s (last seen ${this.last.get(key)?.metadata.resourceVersion ?? "never"})`,
      timeoutMs,
    ).then(() => undefined);
  }

  /**
   * Resolves with `fn`'s first defined result, asked now and after every object the recorder
   * takes in; rejects after the timeout with `why()` and the recorder's last watch errors. For
   * a spec that reads what the recorder saw of objects it cannot name (a Job's pods, gone by now).
   */
  until<T>(fn: () => T | undefined, why: () => string, timeoutMs = 30_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      const check = () => {
        let r: T | undefined;
        try {
          r = fn();
        } catch (e) {
          done();
          reject(e as Error); // a timeline with a hole, say: no later event can mend it
          return;
        }
        if (r === undefined) return;
        done();
        resolve(r);
      };
      const timer = setTimeout(() => {
        done();
        const errors = this.errors.length ? `; its watch errors: ${this.errors.slice(-3).join("; ")}` : "";
        reject(new Error(`${why()}${errors}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /** The entries, for a spec to reason about; throws where the feed missed events. */
  trusted(): TimelineEntry[] {
    if (this.gaps.length) {
      throw new Error(`${suiteBlind.lostWatch}: the flight recorder's timeline has a hole, so it cannot show what happened: ${this.gaps.map((g) => `at ${(g.t / 1000).toFixed(1)} s ${g.message}`).join("; ")}`);
    }
    return this.entries;
  }

  /** The newest Warning events about the test's objects, newest last: what usually explains a wait that ran out. */
  warnings(n = 3): string[] {
    const when = (e: CoreEvent) => Date.parse(String(e.lastTimestamp ?? e.eventTime ?? "")) || 0;
    return ([...this.last.values()] as CoreEvent[])
      .filter((e) => e.kind === "Event" && e.type === "Warning")
      .sort((a, b) => when(a) - when(b))
      .slice(-n)
      .map((e) => `${e.involvedObject?.kind}/${e.involvedObject?.name} ${e.reason}: ${e.message}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ""}`);
  }

  /** Events of the namespace in time order (for diagnostics). */
  events(): string[] {
    return this.entries.filter((e) => e.kind === "Event" && e.type !== "DELETED").map((e) => `${(e.t / 1000).toFixed(2).padStart(7)} s  ${e.state}`);
  }

  text(): string {
    return this.entries
      .filter((e) => e.kind !== "Event")
      .map((e) => `${(e.t / 1000).toFixed(2).padStart(7)} s  ${e.type.padEnd(8)} ${e.kind}/${e.name}  ${e.state}`)
      .join("\n");
  }
}
