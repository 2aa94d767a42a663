// Waits on ResourceQuotas and on how quota refusals surface when a controller (not a user) creates
// the pods: the ReplicaSet's ReplicaFailure condition and FailedCreate events.
import type { KubeObject } from "../api/client.ts";
import type { ResourceQuota } from "../api/kinds.ts";
import { controlledBy } from "../api/ownership.ts";
import { sameQuantity } from "../api/quantity.ts";
import { conditionOf, met, notYet, onList, onObject, type Ref } from "./conditions.ts";

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
      const rs = sets.find((s) => controlledBy(s, deployment));
      const c = conditionOf(rs, "ReplicaFailure");
      return rs && c?.status === "True" && c.reason === reason ? met(rs) : notYet();
    },
  );
}
