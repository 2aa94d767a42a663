// Named waits: a Condition says what it waits for, over which objects, under which timeout row,
// and how to judge the objects seen so far. waitFor drives it from watch events only (no polling),
// so a wait costs one list and one watch request however long it lasts. The one exception is a
// resource the apiserver cannot watch (metrics.k8s.io is served by metrics-server through the
// aggregator, list and get only): such a condition carries `poll`, says why, and is sampled.
import { ApiError, type Api, type KubeObject } from "../api/client.ts";
import { suiteBlind, clusterFailed, type Blame } from "../failures.ts";
import { deadlineReasons, timeoutFor, type TimeoutKind } from "../timeouts.ts";
import { blindSpots, sight, type Evidence } from "./observability.ts";
import { observe, type Selection } from "./watch.ts";

/**
 * failFast: a wrong state the cluster does not leave, the cluster's at once. measuredOtherwise: a
 * measurement over the watch (intervals between evaluations) that cannot come out as the claim
 * says any more; the cluster's only once the suite shows it could see throughout, like a deadline.
 */
export type Judgement<R> = { met: true; value: R } | { met: false; failFast?: string; measuredOtherwise?: string };

export interface Condition<R = KubeObject[]> {
  /** Reads as the end of "waiting for ...", e.g. "Job ns/pi to be Complete". */
  description: string;
  selection: Selection;
  timeout: TimeoutKind;
  check(objects: KubeObject[]): Judgement<R>;
  /** Only for resources that cannot be watched: how to sample them, how often, and why. */
  poll?: { everyMs: number; why: string; sample(api: Api): Promise<KubeObject[]> };
  /**
   * Set where what is awaited is the suite's to bring (the metrics API it installs, cluster DNS a
   * test needs): running out is then the suite's blindness, never the cluster failing a claim.
   */
  suiteNeeds?: string;
  /**
   * A deadline of the condition's own, in place of its row's timeout and reason: for a wait whose
   * length is a count of a controller's periods (n evaluations of an HPA take n sync periods), so
   * that no KUBEPROOF_TIMEOUT_SCALE shortens it below the clock it measures.
   */
  deadline?: { ms: number; why: string };
  /** What the wait has measured so far, for the message when it runs out (the intervals seen, say). */
  progress?: () => string;
}

/** The time a wait on the condition has: its own deadline, else its row's timeout. */
export function timeoutOf(cond: Pick<Condition<unknown>, "timeout" | "deadline">): number {
  return cond.deadline?.ms ?? timeoutFor(cond.timeout);
}

export class WaitError extends Error {
  readonly lastObserved: KubeObject[];
  /** timeout: the suite could not tell; deadline: the cluster did not act in time while the suite watched. */
  readonly category: "timeout" | "deadline" | "terminal-state" | "unexpected-change" | "measured" | "lost-watch";
  /** Who failed, as data for the report (harness/failures.ts). */
  readonly blame: Blame;
  constructor(message: string, lastObserved: KubeObject[], category: WaitError["category"]) {
    super(message);
    this.name = "WaitError";
    this.lastObserved = lastObserved;
    this.category = category;
    this.blame = category === "timeout" || category === "lost-watch" ? { on: "suite", failure: "blind" } : { on: "cluster", evidence: category };
  }
}

/** Strips what makes dumps unreadable and says nothing about behaviour. */
export function tidy(obj: KubeObject): KubeObject {
  const { managedFields: _m, ...metadata } = obj.metadata as KubeObject["metadata"] & { managedFields?: unknown };
  return { ...obj, metadata };
}

/**
 * What a failure message says of the objects it last saw: one line each, name and status (the
 * whole objects are in the error's lastObserved and in the report's objects.yaml), so the message
 * stays the cause and the evidence follows it.
 */
export function dump(objects: KubeObject[], max = 3): string {
  if (objects.length === 0) return "  (nothing matched the selection)";
  const line = (o: KubeObject) => {
    // Its status; an object without one (a ConfigMap) by what it holds.
    const { apiVersion: _v, kind: _k, metadata: _m, status, ...held } = o as KubeObject & { status?: object };
    const said = status && Object.keys(status).length ? `status ${JSON.stringify(status)}` : Object.keys(held).length ? JSON.stringify(held) : "(nothing but metadata)";
    // Why an object that should be gone is still there.
    const going = o.metadata.deletionTimestamp ? ` (deletion requested ${o.metadata.deletionTimestamp}${o.metadata.finalizers?.length ? `, finalizers ${o.metadata.finalizers.join(", ")}` : ""})` : "";
    return `  ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}${going}: ${said.length > 600 ? `${said.slice(0, 600)}...` : said}`;
  };
  const more = objects.length > max ? `\n  ... and ${objects.length - max} more` : "";
  return objects.slice(-max).map(line).join("\n") + more;
}

