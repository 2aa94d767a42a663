// Waits on Events: what a controller, the scheduler or the kubelet reported about an object.
import type { CoreEvent } from "../api/kinds.ts";
import type { TimeoutKind } from "../timeouts.ts";
import { met, notYet, onList } from "./conditions.ts";

/**
 * An Event with the reason about the object (the scheduler's Scheduled about a pod, the binder's
 * ExternalProvisioning about a claim, a ReplicaSet's FailedCreate ...), its message matching when
 * given; returns the Event. Events about cluster-scoped objects such as PVs live in "default".
 */
export function eventAbout(obj: { kind: string; name: string; namespace?: string }, reason: string, opts: { message?: RegExp; timeout?: TimeoutKind } = {}) {
  const { message, timeout = "controller" } = opts;
  return onList<CoreEvent, CoreEvent>(
    {
      apiVersion: "v1",
      kind: "Event",
      namespace: obj.namespace ?? "default",
      fieldSelector: `involvedObject.kind=${obj.kind},involvedObject.name=${obj.name},reason=${reason}`,
    },
    `an Event ${reason} about ${obj.kind} ${obj.namespace ? `${obj.namespace}/` : ""}${obj.name}${message ? ` with a message matching ${message}` : ""}`,
    timeout,
    (events) => {
      const hit = events.find((e) => !message || message.test(e.message ?? ""));
      return hit ? met(hit) : notYet();
    },
  );
}
