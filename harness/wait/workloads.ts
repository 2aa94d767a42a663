// Waits on Jobs, Pods and other workloads.
import type { V1Job, V1Pod, V1DaemonSet } from "@kubernetes/client-node";
import type { KubeObject } from "../api.js";
import { conditionOf, met, notYet, onList, onObject, type Ref } from "./conditions.js";

type Job = V1Job & KubeObject;
type Pod = V1Pod & KubeObject;
type DaemonSet = V1DaemonSet & KubeObject;

/** The Job has condition Complete=True; fails fast if it reports Failed. */
export function jobComplete(job: Ref) {
  return onObject<Job>(job, "to be Complete", "jobCompletion", (j) => {
    if (conditionOf(j, "Complete")?.status === "True") return met(j!);
    const failed = conditionOf(j, "Failed");
    if (failed?.status === "True") return notYet(`the Job failed instead (${failed.reason}: ${failed.message})`);
    return notYet();
  });
}

/** The Job has condition Failed=True with the given reason; fails fast if it completes. */
export function jobFailed(job: Ref, reason: string) {
  return onObject<Job>(job, `to fail with reason ${reason}`, "jobCompletion", (j) => {
    const failed = conditionOf(j, "Failed");
    if (failed?.status === "True") {
      return failed.reason === reason ? met(j!) : notYet(`it failed with reason ${failed.reason} instead of ${reason}`);
    }
    if (conditionOf(j, "Complete")?.status === "True") return notYet("the Job completed instead");
    return notYet();
  });
}

/** The Job's status.active equals n. */
export function jobActive(job: Ref, n: number) {
  return onObject<Job>(job, `to have ${n} active pods`, "controller", (j) => ((j?.status?.active ?? 0) === n ? met(j!) : notYet()));
}

/** status.succeeded of the Job reaches n. */
export function jobSucceeded(job: Ref, n: number) {
  return onObject<Job>(job, `to have ${n} succeeded pods`, "jobCompletion", (j) => ((j?.status?.succeeded ?? 0) >= n ? met(j!) : notYet()));
}

/** Pods in a namespace owned (controller reference) by the given object. */
function ownedPods(pods: Pod[], owner: Ref): Pod[] {
  return pods.filter((p) => p.metadata?.ownerReferences?.some((o) => o.kind === owner.kind && o.name === owner.name && o.controller));
}

/** At least n pods owned by the object exist (any phase). */
export function podsOwnedBy(owner: Ref, n: number) {
  return onList<Pod>({ apiVersion: "v1", kind: "Pod", namespace: owner.namespace }, `${n} pods owned by ${owner.kind} ${owner.name}`, "controller", (pods) => {
    const mine = ownedPods(pods, owner);
    return mine.length >= n ? met(mine) : notYet();
  });
}

/** No pod owned by the object is left. */
export function noPodsOwnedBy(owner: Ref) {
  return onList<Pod>({ apiVersion: "v1", kind: "Pod", namespace: owner.namespace }, `no pods owned by ${owner.kind} ${owner.name}`, "garbageCollection", (pods) =>
    ownedPods(pods, owner).length === 0 ? met([]) : notYet(),
  );
}

/** The pod reaches the phase; fails fast on the other terminal phase. */
export function podPhase(pod: Ref, phase: "Pending" | "Running" | "Succeeded" | "Failed") {
  return onObject<Pod>(pod, `to be ${phase}`, "podStart", (p) => {
    const now = p?.status?.phase;
    if (now === phase) return met(p!);
    if ((now === "Succeeded" || now === "Failed") && now !== phase) return notYet(`the pod ended ${now}`);
    return notYet();
  });
}

/** The pod is Running and Ready. */
export function podReady(pod: Ref) {
  return onObject<Pod>(pod, "to be Ready", "podStart", (p) => {
    if (p?.status?.phase === "Running" && conditionOf(p, "Ready")?.status === "True") return met(p);
    if (p?.status?.phase === "Succeeded" || p?.status?.phase === "Failed") return notYet(`the pod ended ${p.status.phase}`);
    return notYet();
  });
}

/** DaemonSet status: desired = current = ready = n (and the controller has seen the latest spec). */
export function daemonSetReady(ds: Ref, n: number) {
  return onObject<DaemonSet>(ds, `to have ${n} pods desired, current and ready`, "controller", (d) => {
    const s = d?.status;
    if (!s || (d.metadata?.generation ?? 0) > (s.observedGeneration ?? 0)) return notYet();
    return s.desiredNumberScheduled === n && s.currentNumberScheduled === n && s.numberReady === n && (s.updatedNumberScheduled ?? n) === n ? met(d) : notYet();
  });
}
