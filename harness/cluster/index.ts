// Provider choice: KUBEPROOF_PROVIDER = local | kind | existing | auto (default auto). auto
// means kind when a Docker engine answers and the kind node image is built
// (npm run kind:image), else local.
import { ExistingProvider } from "./existing.js";
import { KindProvider, nodeImageBuilt } from "./kind.js";
import { dockerAnswers } from "./docker.js";
import { LocalProvider } from "./local.js";
import type { Provider, ProviderName } from "./types.js";

export const providerNames = ["auto", "local", "kind", "existing"] as const;

export function chooseProvider(env: NodeJS.ProcessEnv = process.env): { name: ProviderName; provider: Provider } {
  const asked = env.KUBEPROOF_PROVIDER ?? "auto";
  const keep = env.KUBEPROOF_KEEP_CLUSTER === "1" || env.KUBEPROOF_KEEP_CLUSTER === "true";
  const name = (prefix: string) => (keep ? keptClusterName(env) : `${prefix}-${process.pid}`);
  switch (asked) {
    case "auto":
      if (dockerAnswers() && nodeImageBuilt()) return { name: "kind", provider: new KindProvider(name("kubeproof"), keep) };
      return { name: "local", provider: new LocalProvider(name("kubeproof"), keep) };
    case "local":
      return { name: "local", provider: new LocalProvider(keep ? keptClusterName(env) : `kubeproof-${process.pid}`, keep) };
    case "existing":
      return { name: "existing", provider: new ExistingProvider() };
    case "kind":
      return { name: "kind", provider: new KindProvider(name("kubeproof"), keep) };
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