function describeSelection(s: Selection): string {
  const parts = [`${s.kind}${s.namespace ? ` in ${s.namespace}` : ""}`];
  if (s.fieldSelector) parts.push(s.fieldSelector);
  if (s.labelSelector) parts.push(s.labelSelector);
  return parts.join(", ");
}

interface Tracked {
  objects: () => KubeObject[];
  stop: () => void;
  ready: Promise<void>;
}

function track(api: Api, sel: Selection, onChange: (objs: KubeObject[]) => void, onError: (e: unknown) => void, onGap?: (why: string) => void): Tracked {
  const state = new Map<string, KubeObject>();
  const objects = () => [...state.values()];
  let syncing = new Set<string>();
  const obs = observe(api, sel, {
    onEvent(type, obj) {
      const key = `${obj.metadata.namespace ?? ""}/${obj.metadata.name}`;
      if (type === "SYNC") syncing.add(key);
      if (type === "DELETED") state.delete(key);
      else state.set(key, obj);
      onChange(objects());
    },
    onListed() {
      // Objects missing from a list are gone: after a 410 re-list, those deleted in the gap.
      for (const k of state.keys()) if (!syncing.has(k)) state.delete(k);
      syncing = new Set();
      onChange(objects());
    },
    onError,
    onGap,
  });
  void obs.ready.catch(onError);
  return { objects, stop: obs.stop, ready: obs.ready };
}

export interface WaitOptions {
  timeoutMs?: number;
  /**
   * Asked when the wait runs out: what the suite could see of the cluster since `since` (ms
   * epoch). Without it a wait that ran out cannot tell who failed and reads as the suite's.
   */
  evidence?: (since: number) => Promise<Omit<Evidence, "suiteNeeds" | "notServed">>;
  /** Ends the wait at once with the signal's reason (a pod that cannot get its image, say). */
  signal?: AbortSignal;
}

/** How a watch ends: with a value, or with an error. */
type Outcome<T> = { value: T } | { error: Error };

/**
 * The one watch-and-judge loop under both waitFor and never: lists and watches the selection,
 * judges what it holds after the list and after every event, and settles at the first outcome,
 * at the end of the window, on a gap in the watch (when `gap` says what a gap means), or on the
 * abort signal.
 */
function watchUntil<T>(
  api: Api,
  sel: Selection,
  windowMs: number,
  signal: AbortSignal | undefined,
  on: {
    /** An outcome, or one to be had by asking the cluster more (is it observable?); the wait settles on it. */
    judge(objs: KubeObject[]): Outcome<T> | Promise<Outcome<T>> | undefined;
    expire(objs: KubeObject[]): Outcome<T> | Promise<Outcome<T>>;
    /** Ends the wait on a gap in its watch; without it a gap is only noted (`gaps`). */
    gap?(why: string, objs: KubeObject[]): Error;
    gaps?: string[];
  },
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let listed = false;
    const finish = (o: Outcome<T>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      t.stop();
      if ("error" in o) reject(o.error);
      else resolve(o.value);
    };
    const onAbort = () => finish({ error: signal!.reason as Error });
    let judging = false;
    const judge = (objs: KubeObject[]) => {
      if (!listed || judging) return;
      let o: Outcome<T> | Promise<Outcome<T>> | undefined;
      try {
        o = on.judge(objs);
      } catch (e) {
        o = { error: e as Error };
      }
      if (o instanceof Promise) {
        judging = true;
        clearTimeout(timer);
        void o.then(finish, (e: unknown) => finish({ error: e as Error }));
      } else if (o) finish(o);
    };
    const t = track(
      api,
      sel,
      judge,
      (e) => {
        if (!listed) finish({ error: e as Error });
      },
      (why) => {
        on.gaps?.push(why);
        if (on.gap) finish({ error: on.gap(why, t.objects()) });
      },
    );
    void t.ready.then(() => {
      listed = true;
      judge(t.objects());
    }, () => undefined);
    // The expiry may ask the cluster questions (is it observable?); an event meanwhile may still meet the wait.
    const timer = setTimeout(() => void Promise.resolve(on.expire(t.objects())).then(finish, (e: unknown) => finish({ error: e as Error })), windowMs);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort);
  });
}

