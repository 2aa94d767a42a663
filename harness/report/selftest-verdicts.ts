// The self-test's judge: a fault row is caught only differentially. On the broken cluster each
// claim the fault breaks reads contradicted, and a test of that claim failed, with the cluster's
// evidence, on the claim's own step (ownSteps: its wait or assertion, matched against that test's
// own message); every control holds; on its healthy twin (the same settings and timeout scale
// without the fault) every claim of the row holds. A contradiction whose only evidence is an
// earlier step (a setup wait the fault also stops) is a precondition catch: shown apart, never
// counted. A red twin, a timeout, a harness error or an inconclusive verdict is a mismatch.
import type { ClaimId } from "./claims.ts";
import type { LedgerRow, Verdict } from "./ledger.ts";

export interface FaultRow {
  id: string;
  breaks: ClaimId[];
  controls: ClaimId[];
  /** What the failure on the claim's own step must also say for this fault (a measured value, say). */
  catches?: RegExp;
}

/**
 * Each claim's own step, in the words its tests' failures use: the wait descriptions and
 * assertion messages of the behaviour the claim states, not of what its tests set up first.
 */
export const ownSteps: Partial<Record<ClaimId, RegExp>> = {
  "JOB-1": /Job \S+ to be Complete|\d+ pods owned by Job|to have \d+ active pods/,
  "JOB-2": /Job \S+ to be Complete|\d+ pods owned by Job|to have \d+ active pods/,
  "JOB-3": /to have \d+ active pods|\d+ pods owned by Job|Job \S+ to be Complete/,
  "JOB-4": /to be deleted/,
  "CRON-1": /\d+ Jobs owned by CronJob|lastScheduleTime/,
  "CRON-2": /to be deleted|the (Jobs|pods) of CronJob|NOT to happen/,
  "DS-1": /to have \d+ pods desired, current and ready/,
  "DS-2": /a ready pod of DaemonSet \S+ on node|no pod of DaemonSet \S+ on node/,
  "DS-3": /to be deleted/,
  "DS-4": /affinity|matchFields/,
  "DS-5": /a ready pod of DaemonSet \S+ on node|no pod of DaemonSet \S+ on node/,
  "DS-6": /Preempted/,
  "QUOTA-1": /rejected by the apiserver/,
  "QUOTA-2": /to be refused with 403 Forbidden/,
  "QUOTA-3": /to show used/,
  "QUOTA-4": /to be refused with 403 Forbidden/,
  "QUOTA-5": /to be Unschedulable/,
  "HPA-1": /HorizontalPodAutoscaler \S+ to (have|report|want)|Deployment \S+ to be scaled/,
  "HPA-2": /between evaluations|to evaluate \d+ times|to write new metrics/,
  "HPA-3": /HorizontalPodAutoscaler \S+ to (have|report|want|write)|Deployment \S+ to be scaled/,
  "HPA-4": /HorizontalPodAutoscaler \S+ to (have|report) ScalingActive/,
  "HPA-5": /Deployment \S+ to be scaled|NOT to happen/,
  "HPA-6": /Deployment \S+ to be scaled to 1 replicas/,
  "HPA-7": /HorizontalPodAutoscaler \S+ to (have|report|want)|Deployment \S+ to be scaled/,
  "EX-1": /HorizontalPodAutoscaler \S+ to (have|report|want)|Deployment \S+ to be scaled/,
  "VOL-1": /rejected by the apiserver.*emptydir/i,
  "VOL-4": /rejected by the apiserver.*emptydir/i,
  "PV-1": /finalizers|to be Terminating|NOT to happen/,
  "PV-2": /PersistentVolume \S+ to be (Available|Bound|Released|Failed)|to be Bound to a volume/,
  "PV-3": /PersistentVolume \S+ to be Available/,
  "PV-4": /to be Bound to a volume|PersistentVolume \S+ to be Bound/,
  "PV-7": /to be Available with no claim/,
  "PV-8": /PersistentVolume \S+ to be deleted|\/tmp\/\.\+/,
  "SC-1": /PersistentVolumeClaim \S+ to be Bound to a volume/,
  "SC-2": /PersistentVolume \S+ to be deleted|persistentVolumeReclaimPolicy/,
  "SC-3": /to get storageClassName|or no class \(server-side dry run\)|the class the claim got/,
};

