// The claims of the tutorial (docs/claims.md), one source for the ledger. Specs name the
// claims they check in their test options (`meta: { claims: [...] }`, typed against this table);
// the ledger joins this table with the results of a run.
import type { ProviderName } from "../cluster/types.ts";

export interface Claim {
  title: string;
  /** Where the tutorial is wrong or outdated: what it says, so a passing test reads "tutorial outdated". */
  tutorialDiffers?: string;
  /** Why a provider cannot check it (the ledger shows the reason instead of a verdict). */
  notCheckable?: Partial<Record<ProviderName, string>>;
  /** Where the tests check less than the claim's words: what they do check, shown with every verdict that held. */
  checked?: string;
}

const noRuntime = "needs a container runtime (files on the node, real processes); the local provider simulates the kubelet";

export const claims = {
  "JOB-1": { title: "A Job replaces a lost Pod until the task completes" },
  "JOB-2": { title: "completions: 5 without parallelism runs five Pods one after another, 5/5 at the end" },
  "JOB-3": { title: "A Job runs Pods concurrently with parallelism" },
  "JOB-4": { title: "Deleting a Job deletes all its Pods, finished ones included" },
  "CRON-1": {
    title: "A CronJob creates a Job per schedule tick, named <cronjob>-<scheduled time>",
    tutorialDiffers: "the tutorial's output names the Job by the scheduled time in Unix seconds (hello-1566286260); today's CronJob controller uses minutes since the epoch",
  },
  "CRON-2": { title: "Deleting a CronJob deletes its Jobs and Pods and stops creating new ones" },
  "DS-1": { title: "A DaemonSet runs one Pod per eligible node; desired = current = ready" },
  "DS-2": { title: "A node joining gets a DaemonSet Pod automatically" },
  "DS-3": { title: "Deleting a DaemonSet deletes its Pods" },
  // The tutorial describes both paths, the controller's (before 1.12) and the scheduler's (1.12
  // on): the one it calls current is the one Kubernetes takes, so a pass confirms it.
  "DS-4": { title: "The default scheduler binds DaemonSet Pods through a required node affinity on metadata.name" },
  "DS-5": { title: "DaemonSet Pods run on unschedulable nodes (toleration node.kubernetes.io/unschedulable)" },
  "DS-6": {
    title: "DaemonSet Pods and Pod priority",
    tutorialDiffers: "before 1.12 DaemonSet Pods ignored priority; today they are scheduled (and may preempt) like other Pods",
  },
  "QUOTA-1": {
    title: "Without a ResourceQuota a namespace does not limit what is created",
    checked: "12 Pods and 12 ConfigMaps are created in a namespace without a quota, past what the object-count quota test allows; no count can show \"without limit\"",
  },
  "QUOTA-2": { title: "A ResourceQuota limits compute, storage and object counts" },
  "QUOTA-3": { title: "The quota's status shows used against hard per resource" },
  "QUOTA-4": { title: "A Pod over quota is rejected at once with 403 Forbidden 'exceeded quota: ...'; nothing is created" },
  "QUOTA-5": {
    title: "A request is reserved by the scheduler; a container may use more than its request up to its limit",
  },
  "HPA-1": { title: "An HPA changes a Deployment's replicas from observed CPU utilisation" },
  "HPA-2": { title: "The HPA controller re-evaluates every 15 s by default" },
  "HPA-3": { title: "HPA scales on resource utilisation, raw per-Pod metrics, object metrics, several at once" },
  "HPA-4": { title: "An HPA needs a metrics API (metrics-server)" },
  "HPA-5": { title: "Under load above target, replicas grow, never beyond max" },
  "HPA-6": {
    title: "When the load stops, replicas fall back to min",
    checked: "with the fixtures' scale-down stabilisation window at 0 s; the default 300 s window would add five minutes to the run's floor, so the window itself is not checked",
  },
  "HPA-7": { title: "Scaling on memory (or a custom metric)" },
  "VOL-1": { title: "Volumes come as ephemeral (emptyDir), persistent, and projected data (ConfigMap, Secret)" },
  "VOL-2": { title: "An emptyDir is a directory on the node under /var/lib/kubelet/pods/<uid>/volumes/kubernetes.io~empty-dir/<name>", notCheckable: { local: noRuntime } },
  "VOL-3": { title: "Deleting the Pod deletes the emptyDir and its data", notCheckable: { local: noRuntime } },
  "VOL-4": { title: "emptyDir is declared in the Pod spec like ConfigMap and Secret volumes" },
  "PV-1": { title: "Storage lifecycle; a PVC in use (and a bound PV) is protected from removal" },
  "PV-2": { title: "A PV is Available, Bound, Released or Failed" },
  "PV-3": { title: "A new hostPath PV (10Gi, ReadWriteMany, Recycle) is Available" },
  "PV-4": { title: "A PVC binds to a PV satisfying size and access mode; both Bound; PV names <ns>/<claim>" },
  "PV-5": { title: "A Pod using the PVC writes into the PV's directory on the node", notCheckable: { local: noRuntime } },
  "PV-6": { title: "Deleting the Pod keeps binding and data; a new Pod sees the data", notCheckable: { local: noRuntime } },
  "PV-7": {
    title: "Recycle: after the PVC is deleted the PV is scrubbed and returns to Available by itself",
    tutorialDiffers: "the tutorial says a Recycle PV stays Released until an administrator cleans it (that is what Retain does)",
  },
  "PV-8": { title: "Reclaim policy Delete: deleting the PVC deletes the PV" },
  "PV-9": { title: "An administrator can delete a PV by hand; the data behind it stays" },
  "SC-1": { title: "A PVC naming a StorageClass gets a PV from that class's provisioner" },
  "SC-2": { title: "A dynamically provisioned PV has reclaim policy Delete; deleting the PVC deletes it" },
  "SC-3": {
    title: "One default StorageClass; a PVC without storageClassName gets it",
    tutorialDiffers: "the tutorial says a cluster has one default class; Kubernetes allows several (1.26 on) and gives a claim without a class the newest of them",
  },
  "SC-4": {
    title: "Without its provisioner running, a class provisions nothing",
    checked: "with a class naming a provisioner nobody runs (example.com/not-running): its claim stays Pending past the PV binder's period and the controller records ExternalProvisioning, naming the provisioner it waits for",
  },
  "EX-1": { title: "Exercise: scale on memory or custom metrics" },
  "EX-2": {
    title: "Exercise: NFS server, StorageClass and PV/PVC over NFS",
    notCheckable: { local: noRuntime, kind: "an NFS volume is mounted by the node's kernel, and this machine's kernel has no NFS client (no nfs in /proc/filesystems, no nfs modules), so a kind node cannot mount one; no NFS server image is built either" },
  },
} satisfies Record<string, Claim>;

export type ClaimId = keyof typeof claims;
