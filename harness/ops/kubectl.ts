// kubectl as a user types it, against the test's cluster and namespace: for the tutorial's own
// commands (kubectl expose, kubectl autoscale, kubectl get), whose defaults and output are part of
// what it teaches.
import { existsSync } from "node:fs";
import path from "node:path";
import { shell } from "../shell.ts";
import type { Blame } from "../failures.ts";
import { cacheDir } from "../cluster/paths.ts";
import { version } from "../versions.ts";

let binary: string | undefined;

/**
 * KUBEPROOF_KUBECTL, else the toolchain's (npm run setup: the local cluster's version), else the
 * kubectl on PATH (a cluster of the user's own, the GitHub workflow's kind clusters).
 */
function kubectlBinary(): string {
  if (binary) return binary;
  const toolchain = path.join(cacheDir, `bin-${version("KUBE_VERSION")}`, "kubectl");
  // An empty KUBEPROOF_KUBECTL (a CI matrix entry that names none) is no choice.
  binary = process.env.KUBEPROOF_KUBECTL || (existsSync(toolchain) ? toolchain : "kubectl");
  return binary;
}

export class KubectlError extends Error {
  /** kubectl is a tool of the suite's: its failure says nothing of the claim. */
  readonly blame: Blame = { on: "suite", failure: "tool" };
  constructor(args: string[], exitCode: number | null, stderr: string) {
    super(`kubectl ${args.join(" ")} failed (exit ${exitCode}): ${stderr.trim()}`);
    this.name = "KubectlError";
  }
}

/** Runs kubectl in the namespace; resolves with its stdout, rejects with its stderr. */
export async function kubectl(kubeconfig: string, namespace: string, args: string[]): Promise<string> {
  const $ = await shell();
  const bin = kubectlBinary();
  const r = await $({ quiet: true, nothrow: true, timeout: "60s" })`${bin} --kubeconfig ${kubeconfig} --namespace ${namespace} ${args}`;
  if (r.exitCode === null || r.exitCode === 127 || /ENOENT/.test(r.stderr)) throw new KubectlError(args, r.exitCode, `${bin} could not be run (npm run setup provides one, or put kubectl on PATH): ${r.stderr}`);
  if (r.exitCode !== 0) throw new KubectlError(args, r.exitCode, r.stderr);
  return r.stdout;
}
