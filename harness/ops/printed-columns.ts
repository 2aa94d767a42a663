// What `kubectl get` prints as its header: the apiserver renders lists as a Table (server-side
// printing), and kubectl shows its columns of priority 0, upper-cased. Read here from the Table
// itself, so the header exists even for a kind with no objects.
import type { Kube } from "../test.ts";

interface Table {
  columnDefinitions?: { name: string; priority?: number }[];
  rows?: { cells: unknown[] }[];
}

/** The header `kubectl get <kind>` prints today, e.g. ["NAME", "COMPLETIONS", ...]. */
export async function printedColumns(k: Kube, apiVersion: string, kind: string): Promise<string[]> {
  const path = await k.api.path(apiVersion, kind, k.ns);
  const table = await k.api.request<Table>("GET", path, { accept: "application/json;as=Table;v=v1;g=meta.k8s.io", query: { limit: 1 } });
  if (!table.columnDefinitions) throw new Error(`GET ${path} as a Table returned no columnDefinitions`);
  return table.columnDefinitions.filter((c) => (c.priority ?? 0) === 0).map((c) => c.name.toUpperCase());
}

/** The NAME column `kubectl get <kind> [name]` prints, a row each, with what the apiserver adds to a name ("standard (default)"). */
export async function printedNames(k: Kube, apiVersion: string, kind: string, name?: string): Promise<string[]> {
  const base = await k.api.path(apiVersion, kind, k.ns);
  const table = await k.api.request<Table>("GET", name ? `${base}/${name}` : base, { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" });
  return (table.rows ?? []).map((r) => String(r.cells[0]));
}
