// How long each named wait took, against the timeout of its row in the one table: where a run's
// time goes (which behaviours are slow on this cluster), and how close each row came to failing.
// A row whose slowest wait used most of its timeout is the next flake on a slower machine: the
// summary says so before the flake does.
import type { TimeoutKind } from "./timeouts.js";

export interface WaitTime {
  row: TimeoutKind;
  /** The condition's description, e.g. "Job kp-x/pi to be Complete". */
  what: string;
  test: string;
  ms: number;
  timeoutMs: number;
  /** false: the wait timed out or gave up on a terminal wrong state. */
  met: boolean;
}

export interface RowFigures {
  waits: number;
  failed: number;
  medianMs: number;
  maxMs: number;
  timeoutMs: number;
  /** maxMs / timeoutMs of the met waits. */
  maxShare: number;
  slowest: string;
}

/** A met wait past this share of its timeout is close enough to it to be named in the summary. */
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
    rows[row] = {
      waits: of.length,
      failed: of.length - met.length,
      medianMs: met.length ? met[Math.floor((met.length - 1) / 2)]!.ms : 0,
      maxMs: slowest?.ms ?? 0,
      timeoutMs,
      maxShare: slowest ? slowest.ms / slowest.timeoutMs : 0,
      slowest: slowest ? `${slowest.what} (${slowest.test})` : "",
    };
  }
  return rows;
}

/** Summary lines: one per row, the slowest wait named where it came close to its timeout. */
export function describeRows(rows: Record<string, RowFigures>): string[] {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return Object.entries(rows).map(([row, f]) => {
    const head = `    ${row.padEnd(22)} ${String(f.waits).padStart(4)} waits  median ${s(f.medianMs).padStart(7)}  slowest ${s(f.maxMs).padStart(7)} = ${String(Math.round(f.maxShare * 100)).padStart(3)}% of ${s(f.timeoutMs)}`;
    const failed = f.failed ? `  (${f.failed} not met)` : "";
    const tight = f.maxShare > tightShare ? `\n      close to its timeout: ${f.slowest}` : "";
    return head + failed + tight;
  });
}
