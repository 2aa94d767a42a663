// Waits on PersistentVolumes, claims and StorageClasses.
import type { PersistentVolume, PersistentVolumeClaim } from "../kinds.js";
import { met, notYet, onObject, type Ref } from "./conditions.js";

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
