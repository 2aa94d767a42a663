// What both cluster providers need to reuse or clean up clusters: whether a kept cluster still
// answers, and which clusters were left by a run whose process is gone (named kubeproof-<pid>[-<part>]).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { Api } from "../api/client.ts";
import { progress } from "../progress.ts";

/** Whether the apiserver of this kubeconfig answers /readyz. */
export async function answers(kubeconfig: string): Promise<boolean> {
  if (!existsSync(kubeconfig)) return false;
  try {
    await Api.fromFile(kubeconfig).request("GET", "/readyz");
    return true;
  } catch {
    return false;
  }
}

/** True for kubeproof-<pid> (and a run's further clusters, kubeproof-<pid>-<part>) when no process <pid> exists any more. */
export function leftByDeadRun(name: string): boolean {
  const m = /^kubeproof-(\d+)(-[a-z][-a-z]*)?$/.exec(name);
  if (!m) return false;
  try {
    process.kill(Number(m[1]), 0);
    return false;
  } catch {
    return true;
  }
}

/**
 * Deletes the clusters a killed run left behind. `list` and `remove` are the provider's CLI
 * (kwokctl or kind) argument vectors; failures are ignored (best effort, before bring-up).
 * Returns the clusters that remain (undefined when the list itself failed).
 */
export function removeLeftovers(what: string, cli: string, list: string[], remove: (name: string) => string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs: number; before?: (name: string) => void }): string[] | undefined {
  let names: string[];
  try {
    names = execFileSync(cli, list, { env: opts.env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n").map((s) => s.trim()).filter(Boolean);
  } catch {
    return undefined;
  }
  const dead = names.filter(leftByDeadRun);
  for (const n of dead) {
    progress(`${what}: removing cluster ${n} left by a run that no longer exists`);
    try {
      opts.before?.(n);
      execFileSync(cli, remove(n), { env: opts.env, stdio: "ignore", timeout: opts.timeoutMs });
    } catch {
      /* best effort */
    }
  }
  return names.filter((n) => !dead.includes(n));
}
