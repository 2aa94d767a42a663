// The self-test's faults (scripts/selftest.ts): per fault, the component flags, admission
// policies or scheduler profile that break claims, the claims it breaks and the controls it must
// leave whole, for the Kubernetes version the broken cluster runs (flags and APIs move between
// versions; test/integration/component-flags.itest.ts holds each against the binaries).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../../harness/cluster/paths.ts";
import type { FaultRow } from "../../harness/report/selftest-verdicts.ts";

export interface Fault extends FaultRow {
  what: string;
  args: string;
  /** The healthy twin's component flags: what the fault needs besides the fault itself (a feature gate), else none. */
  twinArgs?: string;
  /** Run only when named: a row that must read as a mismatch (a fault that breaks nothing), to prove the judge. */
  onDemand?: boolean;
  /** Admission policies created on the cluster before the tests (scripts/faults/), for faults no flag makes. */
  policies?: string[];
  /** A KubeSchedulerConfiguration for the cluster's scheduler (scripts/faults/), for what no scheduler flag makes. */
  schedulerConfig?: string;
}

const minorOf = (kubeVersion: string) => Number(kubeVersion.split(".")[1]);
const kcm = (c: string) => `kube-controller-manager=controllers=*,-${c}`;
const apiserverWithout = (plugin: string) => `kube-apiserver=disable-admission-plugins=${plugin}`;

