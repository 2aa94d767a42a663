// What `kubectl get` prints as its header: the apiserver renders lists as a Table (server-side
// printing), and kubectl shows its columns of priority 0, upper-cased. Read here from the Table
// itself, so the header exists even for a kind with no objects.
import type { Kube } from "../test.js";

interface Table {
  columnDefinitions?: { name: string; priority?: number }[];
}

/** The header `kubectl get <kind>` prints today, e.g. ["NAME", "COMPLETIONS", ...]. */
export async function printedColumns(k: Kube, apiVersion: string, kind: string): Promise<string[]> {
  const path = await k.api.path(apiVersion, kind, k.ns);
  const table = await k.api.request<Table>("GET", path, { accept: "application/json;as=Table;v=v1;g=meta.k8s.io", query: { limit: 1 } });
  if (!table.columnDefinitions) throw new Error(`GET ${path} as a Table returned no columnDefinitions`);
  return table.columnDefinitions.filter((c) => (c.priority ?? 0) === 0).map((c) => c.name.toUpperCase());
}