/** Waits until the condition is met; fails fast on a terminal wrong state; times out per the table. */
export function waitFor<R>(api: Api, cond: Condition<R>, opts: WaitOptions = {}): Promise<R> {
  const timeoutMs = opts.timeoutMs ?? timeoutOf(cond);
  if (cond.poll) return pollFor(api, cond, cond.poll, timeoutMs, opts.signal, opts.evidence);
  const started = Date.now();
  const gaps: string[] = [];
  const seen = (objs: KubeObject[]) => `Last observed (${describeSelection(cond.selection)}):\n${dump(objs)}`;
  return watchUntil<R>(api, cond.selection, timeoutMs, opts.signal, {
    judge(objs) {
      const v = cond.check(objs);
      if (v.met) return { value: v.value };
      if (v.failFast) return { error: new WaitError(`${clusterFailed.gaveUp}${cond.description} after ${secs(Date.now() - started)}: ${v.failFast}.\n${seen(objs)}`, objs, "terminal-state") };
      if (v.measuredOtherwise) return measuredOtherwise(cond, opts, started, gaps, v.measuredOtherwise, seen(objs), objs).then((error) => ({ error }));
      return undefined;
    },
    expire: async (objs) => ({ error: await ranOut(cond, opts, started, timeoutMs, gaps, seen(objs), objs, "") }),
    // A positive wait judges the state a re-list after a gap rebuilds, so a gap does not end it;
    // but had it run out, events in the gap were unseen, and the suite could not tell.
    gaps,
  });
}

/**
 * The negative: the condition must stay unmet for the whole window ("no Job appears", "the PVC
 * stays Pending"). Fails at the first moment it is met, showing what met it.
 */
export function never<R>(api: Api, cond: Condition<R>, windowMs: number = timeoutFor("quietPeriod"), signal?: AbortSignal): Promise<void> {
  // A sampled resource can change and change back between samples: "never" cannot be proven.
  if (cond.poll) return Promise.reject(new Error(`never(${cond.description}): a sampled condition cannot prove that something never happened`));
  const started = Date.now();
  const seen = (objs: KubeObject[]) => `(${describeSelection(cond.selection)}):\n${dump(objs)}`;
  return watchUntil<void>(api, cond.selection, windowMs, signal, {
    judge: (objs) =>
      cond.check(objs).met ? { error: new WaitError(`Expected ${cond.description} NOT to happen within ${secs(windowMs)}, but it did.\nObserved ${seen(objs)}`, objs, "unexpected-change") } : undefined,
    expire: () => ({ value: undefined }),
    // A gap in the watch may hide the very thing that must not happen: the window proves nothing.
    gap: (why, objs) =>
      new WaitError(
        `${suiteBlind.lostWatch} while making sure ${cond.description} does not happen (${secs(Date.now() - started)} of ${secs(windowMs)}): ${why}; events in the gap are unknown, so the window proves nothing.\nLast observed ${seen(objs)}`,
        objs,
        "lost-watch",
      ),
  });
}

/** waitFor for unwatchable resources: samples every `everyMs`; same verdicts, messages and table. */
async function pollFor<R>(api: Api, cond: Condition<R>, poll: NonNullable<Condition["poll"]>, timeoutMs: number, signal?: AbortSignal, evidence?: WaitOptions["evidence"]): Promise<R> {
  const started = Date.now();
  let last: KubeObject[] = [];
  let samples = 0;
  // An aggregated API answering 5xx (metrics-server unreachable through the aggregator for a
  // moment, as under load) did not serve the sample: not yet, and if it lasts to the end, what the
  // suite could not see, never the cluster's failure.
  const unserved: { n: number; last?: string; at?: number } = { n: 0 };
  for (;;) {
    signal?.throwIfAborted();
    try {
      last = await poll.sample(api);
      unserved.last = undefined;
    } catch (e) {
      if (!(e instanceof ApiError && e.code >= 500)) throw e;
      unserved.n++;
      unserved.last = e.message.split("\n")[0];
      unserved.at = Date.now() - started;
    }
    samples++;
    const v = cond.check(last);
    if (v.met) return v.value;
    const elapsed = Date.now() - started;
    if (v.failFast) {
      throw new WaitError(`${clusterFailed.gaveUp}${cond.description} after ${secs(elapsed)}: ${v.failFast}.\nLast sample (${describeSelection(cond.selection)}):\n${dump(last)}`, last, "terminal-state");
    }
    if (elapsed + poll.everyMs > timeoutMs) {
      const how = `; sampled ${samples} times every ${secs(poll.everyMs)}: ${poll.why}`;
      const notServed = unserved.last && `the API did not serve ${unserved.n} of ${samples} samples, the last at ${secs(unserved.at!)} (${unserved.last})`;
      throw await ranOut(cond, { evidence }, started, timeoutMs, [], `Last sample (${describeSelection(cond.selection)}):\n${dump(last)}`, last, how, notServed || undefined);
    }
    await new Promise((r) => setTimeout(r, poll.everyMs));
  }
}

