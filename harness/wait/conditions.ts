// Building blocks for named conditions: one object by name, or a collection by selector.
import type { KubeObject } from "../api/client.ts";
import type { TimeoutKind } from "../timeouts.ts";
import type { Condition, Judgement } from "./wait.ts";

export interface Ref {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export function refTo(obj: KubeObject): Ref {
  if (!obj.apiVersion || !obj.kind || !obj.metadata.name) throw new Error("refTo: object without apiVersion, kind or name");
  return { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace };
}

export function show(ref: Ref): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

export const met = <R>(value: R): Judgement<R> => ({ met: true, value });
export const notYet = (failFast?: string): Judgement<never> => ({ met: false, failFast });

/** A condition over one named object (undefined while it does not exist). */
export function onObject<T extends KubeObject, R = T>(
  ref: Ref,
  description: string,
  timeout: TimeoutKind,
  judge: (obj: T | undefined) => Judgement<R>,
): Condition<R> {
  return {
    description: `${show(ref)} ${description}`,
    timeout,
    selection: { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace, fieldSelector: `metadata.name=${ref.name}` },
    check: (objs) => judge(objs[0] as T | undefined),
  };
}

/** A condition over a collection (kind in a namespace, narrowed by selectors). */
export function onList<T extends KubeObject, R = T[]>(
  sel: { apiVersion: string; kind: string; namespace?: string; labelSelector?: string; fieldSelector?: string },
  description: string,
  timeout: TimeoutKind,
  judge: (objs: T[]) => Judgement<R>,
): Condition<R> {
  return { description, timeout, selection: sel, check: (objs) => judge(objs as T[]) };
}

export function conditionOf(obj: KubeObject | undefined, type: string): { type: string; status: string; reason?: string; message?: string } | undefined {
  const conds = (obj?.status as { conditions?: { type: string; status: string; reason?: string; message?: string }[] } | undefined)?.conditions;
  return conds?.find((c) => c.type === type);
}
