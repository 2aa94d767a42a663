// Provider choice: KUBEPROOF_PROVIDER = local | existing | auto (default auto). kind arrives
// with its own provider; until then auto means local.
import { ExistingProvider } from "./existing.js";
import { LocalProvider } from "./local.js";
import type { Provider, ProviderName } from "./types.js";

export const providerNames = ["auto", "local", "existing"] as const;

export function chooseProvider(env: NodeJS.ProcessEnv = process.env): { name: ProviderName; provider: Provider } {
  const asked = env.KUBEPROOF_PROVIDER ?? "auto";
  const keep = env.KUBEPROOF_KEEP_CLUSTER === "1" || env.KUBEPROOF_KEEP_CLUSTER === "true";
  switch (asked) {
    case "auto":
    case "local":
      return { name: "local", provider: new LocalProvider(keep ? keptClusterName(env) : `kubeproof-${process.pid}`, keep) };
    case "existing":
      return { name: "existing", provider: new ExistingProvider() };
    case "kind":
      throw new Error(
        'KUBEPROOF_PROVIDER="kind": this version has no kind provider yet. Create a kind cluster yourself and use KUBEPROOF_PROVIDER=existing with its kubeconfig, or use local',
      );
    default:
      throw new Error(`KUBEPROOF_PROVIDER="${asked}" is not a provider; use one of: ${providerNames.join(", ")}`);
  }
}

/** The name of a kept cluster: KUBEPROOF_CLUSTER_NAME, default kubeproof-kept. */
export function keptClusterName(env: NodeJS.ProcessEnv = process.env): string {
  const name = env.KUBEPROOF_CLUSTER_NAME ?? "kubeproof-kept";
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) throw new Error(`KUBEPROOF_CLUSTER_NAME="${name}" is not a valid cluster name (lower-case letters, digits and '-')`);
  return name;
}
