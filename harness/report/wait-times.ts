// How long each named wait took, against the timeout of its row in the one table: where a run's
// time goes (which behaviours are slow on this cluster), and how close each row came to failing.
// A row whose slowest wait used most of its timeout is the next flake on a slower machine: the
// summary says so before the flake does. Rows that wait on a clock (the next minute, the pod GC's
// quarantine) are judged by the part of the timeout above the clock.
import { clockFloors, type TimeoutKind } from "../timeouts.ts";

export interface WaitTime {
  row: TimeoutKind;
  /** The condition's description, e.g. "Job kp-x/pi to be Complete". */
  what: string;
  test: string;
  ms: number;
  timeoutMs: number;
  /** false: the wait timed out or gave up on a terminal wrong state. */
  met: boolean;
  /** How much its row's timeout was stretched by the run's measured pod starts (1: not at all). */
  scale?: number;
}

export interface RowFigures {
  waits: number;
  failed: number;
  medianMs: number;
  maxMs: number;
  timeoutMs: number;
  /** maxMs / timeoutMs of the met waits. */
  maxShare: number;
  /** The most any met wait used of the part of its timeout above the row's clock (clockFloors). */
  slackShare: number;
  /** How long the row's clock alone may take (0: the row waits on reactions only). */
  clockMs: number;
  /** The met wait that used the most of its slack, and its test. */
  tightest: string;
  /** The most the row's timeouts were stretched by measured pod starts (1: not at all). */
  maxScale: number;
}

/** A met wait past this share of its slack is close enough to its timeout to be named. */
export const tightShare = 0.5;

const times: WaitTime[] = [];

export function recordWait(t: WaitTime): void {
  times.push(t);
}

/** The waits of this spec file (module state is per file: vitest isolates files). */
export function waitTimes(): readonly WaitTime[] {
  return times;
}

/** Per timeout row: how many waits, median and slowest met wait, its share of the timeout. */
export function byRow(all: readonly WaitTime[]): Record<string, RowFigures> {
  const rows: Record<string, RowFigures> = {};
  for (const row of [...new Set(all.map((t) => t.row))].sort()) {
    const of = all.filter((t) => t.row === row);
    const met = of.filter((t) => t.met).sort((a, b) => a.ms - b.ms);
    const slowest = met.at(-1);
    const timeoutMs = Math.max(...of.map((t) => t.timeoutMs));
    const clockMs = clockFloors[row as TimeoutKind] ?? 0;
    const slack = (t: WaitTime) => Math.max(0, t.ms - clockMs) / Math.max(1, t.timeoutMs - clockMs);
    const tightest = met.reduce<WaitTime | undefined>((a, t) => (!a || slack(t) > slack(a) ? t : a), undefined);
    rows[row] = {
      waits: of.length,
      failed: of.length - met.length,
      medianMs: met.length ? met[Math.floor((met.length - 1) / 2)]!.ms : 0,
      maxMs: slowest?.ms ?? 0,
      // The slowest wait's own timeout (a wait with a deadline of its own differs from its row's).
      timeoutMs: slowest?.timeoutMs ?? timeoutMs,
      maxShare: slowest ? slowest.ms / slowest.timeoutMs : 0,
      slackShare: tightest ? slack(tightest) : 0,
      clockMs,
      tightest: tightest ? `${tightest.what} (${tightest.test})` : "",
      maxScale: Math.max(1, ...of.map((t) => t.scale ?? 1)),
    };
  }
  return rows;
}

/** Summary lines: one per row, the tightest wait named where it used most of its slack. */
export function describeRows(rows: Record<string, RowFigures>): string[] {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return Object.entries(rows).map(([row, f]) => {
    const head = `    ${row.padEnd(22)} ${String(f.waits).padStart(4)} waits  median ${s(f.medianMs).padStart(7)}  slowest ${s(f.maxMs).padStart(7)} = ${String(Math.round(f.maxShare * 100)).padStart(3)}% of ${s(f.timeoutMs)}`;
    const clock = f.clockMs ? `  (its clock alone: up to ${s(f.clockMs)})` : "";
    const failed = f.failed ? `  (${f.failed} not met)` : "";
    const scaled = (f.maxScale ?? 1) > 1 ? `  (stretched up to ${f.maxScale.toFixed(2)} x by this run's measured pod starts)` : "";
    const tight = f.slackShare > tightShare ? `\n      close to its timeout: ${f.tightest}` : "";
    return head + clock + failed + scaled + tight;
  });
}
