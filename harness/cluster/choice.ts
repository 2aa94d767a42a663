// Which provider a run takes, asked cheaply (vitest.config.ts asks too, to shape the run's
// projects): no provider module is loaded here.
import { execFileSync } from "node:child_process";
import { imageList } from "../images.ts";
import { dockerAnswers, dockerHasImage } from "./docker.ts";
import type { ProviderName } from "./types.ts";

export const providerNames = ["auto", "local", "kind", "existing"] as const;

/** Whether kind's node image is on this machine: the stock one images.json names, or one assembled here. */
export function nodeImageBuilt(): boolean {
  try {
    return dockerHasImage(imageList().cluster["kind-node"]!.ref) || execFileSync("docker", ["images", "-q", "kubeproof/node"], { encoding: "utf8", timeout: 10_000 }).trim() !== "";
  } catch {
    return false;
  }
}

/** The provider a run takes: KUBEPROOF_PROVIDER, with auto resolved (kind where Docker answers and a node image is there). */
export function providerName(env: NodeJS.ProcessEnv = process.env): Exclude<ProviderName, "auto"> {
  const asked = env.KUBEPROOF_PROVIDER ?? "auto";
  switch (asked) {
    case "auto":
      return dockerAnswers() && nodeImageBuilt() ? "kind" : "local";
    case "local":
    case "kind":
    case "existing":
      return asked;
    default:
      throw new Error(`KUBEPROOF_PROVIDER="${asked}" is not a provider; use one of: ${providerNames.join(", ")}`);
  }
}

/**
 * Whether the spec files in projects of their own (harness/run/projects.ts) get a cluster each,
 * beside the run's main one: where a cluster costs seconds (local). Elsewhere they share the run's
 * one cluster (a second kind cluster costs more than the time it would save on 2 cores; an
 * existing cluster is the only one there is).
 */
export function ownClustersForSharedState(env: NodeJS.ProcessEnv = process.env): boolean {
  return providerName(env) === "local";
}

