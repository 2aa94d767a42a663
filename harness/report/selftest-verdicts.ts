// The self-test's judge: a fault row is caught only differentially. On the broken cluster each
// claim the fault breaks reads contradicted, for the broken behaviour (the row's pattern on the
// verdict's detail), and every control holds; on its healthy twin (the same settings and timeout
// scale without the fault) every claim of the row holds. A red twin, a timeout, a harness error
// or an inconclusive verdict is a mismatch, never a catch.
import type { ClaimId } from "./claims.ts";
import type { LedgerRow, Verdict } from "./ledger.ts";

export interface FaultRow {
  id: string;
  breaks: ClaimId[];
  controls: ClaimId[];
  /** What the broken claims' verdicts must say: the broken behaviour, in the words of its failure. */
  catches: RegExp;
}

export interface CellJudgement {
  fault: string;
  claim: ClaimId;
  role: "breaks" | "control";
  healthy: Verdict | "no run";
  broken: Verdict | "no run";
  ok: boolean;
  /** Why not, for a mismatch; what was caught, for a catch. */
  why: string;
}

/** A claim holds on a healthy cluster when its tests passed; those that cannot run there (skipped with a reason) do not count against it. */
const holds = new Set<Verdict>(["confirmed", "tutorial outdated", "partly confirmed"]);

export function judgeFault(f: FaultRow, healthy: LedgerRow[] | undefined, broken: LedgerRow[] | undefined): CellJudgement[] {
  const verdictIn = (rows: LedgerRow[] | undefined, claim: ClaimId): Verdict | "no run" => (rows ? (rows.find((r) => r.claim === claim)?.verdict ?? "not covered yet") : "no run");
  const detailIn = (rows: LedgerRow[] | undefined, claim: ClaimId) => rows?.find((r) => r.claim === claim)?.detail ?? "";
  const cell = (claim: ClaimId, role: CellJudgement["role"]): CellJudgement => {
    const h = verdictIn(healthy, claim);
    const b = verdictIn(broken, claim);
    const base = { fault: f.id, claim, role, healthy: h, broken: b };
    if (h === "no run" || b === "no run") return { ...base, ok: false, why: `no ${h === "no run" ? "healthy" : "broken"} run reached results` };
    if (!holds.has(h)) return { ...base, ok: false, why: `the healthy twin did not hold it (${h}: ${detailIn(healthy, claim)})` };
    if (role === "control") {
      return holds.has(b) ? { ...base, ok: true, why: "held on the broken cluster too" } : { ...base, ok: false, why: `a control fell on the broken cluster (${b}: ${detailIn(broken, claim)})` };
    }
    if (b !== "contradicted") return { ...base, ok: false, why: `the broken cluster read ${b}, not contradicted (${detailIn(broken, claim)})` };
    const detail = detailIn(broken, claim);
    if (!f.catches.test(detail)) return { ...base, ok: false, why: `contradicted, but not for the broken behaviour (wanted ${f.catches}): ${detail}` };
    return { ...base, ok: true, why: detail };
  };
  return [...f.breaks.map((c) => cell(c, "breaks")), ...f.controls.map((c) => cell(c, "control"))];
}
