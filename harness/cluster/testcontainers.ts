// What testcontainers needs to know about this machine before it starts a container: the engine is
// local (inside a container it would look for the engine's gateway), and whether Ryuk, its reaper,
// can run. Ryuk needs its image; where no registry answers (KUBEPROOF_OFFLINE=1) and the image is
// not here it cannot be pulled: Ryuk is disabled, saying so, and the suite removes its containers itself.
import { dockerHasImage } from "./docker.ts";

const ryukImage = "testcontainers/ryuk:0.14.0";
let decided = false;

/** Returns a note to print when Ryuk had to be disabled (once per process). */
export function prepareTestcontainers(): string | undefined {
  if (!process.env.DOCKER_HOST && !process.env.TESTCONTAINERS_HOST_OVERRIDE) process.env.TESTCONTAINERS_HOST_OVERRIDE = "127.0.0.1";
  if (decided || process.env.TESTCONTAINERS_RYUK_DISABLED) return undefined;
  decided = true;
  if (process.env.KUBEPROOF_OFFLINE === "1" && !dockerHasImage(ryukImage)) {
    process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
    return `testcontainers: Ryuk is disabled: its image ${ryukImage} is not on this machine and KUBEPROOF_OFFLINE=1 says no registry answers; kubeproof removes its containers itself`;
  }
  return undefined;
}