/** The faults as the version takes them. */
export function faultsFor(kubeVersion: string): Fault[] {
  // MutatingAdmissionPolicy is GA and on from 1.36 (admissionregistration.k8s.io/v1); on 1.35 it is
  // beta and off: its gate on, and its policies in v1beta1, which the apiserver serves only when asked.
  const mutatingPolicyArgs = minorOf(kubeVersion) >= 36 ? "" : "kube-apiserver=feature-gates=MutatingAdmissionPolicy=true kube-apiserver=runtime-config=admissionregistration.k8s.io/v1beta1=true";
  return [
    { id: "gc-off", what: "garbage collector off", args: kcm("garbage-collector-controller"), breaks: ["JOB-4", "DS-3", "CRON-2"], controls: ["VOL-1"] },
    { id: "job-off", what: "job controller off", args: kcm("job-controller"), breaks: ["JOB-1", "JOB-2", "JOB-3"], controls: ["VOL-1"] },
    { id: "cronjob-off", what: "cronjob controller off", args: kcm("cronjob-controller"), breaks: ["CRON-1", "CRON-2"], controls: ["JOB-2"] },
    { id: "daemonset-off", what: "daemonset controller off", args: kcm("daemonset-controller"), breaks: ["DS-1", "DS-2", "DS-3", "DS-4", "DS-5", "DS-6"], controls: ["JOB-2"] },
    { id: "quota-admission-off", what: "ResourceQuota admission off", args: apiserverWithout("ResourceQuota"), breaks: ["QUOTA-2", "QUOTA-4"], controls: ["JOB-2"] },
    { id: "quota-controller-off", what: "resource quota controller off", args: kcm("resourcequota-controller"), breaks: ["QUOTA-3"], controls: ["JOB-2"] },
    // Admission is one of two ways a claim gets the default class: with it off the PV controller
    // assigns it (1.28 on), and the claim holds. With the PV controller off too, nothing does.
    { id: "default-sc-admission-off", what: "DefaultStorageClass admission off (the PV controller still assigns the default)", args: apiserverWithout("DefaultStorageClass"), breaks: [], controls: ["SC-3"] },
    {
      id: "default-class-unassigned",
      what: "DefaultStorageClass admission and the PV binder off: nothing assigns the default class",
      args: `${apiserverWithout("DefaultStorageClass")} ${kcm("persistentvolume-binder-controller")}`,
      breaks: ["SC-3"],
      controls: ["JOB-2"],
    },
    // The protection controllers add the finalizers too (to objects that lack them): both go.
    {
      id: "in-use-protection-off",
      what: "storage object in-use protection off (admission plugin and both controllers)",
      args: `${apiserverWithout("StorageObjectInUseProtection")} ${kcm("persistentvolumeclaim-protection-controller")},-persistentvolume-protection-controller`,
      breaks: ["PV-1"],
      controls: ["JOB-2"],
    },
    { id: "hpa-off", what: "HPA controller off", args: kcm("horizontal-pod-autoscaler-controller"), breaks: ["HPA-1", "HPA-2", "HPA-3", "HPA-4", "HPA-5", "HPA-6", "HPA-7", "EX-1"], controls: ["JOB-2"] },
    // A longer period, not a component off: HPA-2's measured sync period must notice it.
    { id: "hpa-sync-30s", what: "HPA sync period 30 s instead of 15 s", args: "kube-controller-manager=horizontal-pod-autoscaler-sync-period=30s", breaks: ["HPA-2"], controls: ["JOB-2"], catches: /measured 3\d\.\d s between evaluations/ },
    // The flag turns off the in-tree hostPath plugin's provisioner and its deleter alike.
    { id: "hostpath-provisioner-off", what: "hostPath provisioner off", args: "kube-controller-manager=enable-hostpath-provisioner=false", breaks: ["SC-1"], controls: ["JOB-2"] },
    // No flag stops the in-tree deleter: a mutating policy moves test PVs out of /tmp, where it refuses to delete.
    {
      id: "pv-path-moved",
      what: "a mutating admission policy moving test hostPath PVs out of /tmp, where the deleter refuses",
      args: mutatingPolicyArgs,
      policies: ["pv-path-moved.yaml"],
      ...(mutatingPolicyArgs ? { twinArgs: mutatingPolicyArgs } : {}),
      breaks: ["PV-8"],
      controls: ["PV-4"],
    },
    { id: "pv-binder-off", what: "PV binder off", args: kcm("persistentvolume-binder-controller"), breaks: ["PV-2", "PV-3", "PV-4"], controls: ["JOB-2"] },
    // The recycler is a pod from a template the controller manager reads: one that fails scrubs nothing.
    {
      id: "recycler-fails",
      what: "a hostPath recycler pod template whose container exits 1",
      args: `kube-controller-manager=pv-recycler-pod-template-filepath-hostpath=${path.join(repoRoot, "scripts", "faults", "recycler-fails.pod.yaml")}`,
      breaks: ["PV-7"],
      controls: ["PV-4"],
    },
    // No component keeps a namespace from holding objects without a quota: an admission policy does.
    { id: "configmaps-refused", what: "an admission policy refusing ConfigMaps in test namespaces", args: "", policies: ["configmaps-refused.yaml"], breaks: ["QUOTA-1"], controls: ["JOB-2"] },
    // No flag keeps the HPA controller from scaling in: a mutating policy disables scale-down on new HPAs.
    {
      id: "hpa-scale-down-disabled",
      what: "a mutating admission policy setting scaleDown.selectPolicy Disabled on new HPAs",
      args: mutatingPolicyArgs,
      policies: ["hpa-scale-down-disabled.yaml"],
      ...(mutatingPolicyArgs ? { twinArgs: mutatingPolicyArgs } : {}),
      breaks: ["HPA-6"],
      controls: ["HPA-4"],
    },
    // The scheduler has no flag to stop fitting requests to nodes: a profile without the plugin.
    { id: "no-resource-fit", what: "a scheduler profile without NodeResourcesFit", args: "", schedulerConfig: "no-resource-fit.scheduler.yaml", breaks: ["QUOTA-5"], controls: ["JOB-2"] },
    // Nor to stop preempting: a profile without the plugin that does it.
    { id: "no-preemption", what: "a scheduler profile without DefaultPreemption", args: "", schedulerConfig: "no-preemption.scheduler.yaml", breaks: ["DS-6"], controls: ["DS-1"] },
    // A cluster that does not offer a volume type refuses the pods that declare it.
    { id: "emptydir-refused", what: "an admission policy refusing pods with emptyDir volumes in test namespaces", args: "", policies: ["emptydir-refused.yaml"], breaks: ["VOL-1", "VOL-4"], controls: ["JOB-2"] },
    // Breaks nothing the selected tests need (the TTL controller annotates nodes only): must read as a mismatch.
    { id: "vacuous-ttl-off", what: "a fault that breaks nothing JOB-2 needs (the node TTL controller off)", args: kcm("ttl-controller"), breaks: ["JOB-2"], controls: [], onDemand: true },
  ];
}

/** A fault's policy file as this version takes it: the v1 MutatingAdmissionPolicy objects in v1beta1 before 1.36 (the same fields). */
export function policyFile(file: string, dir: string, kubeVersion: string): string {
  const source = path.join(repoRoot, "scripts", "faults", file);
  const text = readFileSync(source, "utf8");
  if (minorOf(kubeVersion) >= 36 || !/kind: MutatingAdmissionPolicy/.test(text)) return source;
  const copy = path.join(dir, `${kubeVersion}-${file}`);
  writeFileSync(copy, text.replace(/^apiVersion: admissionregistration\.k8s\.io\/v1$/gm, "apiVersion: admissionregistration.k8s.io/v1beta1"));
  return copy;
}
