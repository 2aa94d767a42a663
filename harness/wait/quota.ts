// Waits on ResourceQuotas and on how quota refusals surface when a controller (not a user) creates
// the pods: the ReplicaSet's ReplicaFailure condition and FailedCreate events.
import type { KubeObject } from "../api/client.js";
import type { ResourceQuota } from "../api/kinds.js";
import { conditionOf, met, notYet, onList, onObject, type Ref } from "./conditions.js";

const binarySuffixes: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimalSuffixes: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** The value of a resource quantity ("250m", "1Gi", "2", "1e3"), as a number of base units. */
export function quantity(q: string): number {
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(q.trim());
  if (!m) throw new Error(`not a resource quantity: "${q}"`);
  const suffix = m[2] ?? "";
  return Number(m[1]) * (binarySuffixes[suffix] ?? decimalSuffixes[suffix]!);
}

/** Same amount, whatever the notation ("1" and "1000m", "1Gi" and "1073741824"). */
export function sameQuantity(a: string | undefined, b: string): boolean {
  return a !== undefined && Math.abs(quantity(a) - quantity(b)) < 1e-9 * Math.max(1, Math.abs(quantity(b)));
}

function describeUsed(used: Record<string, string>): string {
  return Object.entries(used)
    .map(([r, v]) => `${r}=${v}`)
    .join(", ");
}

/**
 * The quota controller has computed status (status.hard mirrors spec.hard) and status.used shows
 * exactly these amounts for the resources named (others are not looked at).
 */
export function quotaUsed(quota: Ref, used: Record<string, string>) {
  return onObject<ResourceQuota>(quota, `to show used ${describeUsed(used)}`, "controller", (q) => {
    const hard = q?.status?.hard;
    if (!hard || Object.keys(q.spec?.hard ?? {}).some((r) => hard[r] === undefined)) return notYet();
    return Object.entries(used).every(([r, v]) => sameQuantity(q.status?.used?.[r], v)) ? met(q) : notYet();
  });
}

/** The trigger of a negative: status.used differs from these amounts for one of the resources. */
export function quotaUsedChangedFrom(quota: Ref, used: Record<string, string>) {
  return onObject<ResourceQuota>(quota, `to show used other than ${describeUsed(used)}`, "controller", (q) =>
    q && Object.entries(used).some(([r, v]) => !sameQuantity(q.status?.used?.[r], v)) ? met(q) : notYet(),
  );
}

/** A ReplicaSet owned by the Deployment reports ReplicaFailure=True (e.g. reason FailedCreate). */
export function replicaFailure(deployment: Ref, reason = "FailedCreate") {
  return onList<KubeObject, KubeObject>(
    { apiVersion: "apps/v1", kind: "ReplicaSet", namespace: deployment.namespace },
    `a ReplicaSet of Deployment ${deployment.name} to report ReplicaFailure=True (${reason})`,
    "controller",
    (sets) => {
      const rs = sets.find((s) => s.metadata.ownerReferences?.some((o) => o.kind === "Deployment" && o.name === deployment.name && o.controller));
      const c = conditionOf(rs, "ReplicaFailure");
      return rs && c?.status === "True" && c.reason === reason ? met(rs) : notYet();
    },
  );
}

export interface KubeEvent extends KubeObject {
  reason?: string;
  message?: string;
  type?: string;
  involvedObject: { kind?: string; name?: string; namespace?: string };
  count?: number;
}

/** An Event in the namespace with the reason, about an object of the kind, whose message matches. */
export function eventSeen(namespace: string, about: { kind: string; name?: string }, reason: string, message?: RegExp) {
  const what = `${about.kind}${about.name ? ` ${about.name}` : ""}`;
  return onList<KubeEvent, KubeEvent>(
    { apiVersion: "v1", kind: "Event", namespace },
    `an Event ${reason} about ${what}${message ? ` with a message matching ${message}` : ""}`,
    "controller",
    (events) => {
      const e = events.find(
        (ev) =>
          ev.reason === reason &&
          ev.involvedObject.kind === about.kind &&
          (!about.name || ev.involvedObject.name === about.name) &&
          (!message || message.test(ev.message ?? "")),
      );
      return e ? met(e) : notYet();
    },
  );
}