export interface CellJudgement {
  fault: string;
  claim: ClaimId;
  role: "breaks" | "control" | "suite bug";
  healthy: Verdict | "no run" | "n/a";
  broken: Verdict | "no run";
  ok: boolean;
  /** Contradicted only by a step before the claim's own (a setup wait the fault stops too): not counted as caught. */
  precondition?: boolean;
  /** Why not, for a mismatch; what was caught, for a catch. */
  why: string;
}

/** A claim holds on a healthy cluster when its tests passed; those that cannot run there (skipped with a reason) do not count against it. */
const holds = new Set<Verdict>(["confirmed", "tutorial outdated", "partly confirmed"]);

const firstLine = (s: string | undefined) => (s ?? "").split("\n").find((l) => l.trim() !== "")?.trim() ?? "";

export function judgeFault(f: FaultRow, healthy: LedgerRow[] | undefined, broken: LedgerRow[] | undefined): CellJudgement[] {
  const rowIn = (rows: LedgerRow[] | undefined, claim: ClaimId) => rows?.find((r) => r.claim === claim);
  const verdictIn = (rows: LedgerRow[] | undefined, claim: ClaimId): Verdict | "no run" => (rows ? (rowIn(rows, claim)?.verdict ?? "not covered yet") : "no run");
  const cell = (claim: ClaimId, role: CellJudgement["role"]): CellJudgement => {
    const h = verdictIn(healthy, claim);
    const b = verdictIn(broken, claim);
    const base = { fault: f.id, claim, role, healthy: h, broken: b };
    if (h === "no run" || b === "no run") return { ...base, ok: false, why: `no ${h === "no run" ? "healthy" : "broken"} run reached results` };
    if (!holds.has(h)) return { ...base, ok: false, why: `the healthy twin did not hold it (${h}: ${rowIn(healthy, claim)?.detail ?? ""})` };
    if (role === "control") {
      return holds.has(b) ? { ...base, ok: true, why: "held on the broken cluster too" } : { ...base, ok: false, why: `a control fell on the broken cluster (${b}: ${rowIn(broken, claim)?.detail ?? ""})` };
    }
    const detail = rowIn(broken, claim)?.detail ?? "";
    if (b !== "contradicted") return { ...base, ok: false, why: `the broken cluster read ${b}, not contradicted (${detail})` };
    const own = ownSteps[claim];
    if (!own) return { ...base, ok: false, why: `no own step is named for ${claim} (harness/report/selftest-verdicts.ts ownSteps)` };
    // Each failed test's own message, with the cluster's evidence: one of them on the claim's own step.
    const evidence = (rowIn(broken, claim)?.tests ?? []).filter((t) => t.blame?.on === "cluster");
    const onOwnStep = evidence.filter((t) => own.test(t.message ?? "") && (!f.catches || f.catches.test(t.message ?? "")));
    if (onOwnStep.length) return { ...base, ok: true, why: `${onOwnStep[0]!.name}: ${firstLine(onOwnStep[0]!.message)}` };
    if (evidence.some((t) => own.test(t.message ?? ""))) return { ...base, ok: false, why: `contradicted on its own step, but not as this fault must show (wanted ${f.catches}): ${detail}` };
    return { ...base, ok: true, precondition: true, why: `contradicted only before its own step (${own}): ${evidence.map((t) => `${t.name}: ${firstLine(t.message)}`).join(" | ")}` };
  };
  return [...f.breaks.map((c) => cell(c, "breaks")), ...f.controls.map((c) => cell(c, "control"))];
}

/**
 * A claim's test that failed on a bug of the suite's own (a TypeError after the cluster did its
 * part, test/suite-failure/): the claim must read inconclusive, saying the suite failed, never contradicted.
 */
export function judgeSuiteBug(claim: ClaimId, rows: LedgerRow[] | undefined): CellJudgement {
  const r = rows?.find((x) => x.claim === claim);
  const base = { fault: "suite-typeerror", claim, role: "suite bug" as const, healthy: "n/a" as const, broken: r?.verdict ?? ("no run" as const) };
  if (!r) return { ...base, ok: false, why: "no run reached results" };
  if (r.verdict !== "inconclusive" || !r.detail.startsWith("the suite failed:")) return { ...base, ok: false, why: `a bug of the suite's read ${r.verdict}: ${r.detail}` };
  return { ...base, ok: true, why: r.detail };
}
