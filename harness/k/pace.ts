// Pacing test starts to the cluster it has: a test whose pods a real kubelet starts begins only
// while the nodes' start backlog (harness/record/pod-backlog.ts) is below what their machines'
// cores can take. Fifty tests starting together on a 2-core kind host queued a hundred pods behind
// each other (binding to Running 38 s, pods bound 78 s and not running), and Job tests timed out
// while nothing was wrong with the Job controller. On a fast cluster the backlog stays short and
// nothing waits; on a slow one tests start as the nodes catch up, and the wait is reported.
import type { KubeObject } from "../api/client.ts";
import type { PodBacklog } from "../record/pod-backlog.ts";
import { maxPaceMs } from "../timeouts.ts";

/** Pods a core's worth of kubelet and runtime can have starting at once and still start each in seconds. */
export const queuedPerCore = 2;
/** Between two starts of one worker: its last test's pods reach the backlog before the next test looks. */
const settleMs = 1_000;

type NodeLike = KubeObject & { status?: { capacity?: { cpu?: string }; nodeInfo?: { systemUUID?: string } } };

/**
 * The cores the nodes' machines have: nodes on one machine (kind's node containers report their
 * host's systemUUID) share its cores, so they count once.
 */
export function machineCores(nodes: readonly KubeObject[]): { cores: number; machines: number } {
  const byMachine = new Map<string, number>();
  for (const n of nodes as NodeLike[]) {
    const id = n.status?.nodeInfo?.systemUUID || n.metadata.name!;
    const cpu = Number.parseInt(n.status?.capacity?.cpu ?? "0", 10) || 0;
    byMachine.set(id, Math.max(byMachine.get(id) ?? 0, cpu));
  }
  return { cores: [...byMachine.values()].reduce((a, b) => a + b, 0), machines: byMachine.size };
}

/** How many pods may be queued on the nodes when a test starts. */
export function backlogLimit(nodes: readonly KubeObject[]): number {
  return Math.max(queuedPerCore, queuedPerCore * machineCores(nodes).cores);
}

export interface Paced {
  waitedMs: number;
  limit: number;
  /** The backlog when the test asked, and whether it started without room after maxPaceMs. */
  queuedAtAsk: number;
  gaveUp: boolean;
}

/** A test's start as paced, for the run summary (written with the file's costs by harness/run/leak-check.ts). */
export interface PacedStart extends Paced {
  test: string;
  cores: number;
  machines: number;
}
const paced: PacedStart[] = [];
export function recordPaced(p: PacedStart): void {
  paced.push(p);
}
export function pacedOfFile(): readonly PacedStart[] {
  return paced;
}

let lastStart: Promise<unknown> = Promise.resolve();

/** Resolves once `backlog` has fewer than `limit` pods queued (or after maxMs); one start of this worker at a time. */
export function whenNodesHaveRoom(backlog: PodBacklog, limit: number, maxMs = maxPaceMs): Promise<Paced> {
  const asked = Date.now();
  const queuedAtAsk = backlog.queued().length;
  const mine = lastStart.then(
    () =>
      new Promise<Paced>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const done = (gaveUp: boolean) => {
          off();
          clearTimeout(timer);
          clearTimeout(giveUp);
          resolve({ waitedMs: Date.now() - asked, limit, queuedAtAsk, gaveUp });
        };
        const check = () => {
          if (backlog.queued().length < limit) return done(false);
          // A queued pod turns stuck without an event: look again then.
          clearTimeout(timer);
          const next = backlog.nextExpiryMs();
          if (next !== undefined) timer = setTimeout(check, next + 10);
        };
        const off = backlog.onChange(check);
        const giveUp = setTimeout(() => done(true), Math.max(0, maxMs - (Date.now() - asked)));
        check();
      }),
  );
  lastStart = mine.then(() => new Promise((r) => setTimeout(r, settleMs)));
  return mine;
}
