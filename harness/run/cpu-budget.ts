// Pacing the suite's own load: tests that make containers spin CPU (the HPA's load, the CPU
// burner, php-apache and its load generator) take their CPU from one budget shared by every
// worker of the run, so that together they never take more than the machine can give beside the
// kubelets they are judging. Where pods only simulate usage (kwok) nothing burns and nothing waits.
// The budget is a small ledger file per run, changed under a lock directory (mkdir is atomic
// across processes); a test that must wait tries again every half second and says how long it waited.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";

/** The share of the machine's cores the suite's load may take: the rest is the nodes' (kubelets, runtime, control plane). */
export const loadShare = 0.75;

/** The run's budget in millicores: loadShare of this machine's cores (kind's nodes share them). */
export function cpuBudget(cores = availableParallelism()): number {
  return Math.round(cores * 1000 * loadShare);
}

interface Held {
  pid: number;
  test: string;
  millicores: number;
}

const dirOf = (runId: string) => path.join(tmpdir(), `kubeproof-cpu-${runId}`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs `fn` on the run's ledger under its lock; returns what fn returns. */
async function locked<T>(runId: string, fn: (held: Held[]) => { held: Held[]; result: T }): Promise<T> {
  const dir = dirOf(runId);
  mkdirSync(dir, { recursive: true });
  const lock = path.join(dir, "lock");
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (i > 200) rmSync(lock, { recursive: true, force: true }); // a holder killed mid-change (20 s)
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    const file = path.join(dir, "held.json");
    let held: Held[] = [];
    try {
      held = JSON.parse(readFileSync(file, "utf8")) as Held[];
    } catch {
      held = [];
    }
    // A worker that died keeps nothing.
    const out = fn(held.filter((h) => alive(h.pid)));
    writeFileSync(file, JSON.stringify(out.held));
    return out.result;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Takes `millicores` (at most the whole budget) for `test`; resolves once they fit beside what the
 * others hold, with how long that took and the release.
 */
export async function takeCpu(runId: string, test: string, millicores: number, budget = cpuBudget()): Promise<{ waitedMs: number; release: () => Promise<void> }> {
  const want = Math.min(millicores, budget);
  const started = Date.now();
  const me: Held = { pid: process.pid, test, millicores: want };
  for (;;) {
    const got = await locked(runId, (held) => {
      const used = held.reduce((s, h) => s + h.millicores, 0);
      return used + want <= budget ? { held: [...held, me], result: true } : { held, result: false };
    });
    if (got) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const release = () =>
    locked(runId, (held) => {
      const i = held.findIndex((h) => h.pid === me.pid && h.test === me.test);
      return { held: i < 0 ? held : [...held.slice(0, i), ...held.slice(i + 1)], result: undefined };
    });
  return { waitedMs: Date.now() - started, release };
}

/** Removes the run's ledger (at the end of the run). */
export function dropCpuBudget(runId: string): void {
  rmSync(dirOf(runId), { recursive: true, force: true });
}
