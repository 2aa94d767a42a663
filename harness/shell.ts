// zx's $, loaded on first use. Importing zx costs a process about 75 ms of CPU and 23 MiB
// (measured 2026-12-07, polyglot): most processes of a run (every test worker, and vitest's main
// process on a cluster that is already up) never start a command through it.
import type { Shell } from "zx";

let loaded: Promise<Shell> | undefined;

export function shell(): Promise<Shell> {
  return (loaded ??= import("zx").then((m) => m.$));
}
