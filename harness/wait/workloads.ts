// Waits on Jobs, Pods and other workloads.
import type { V1Job, V1Pod, V1DaemonSet } from "@kubernetes/client-node";
import type { KubeObject } from "../api/client.ts";
import { controlledBy } from "../api/ownership.ts";
import { conditionOf, met, notYet, onList, onObject, type Ref } from "./conditions.ts";
import { clockFloors, deadlineReasons, timeoutFor } from "../timeouts.ts";

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

/** Pods in a namespace owned (controller reference) by the given object. */
function ownedPods(pods: Pod[], owner: Ref): Pod[] {
  return pods.filter((p) => controlledBy(p, owner));
}

/** At least n pods owned by the object exist (any phase). */
export function podsOwnedBy(owner: Ref, n: number) {
  return onList<Pod>({ apiVersion: "v1", kind: "Pod", namespace: owner.namespace }, `${n} pods owned by ${owner.kind} ${owner.name}`, "controller", (pods) => {
    const mine = ownedPods(pods, owner);
    return mine.length >= n ? met(mine) : notYet();
  });
}

/**
 * The garbage collector's part of deleting the pods (as seen owned by `owner` before it was
 * deleted): each is deleted, gone or on its way out (a deletion timestamp, its kubelet now
 * stopping it: `podsGone` waits for that part), not orphaned. Fails fast when one of them is still
 * there without its owner reference (the garbage collector orphaned it instead), which
 * `noPodsOwnedBy` alone would count as gone.
 */
export function ownedPodsDeleted(owner: Ref, pods: Pod[]) {
  const uids = new Set(pods.map((p) => p.metadata.uid));
  return onList<Pod>({ apiVersion: "v1", kind: "Pod", namespace: owner.namespace }, `the ${pods.length} pods of ${owner.kind} ${owner.name} to be deleted`, "garbageCollection", (all) => {
    const left = all.filter((p) => uids.has(p.metadata.uid) && !p.metadata.deletionTimestamp);
    const orphaned = left.filter((p) => ownedPods([p], owner).length === 0);
    if (orphaned.length) return notYet(`${orphaned.map((p) => p.metadata.name).join(", ")} lost ${owner.kind} ${owner.name} as owner but was not deleted (orphaned)`);
    return left.length === 0 ? met([]) : notYet();
  });
}

/**
 * Deleted pods are gone from the API: their kubelets stopped their containers and removed them.
 * Its own wait, on the pod termination row (stretched by the run's measured pod starts, as a pod
 * start is on a loaded node), because how long it takes is the nodes', not the garbage collector's.
 */
