// kubectl as a user types it, against the test's cluster and namespace: for the tutorial's own
// commands (kubectl expose, kubectl autoscale, kubectl get), whose defaults and output are part of
// what it teaches. The binary is the toolchain's (scripts/toolchain.sh, the cluster's version).
import { execFileSync } from "node:child_process";
import path from "node:path";
import { $ } from "zx";
import { repoRoot } from "../cluster/paths.js";

let binary: string | undefined;

/** The toolchain's kubectl (KUBEPROOF_KUBECTL overrides it). */
function kubectlBinary(): string {
  binary ??= process.env.KUBEPROOF_KUBECTL ?? path.join(execFileSync("bash", [path.join(repoRoot, "scripts", "toolchain.sh")], { stdio: ["ignore", "pipe", "ignore"], encoding: "utf8" }).trim().split("\n").pop()!, "kubectl");
  return binary;
}

export class KubectlError extends Error {
  constructor(args: string[], exitCode: number | null, stderr: string) {
    super(`kubectl ${args.join(" ")} failed (exit ${exitCode}): ${stderr.trim()}`);
    this.name = "KubectlError";
  }
}

/** Runs kubectl in the namespace; resolves with its stdout, rejects with its stderr. */
export async function kubectl(kubeconfig: string, namespace: string, args: string[]): Promise<string> {
  const r = await $({ quiet: true, nothrow: true, timeout: "60s" })`${kubectlBinary()} --kubeconfig ${kubeconfig} --namespace ${namespace} ${args}`;
  if (r.exitCode !== 0) throw new KubectlError(args, r.exitCode, r.stderr);
  return r.stdout;
}
