// Provider choice: KUBEPROOF_PROVIDER = local | kind | existing | auto (default auto). auto
// means kind when a Docker engine answers and the kind node image is built
// (npm run kind:image), else local.
import { ExistingProvider } from "./existing.js";
import { KindProvider } from "./kind.js";
import { LocalProvider } from "./local.js";
import type { Provider, ProviderName } from "./types.js";
import { providerName } from "./choice.js";

export { ownClustersForSharedState, sharedStateBesideOthers, providerName, providerNames } from "./choice.js";


/**
 * The provider, its cluster named after the run (or kept under KUBEPROOF_CLUSTER_NAME); `part`
 * names a further cluster of the same run ("nodes": kubeproof-1234-nodes).
 */
export function chooseProvider(env: NodeJS.ProcessEnv = process.env, part?: string): { name: ProviderName; provider: Provider } {
  const keep = env.KUBEPROOF_KEEP_CLUSTER === "1" || env.KUBEPROOF_KEEP_CLUSTER === "true";
  const name = `${keep ? keptClusterName(env) : `kubeproof-${process.pid}`}${part ? `-${part}` : ""}`;
  switch (providerName(env)) {
    case "local":
      return { name: "local", provider: new LocalProvider(name, keep) };
    case "existing":
      return { name: "existing", provider: new ExistingProvider() };
    case "kind":
      return { name: "kind", provider: new KindProvider(name, keep) };
  }
}

/** The name of a kept cluster: KUBEPROOF_CLUSTER_NAME, default kubeproof-kept. */
export function keptClusterName(env: NodeJS.ProcessEnv = process.env): string {
  const name = env.KUBEPROOF_CLUSTER_NAME ?? "kubeproof-kept";
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) throw new Error(`KUBEPROOF_CLUSTER_NAME="${name}" is not a valid cluster name (lower-case letters, digits and '-')`);
  return name;
}