export function podsGone(pods: Pod[]) {
  const uids = new Set(pods.map((p) => p.metadata.uid));
  const namespaces = new Set(pods.map((p) => p.metadata.namespace));
  if (pods.length === 0 || namespaces.size !== 1) throw new Error(`podsGone: ${pods.length} pods in ${namespaces.size} namespaces; give it the pods of one namespace`);
  return onList<Pod>({ apiVersion: "v1", kind: "Pod", namespace: pods[0]!.metadata.namespace }, `the ${pods.length} deleted pods ${pods.map((p) => p.metadata.name).join(", ")} to be gone`, "podTermination", (all) =>
    all.some((p) => uids.has(p.metadata.uid)) ? notYet() : met([]),
  );
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

/**
 * DaemonSet status: desired = current = ready = n (and the controller has seen the latest spec).
 * Ready takes a pod start on each node: the podStart row.
 */
export function daemonSetReady(ds: Ref, n: number) {
  return onObject<DaemonSet>(ds, `to have ${n} pods desired, current and ready`, "podStart", (d) => {
    const s = d?.status;
    if (!s || (d.metadata?.generation ?? 0) > (s.observedGeneration ?? 0)) return notYet();
    return s.desiredNumberScheduled === n && s.currentNumberScheduled === n && s.numberReady === n && (s.updatedNumberScheduled ?? n) === n ? met(d) : notYet();
  });
}

/** The Job has condition Suspended=True (a suspended Job runs no pods). */
export function jobSuspended(job: Ref) {
  return onObject<Job>(job, "to be Suspended", "controller", (j) => (conditionOf(j, "Suspended")?.status === "True" ? met(j!) : notYet()));
}

/** At least n Jobs controlled by the owner (a CronJob) exist; returns them oldest first. */
export function jobsOwnedBy(owner: Ref, n: number, timeout: "controller" | "cronMinute" = "cronMinute") {
  return onList<Job>({ apiVersion: "batch/v1", kind: "Job", namespace: owner.namespace }, `${n} Jobs owned by ${owner.kind} ${owner.name}`, timeout, (jobs) => {
    const mine = jobs
      .filter((j) => controlledBy(j, owner))
      .sort((a, b) => String(a.metadata?.creationTimestamp).localeCompare(String(b.metadata?.creationTimestamp)) || String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
    return mine.length >= n ? met(mine) : notYet();
  });
}

/** A Job owned by the CronJob other than the ones named exists (the next tick's Job). */
export function anotherJobOwnedBy(owner: Ref, than: string[]) {
  return onList<Job, Job>({ apiVersion: "batch/v1", kind: "Job", namespace: owner.namespace }, `a Job owned by ${owner.kind} ${owner.name} other than ${than.join(", ")}`, "cronMinute", (jobs) => {
    const next = jobs.find((j) => !than.includes(j.metadata?.name ?? "") && controlledBy(j, owner));
    return next ? met(next) : notYet();
  });
}

/** A Running and Ready pod owned by the object is bound to the node (a pod start: the podStart row); returns it. */
export function readyPodOn(owner: Ref, node: string) {
  return onList<Pod, Pod>({ apiVersion: "v1", kind: "Pod", namespace: owner.namespace }, `a ready pod of ${owner.kind} ${owner.name} on node ${node}`, "podStart", (pods) => {
    const hit = ownedPods(pods, owner).find(
      (p) => p.spec?.nodeName === node && !p.metadata?.deletionTimestamp && p.status?.phase === "Running" && conditionOf(p, "Ready")?.status === "True",
    );
    return hit ? met(hit) : notYet();
  });
}

/**
 * No pod owned by the object is bound to the node. Pods of a deleted node are removed by the pod
 * garbage collector after its quarantine, hence the longer row when `timeout` says so.
 */
export function noPodOn(owner: Ref, node: string, timeout: "controller" | "podGarbageCollection" = "controller") {
  return onList<Pod>({ apiVersion: "v1", kind: "Pod", namespace: owner.namespace }, `no pod of ${owner.kind} ${owner.name} on node ${node}`, timeout, (pods) =>
    ownedPods(pods, owner).some((p) => p.spec?.nodeName === node) ? notYet() : met([]),
  );
}

/**
 * After their owner was deleted, each of the named pods is either gone or no longer has a
 * controller reference: which of the two the garbage collector chose is the answer.
 */
export function podsReleasedOrDeleted(namespace: string, names: string[]) {
  return onList<Pod, { kept: string[]; deleted: string[] }>(
    { apiVersion: "v1", kind: "Pod", namespace },
    `pods ${names.join(", ")} to be either deleted or released by their owner`,
    "garbageCollection",
    (pods) => {
      const byName = new Map(pods.map((p) => [p.metadata?.name, p]));
      const kept: string[] = [];
      const deleted: string[] = [];
      for (const n of names) {
        const p = byName.get(n);
        if (!p) deleted.push(n);
        else if (p.metadata?.ownerReferences?.some((o) => o.controller)) return notYet();
        else kept.push(n);
      }
      return met({ kept, deleted });
    },
  );
}

/**
 * Milliseconds from now until `slackMs` past the next minute boundary: the window of a negative
 * that must span a CronJob's next tick ("no Job appears at the next minute").
 */
/**
 * How soon after its scheduled minute a CronJob's Job must exist: the cronMinute row past its
 * clock (the controller's reaction), scaled like every row, and under a minute, so that a Job a
 * tick late never passes for the tick's own.
 */
export function cronReaction(): { ms: number; why: string } {
  const ms = Math.min(timeoutFor("cronMinute") - (clockFloors.cronMinute ?? 0), 59_000);
  return { ms, why: `timeout row "cronMinute" past its minute clock: ${deadlineReasons.cronMinute}` };
}

export function pastNextMinute(slackMs = 15_000): number {
  return 60_000 - (Date.now() % 60_000) + slackMs;
}

/** The scheduler gave up on the pod for now: PodScheduled=False, Unschedulable, its message matching. */
export function podUnschedulable(pod: Ref, message: RegExp) {
  return onObject<Pod>(pod, `to be Unschedulable (${message})`, "controller", (p) => {
    if (p?.spec?.nodeName) return notYet(`the pod was scheduled to ${p.spec.nodeName}`);
    const c = conditionOf(p, "PodScheduled");
    return c?.status === "False" && c.reason === "Unschedulable" && message.test(c.message ?? "") ? met(p!) : notYet();
  });
}

/**
 * The scheduler bound the pod to a node and it has not ended: the moment a kubelet owns it. Not
 * "Running": a busy kubelet may report a short container's start and end in one status update, so
 * Running is never seen (measured on kind here: status 9.9 s behind the container at the 90th
 * percentile, longer than an 8 s task).
 */
export function podOnNode(pod: Ref) {
  return onObject<Pod>(pod, "to be bound to a node", "controller", (p) => {
    const phase = p?.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") return notYet(`the pod ended ${phase}`);
    return p?.spec?.nodeName ? met(p) : notYet();
  });
}

/** The scheduler bound the pod to the node; fails fast if it went elsewhere. */
export function podScheduledOn(pod: Ref, node: string) {
  return onObject<Pod>(pod, `to be scheduled to node ${node}`, "controller", (p) => {
    const on = p?.spec?.nodeName;
    if (on && on !== node) return notYet(`it was scheduled to ${on}`);
    return on === node ? met(p!) : notYet();
  });
}

/**
 * The container was killed: terminated (now or in its last state) with exit code 137 (SIGKILL),
 * whatever reason the runtime gave; fails fast on any other exit. Why it was killed is for the
 * caller to establish (harness/ops/oom.ts for the memory limit).
 */
export function containerKilled(pod: Ref, container: string) {
  return onObject<Pod>(pod, `container ${container} to be killed (exit code 137)`, "podStart", (p) => {
    const s = p?.status?.containerStatuses?.find((c) => c.name === container);
    const t = s?.state?.terminated ?? s?.lastState?.terminated;
    if (!t) return notYet();
    return t.exitCode === 137 ? met(p!) : notYet(`it terminated with reason ${t.reason ?? "(none)"}, exit code ${t.exitCode}`);
  });
}