/**
 * A wait that ran out, judged: the deadline passed while the suite could observe (the cluster's
 * failure, "Deadline passed:"), or the suite could not see it through ("Timed out after", saying why).
 */
async function ranOut(cond: Condition<unknown>, opts: WaitOptions, started: number, timeoutMs: number, gaps: string[], seen: string, objs: KubeObject[], how: string, notServed?: string): Promise<WaitError> {
  const row = cond.deadline ? `its own deadline${how}` : `timeout row "${cond.timeout}"${how}`;
  const sofar = cond.progress ? `; so far: ${cond.progress()}` : "";
  const { evidence, blind } = await whatTheSuiteSaw(cond, opts, started, gaps, notServed);
  if (evidence && blind.length === 0) {
    const reason = cond.deadline?.why ?? deadlineReasons[cond.timeout];
    return new WaitError(`${clusterFailed.deadline} waited ${secs(timeoutMs)} for ${cond.description}; it had not happened${sofar} (${row}: ${reason}), and the suite could see the cluster throughout (${sight(evidence)}).\n${seen}`, objs, "deadline");
  }
  return new WaitError(`${suiteBlind.timedOut}${secs(timeoutMs)} waiting for ${cond.description} (${row}), and the suite could not tell whether the cluster acted: ${blind.join("; ")}${sofar}.\n${seen}`, objs, "timeout");
}

/** What the suite could see of the cluster since the wait started, and where it was blind (none: it saw throughout). */
async function whatTheSuiteSaw(cond: Condition<unknown>, opts: WaitOptions, started: number, gaps: string[], notServed?: string): Promise<{ evidence?: Evidence; blind: string[] }> {
  let evidence: Evidence | undefined;
  try {
    evidence = opts.evidence && { ...(await opts.evidence(started)), suiteNeeds: cond.suiteNeeds, notServed };
    if (evidence) evidence.gaps = [...gaps, ...evidence.gaps];
  } catch (e) {
    evidence = undefined;
    gaps.push(`the check of what the suite could see failed: ${(e as Error).message}`);
  }
  return { evidence, blind: evidence ? blindSpots(evidence) : [gaps.length ? gaps.join("; ") : "nothing checked what the suite could see of the cluster", ...(notServed ? [notServed] : [])] };
}

/**
 * A measurement that cannot come out as the claim says, judged like a deadline: the cluster's
 * ("Measured otherwise:") only when the suite could see throughout (its watch whole, the API
 * answering, nodes Ready, nothing of its own missing), else the suite's, saying what it could not see.
 */
async function measuredOtherwise(cond: Condition<unknown>, opts: WaitOptions, started: number, gaps: string[], what: string, seen: string, objs: KubeObject[]): Promise<WaitError> {
  const { evidence, blind } = await whatTheSuiteSaw(cond, opts, started, gaps);
  if (evidence && blind.length === 0) return new WaitError(`${clusterFailed.measured} ${what}, while waiting for ${cond.description} after ${secs(Date.now() - started)}, and the suite could see the cluster throughout (${sight(evidence)}).\n${seen}`, objs, "measured");
  return new WaitError(`${suiteBlind.timedOut}${secs(Date.now() - started)} waiting for ${cond.description}: ${what}, but the suite could not tell whether the cluster did so: ${blind.join("; ")}.\n${seen}`, objs, "timeout");
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
