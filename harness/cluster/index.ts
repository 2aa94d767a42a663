// Provider choice: KUBEPROOF_PROVIDER = local | kind | existing | auto (default auto). auto
// means kind when a Docker engine answers and the kind node image is built
// (npm run kind:image), else local.
import type { Provider, ProviderName } from "./types.ts";
import { providerName } from "./choice.ts";

export { ownClustersForSharedState, providerName, providerNames } from "./choice.ts";


/**
 * The provider, its cluster named after the run (or kept under KUBEPROOF_CLUSTER_NAME); `part`
 * names a further cluster of the same run ("nodes": kubeproof-1234-nodes).
 */
export async function chooseProvider(env: NodeJS.ProcessEnv = process.env, part?: string): Promise<{ name: ProviderName; provider: Provider }> {
  const keep = env.KUBEPROOF_KEEP_CLUSTER === "1" || env.KUBEPROOF_KEEP_CLUSTER === "true";
  const name = `${keep ? keptClusterName(env) : `kubeproof-${process.pid}`}${part ? `-${part}` : ""}`;
  // Only the chosen provider's module is loaded: kind's brings testcontainers and a Docker client,
  // a quarter of a second that a run on a kept local cluster would pay for nothing.
  switch (providerName(env)) {
    case "local":
      return { name: "local", provider: new (await import("./local.ts")).LocalProvider(name, keep) };
    case "existing":
      return { name: "existing", provider: new (await import("./existing.ts")).ExistingProvider() };
    case "kind":
      return { name: "kind", provider: new (await import("./kind.ts")).KindProvider(name, keep) };
  }
}

/** The name of a kept cluster: KUBEPROOF_CLUSTER_NAME, default kubeproof-kept. */
export function keptClusterName(env: NodeJS.ProcessEnv = process.env): string {
  const name = env.KUBEPROOF_CLUSTER_NAME ?? "kubeproof-kept";
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) throw new Error(`KUBEPROOF_CLUSTER_NAME="${name}" is not a valid cluster name (lower-case letters, digits and '-')`);
  return name;
}
