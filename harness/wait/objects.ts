// Generic waits on any kind.
import type { KubeObject } from "../api/client.ts";
import type { TimeoutKind } from "../timeouts.ts";
import { met, notYet, onList, onObject, show, type Ref } from "./conditions.ts";

/** The object is gone from the API (finalizers done, garbage collected). */
export function deleted(ref: Ref, timeout: TimeoutKind = "garbageCollection") {
  return onObject(ref, "to be deleted", timeout, (o) => (o ? notYet() : met(undefined)));
}

/** The object exists (created by a controller, or by the test through another path). */
export function exists<T extends KubeObject = KubeObject>(ref: Ref, timeout: TimeoutKind = "controller") {
  return onObject<T>(ref, "to exist", timeout, (o) => (o ? met(o) : notYet()));
}

/** What matches the selection now, however much (nothing included): met at once, for a precondition read before a test's steps. */
export function listedNow<T extends KubeObject = KubeObject>(sel: { apiVersion: string; kind: string; namespace?: string; labelSelector?: string }) {
  const what = `${sel.kind}${sel.labelSelector ? ` (${sel.labelSelector})` : ""}${sel.namespace ? ` in ${sel.namespace}` : ""}`;
  return onList<T>(sel, `the ${what} there are now`, "api", (objs) => met(objs));
}

/** Exactly n objects of a kind match the selection (e.g. all dependents removed: n = 0). */
export function count<T extends KubeObject = KubeObject>(
  sel: { apiVersion: string; kind: string; namespace?: string; labelSelector?: string },
  n: number,
  timeout: TimeoutKind = "controller",
) {
  const what = `${sel.kind}${sel.labelSelector ? ` (${sel.labelSelector})` : ""}${sel.namespace ? ` in ${sel.namespace}` : ""}`;
  return onList<T>(sel, `${n} ${what}`, timeout, (objs) => (objs.length === n ? met(objs) : notYet()));
}

/** Nothing matches any more: `what` (e.g. "the Jobs of CronJob ns/hello") reads as the subject of "to be deleted". */
export function allDeleted<T extends KubeObject = KubeObject>(sel: { apiVersion: string; kind: string; namespace?: string; labelSelector?: string }, what: string, timeout: TimeoutKind = "garbageCollection") {
  return onList<T>(sel, `${what} to be deleted`, timeout, (objs) => (objs.length === 0 ? met(objs) : notYet()));
}

/** At least n objects match (used as the negative's trigger: "a Job appears"). */
export function atLeast<T extends KubeObject = KubeObject>(
  sel: { apiVersion: string; kind: string; namespace?: string; labelSelector?: string },
  n: number,
  timeout: TimeoutKind = "controller",
) {
  const what = `${sel.kind}${sel.labelSelector ? ` (${sel.labelSelector})` : ""}${sel.namespace ? ` in ${sel.namespace}` : ""}`;
  return onList<T>(sel, `at least ${n} ${what}`, timeout, (objs) => (objs.length >= n ? met(objs) : notYet()));
}

/** Any predicate over one object, with a description that reads in a failure message. */
export function matches<T extends KubeObject>(ref: Ref, description: string, pred: (o: T) => boolean, timeout: TimeoutKind = "controller") {
  return onObject<T>(ref, description, timeout, (o) => (o && pred(o) ? met(o) : notYet()));
}

export { show };

/** Fewer than n objects match: the trigger of a negative ("pods disappear"). */
export function fewerThan<T extends KubeObject = KubeObject>(
  sel: { apiVersion: string; kind: string; namespace?: string; labelSelector?: string },
  n: number,
  timeout: TimeoutKind = "controller",
) {
  return onList<T>(sel, `fewer than ${n} ${sel.kind}${sel.namespace ? ` in ${sel.namespace}` : ""}`, timeout, (objs) => (objs.length < n ? met(objs) : notYet()));
}

/** Exactly n objects match the selection and the predicate, described in words for the failure message. */
export function countWhere<T extends KubeObject = KubeObject>(
  sel: { apiVersion: string; kind: string; namespace?: string; labelSelector?: string },
  n: number,
  description: string,
  pred: (o: T) => boolean,
  timeout: TimeoutKind = "controller",
) {
  return onList<T>(sel, `${n} ${sel.kind} ${description}`, timeout, (objs) => {
    const hits = objs.filter(pred);
    return hits.length === n ? met(hits) : notYet();
  });
}
