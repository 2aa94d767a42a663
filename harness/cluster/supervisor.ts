// kwokctl's binary runtime starts the control-plane processes and leaves them: nothing restarts
// one that exits (on kind the kubelet restarts its static pods; a real control plane has systemd
// or the kubelet). The supervisor does that job for the local provider, and never silently: every
// restart is printed with the tail of the component's log and written to reports/infra-events.jsonl,
// which the run summary counts as infrastructure events (they are not test retries).
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { progress } from "../progress.ts";
import { infraEventsFile, type InfraEvent } from "../report/infra-events.ts";


/** Alive and not a zombie (an exited child nobody reaped still has a pid). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

function tail(file: string, n: number): string[] {
  if (!existsSync(file)) return [`(no log at ${file})`];
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-n);
}

/**
 * Checks the cluster's component processes every `everyMs` and has kwokctl start the ones that
 * exited (it starts only what is not running). Returns the stop function; stop before deleting
 * the cluster, or the supervisor would fight the deletion.
 */
export function supervise(cluster: string, clusterDir: string, restart: () => void, everyMs = 3_000): () => void {
  const pids = path.join(clusterDir, "pids");
  const restarts = new Map<string, number>();
  const handled = new Set<number>(); // a pid already restarted (kwokctl may rewrite the pid file late)
  const maxRestarts = 3; // a component that keeps dying is broken, not unlucky: stop and say so
  let busy = false;
  const timer = setInterval(() => {
    if (busy || !existsSync(pids)) return;
    busy = true;
    try {
      const dead = readdirSync(pids)
        .filter((f) => f.endsWith(".pid"))
        .map((f) => ({ component: f.slice(0, -4), pid: Number(readFileSync(path.join(pids, f), "utf8").trim()) }))
        .filter((c) => c.pid > 0 && !handled.has(c.pid) && !alive(c.pid) && (restarts.get(c.component) ?? 0) <= maxRestarts);
      if (dead.length === 0) return;
      for (const d of dead) handled.add(d.pid);
      for (const d of dead) restarts.set(d.component, (restarts.get(d.component) ?? 0) + 1);
      const givingUp = dead.filter((d) => restarts.get(d.component)! > maxRestarts);
      // Read the logs first: a restarted component starts a new log.
      const tails = dead.map((d) => tail(path.join(clusterDir, "logs", `${d.component}.log`), 20));
      let restarted = "restarted by kwokctl start cluster";
      if (givingUp.length < dead.length) {
        try {
          restart();
        } catch (e) {
          restarted = `restart failed: ${(e as Error).message.split("\n")[0]}`;
        }
      }
      mkdirSync(path.dirname(infraEventsFile()), { recursive: true });
      for (const [i, d] of dead.entries()) {
        const action = givingUp.includes(d) ? `not restarted: it exited ${maxRestarts + 1} times` : restarted;
        const event: InfraEvent = { at: new Date().toISOString(), cluster, ...d, action, logTail: tails[i]! };
        appendFileSync(infraEventsFile(), JSON.stringify(event) + "\n");
        progress(`local: ${d.component} (pid ${d.pid}) had exited; ${action}. Last lines of its log:\n    ${event.logTail.join("\n    ")}`);
      }
    } finally {
      busy = false;
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The restart for kwokctl's binary runtime: `kwokctl start cluster` starts only what is not running. */
export function kwokctlStart(kwokctl: string, cluster: string, env: NodeJS.ProcessEnv): () => void {
  return () => void execFileSync(kwokctl, ["start", "cluster", "--name", cluster], { env, stdio: "ignore", timeout: 120_000 });
}
