// A lock shared by every kubeproof process on this host: flock(1) on a file, held by a flock
// process of its own. Closing its stdin frees the lock; so does this process dying (the pipe
// closes), so an interrupted run never leaves it held. Where flock(1) is missing (macOS), there is
// no lock, as there was none before it.
import { execFileSync, spawn } from "node:child_process";

function hasFlock(): boolean {
  try {
    execFileSync("flock", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Waits for the lock (at most `timeoutMs`); resolves with its release. */
export function hostLock(file: string, what: string, timeoutMs = 300_000): Promise<() => void> {
  if (!hasFlock()) return Promise.resolve(() => undefined);
  // -o: the shell holding the pipe does not hold the lock's descriptor; flock itself does.
  const holder = spawn("flock", ["-o", file, "sh", "-c", "echo locked; exec cat >/dev/null"], { stdio: ["pipe", "pipe", "ignore"] });
  const release = () => void holder.stdin.end();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      holder.kill("SIGKILL");
      reject(new Error(`waited ${timeoutMs / 1000} s for the lock ${file} (${what}): another kubeproof process on this host holds it`));
    }, timeoutMs);
    holder.stdout.once("data", () => {
      clearTimeout(timer);
      resolve(release);
    });
    holder.once("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`flock on ${file} failed: ${e.message}`));
    });
    holder.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`flock on ${file} exited (${code}) before taking the lock`));
    });
  });
}
