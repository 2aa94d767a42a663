// A cluster's ledger column, beside its provider and Kubernetes version.
import type { ClusterInfo } from "./types.ts";

/**
 * The name that sets a cluster's ledger column apart from others of its provider and version:
 * KUBEPROOF_CLUSTER_NAME, else for a cluster of the user's its kubeconfig context. A cluster
 * kubeproof makes anew each run (local, kind) has none: its runs are one column.
 */
export function clusterColumn(info: Pick<ClusterInfo, "provider" | "name">): string | undefined {
  return process.env.KUBEPROOF_CLUSTER_NAME || (info.provider === "existing" ? info.name : undefined);
}
