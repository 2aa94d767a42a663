// What the Docker engine on this machine has and does, asked quickly (the kind provider, the
// registry mirror and testcontainers' set-up all need to know).
import { execFileSync } from "node:child_process";

/** Whether a Docker engine answers (used by the `auto` provider choice). */
export function dockerAnswers(): boolean {
  try {
    execFileSync("docker", ["info", "--format", "{{.ServerVersion}}"], { stdio: "ignore", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Whether the engine holds the image. */
export function dockerHasImage(ref: string): boolean {
  try {
    execFileSync("docker", ["image", "inspect", ref], { stdio: "ignore", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
