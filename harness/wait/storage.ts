// Waits on PersistentVolumes, claims and StorageClasses.
import { fieldManager, type Api } from "../api/client.ts";
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from "../api/kinds.ts";
import { met, notYet, onList, onObject, show, refTo, type Ref } from "./conditions.ts";
import type { Condition } from "./wait.ts";

type PVPhase = "Pending" | "Available" | "Bound" | "Released" | "Failed";

/** The PV reaches the phase; fails fast on Failed unless Failed is what is awaited. */
export function pvPhase(pv: Ref, phase: PVPhase) {
  return onObject<PersistentVolume>(pv, `to be ${phase}`, "volume", (v) => {
    const now = v?.status?.phase;
    if (now === phase) return met(v!);
    if (now === "Failed") return notYet(`the PV is Failed: ${v?.status?.message ?? "(no message)"}`);
    return notYet();
  });
}

/** The claim reaches the phase (Pending, Bound, Lost). */
export function pvcPhase(pvc: Ref, phase: "Pending" | "Bound" | "Lost") {
  return onObject<PersistentVolumeClaim>(pvc, `to be ${phase}`, "volume", (c) => {
    const now = c?.status?.phase;
    if (now === phase) return met(c!);
    if (now === "Lost") return notYet("the claim is Lost");
    return notYet();
  });
}

/** The claim is Bound to a volume; returns the claim (spec.volumeName names the PV). */
export function pvcBound(pvc: Ref) {
  return onObject<PersistentVolumeClaim>(pvc, "to be Bound to a volume", "volume", (c) => (c?.status?.phase === "Bound" && c.spec?.volumeName ? met(c) : notYet()));
}

/** The claim carries a storageClassName (set by admission, or later by the retroactive default). */
export function pvcClassAssigned(pvc: Ref, className: string) {
  return onObject<PersistentVolumeClaim>(pvc, `to get storageClassName ${className}`, "volume", (c) => (c?.spec?.storageClassName === className ? met(c) : notYet()));
}

/**
 * Admission has settled for a claim created now: it would give storageClassName className, or no
 * class at all (a cluster without the DefaultStorageClass plugin, where the PV controller assigns
 * the default afterwards). The plugin reads classes from the apiserver's own informer, which can
 * trail the suite's watch by a moment after a class is marked default, and meanwhile gives the
 * old default: sampled with a server-side dry run of the claim (nothing is created), within the api row.
 */
export function admissionSettled(claim: PersistentVolumeClaim, className: string): Condition<PersistentVolumeClaim> {
  const ref = refTo(claim);
  return {
    description: `${show(ref)} to be given storageClassName ${className} by the storageClassName admission, or no class (server-side dry run)`,
    timeout: "api",
    selection: { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace, fieldSelector: `metadata.name=${ref.name}` },
    poll: {
      everyMs: 250,
      why: "what admission would do is asked by dry run, it cannot be watched",
      sample: async (api: Api) => [await api.apply(claim, { fieldManager, dryRun: true })],
    },
    check(objs) {
      const c = objs[0] as PersistentVolumeClaim | undefined;
      return c && (c.spec?.storageClassName === className || !c.spec?.storageClassName) ? met(c) : notYet();
    },
  };
}

export const defaultClassAnnotation = "storageclass.kubernetes.io/is-default-class";

/** Whether a StorageClass is marked as the cluster's default. */
export function isDefaultClass(sc: StorageClass): boolean {
  return sc.metadata?.annotations?.[defaultClassAnnotation] === "true";
}

/** Exactly n StorageClasses are marked default; returns them. */
/** The StorageClasses marked default as the list shows them now, however many (none included): met at once. */
export function currentDefaultClasses() {
  return onList<StorageClass>({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass" }, `the StorageClasses marked ${defaultClassAnnotation}=true`, "api", (all) => met(all.filter(isDefaultClass)));
}

export function defaultStorageClasses(n: number) {
  return onList<StorageClass>({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass" }, `${n} StorageClass(es) marked ${defaultClassAnnotation}=true`, "api", (all) => {
    const defaults = all.filter(isDefaultClass);
    return defaults.length === n ? met(defaults) : notYet();
  });
}
