// The harness's layout rules, checked: each folder may import only what its job needs, and no
// module imports itself back through others (no cycles). Exits 1 naming file, import and rule.
//   specs/         harness/test.ts, wait/, ops/, and the data helpers api/kinds.ts, api/quantity.ts
//                  and record/timeline.ts (pure analysis of a recorded timeline); of packages, vitest
//   harness/ops/   of harness/cluster/ only node-ops.ts (the node operations), types.ts and paths.ts
//   harness/report/ of harness/cluster/ only types.ts and paths.ts (no provider)
//   harness/wait/  only harness/api/, harness/deps/, harness/timeouts.ts, harness/failures.ts and itself
//   harness/api/   only itself, harness/deps/ and harness/failures.ts (the beginnings of failure messages)
//   harness/deps/  only itself (packages, bundled; nothing of the harness)
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(path.join(d, f)).isDirectory() ? walk(path.join(d, f)) : [path.join(d, f)]));
const sources = [...walk("harness"), ...walk("specs")].filter((f) => f.endsWith(".ts"));

/** Each import of a file: the specifier and, for a relative one, the repo path it resolves to. */
function importsOf(file: string): { spec: string; target?: string }[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/gms)].map((m) => {
    const spec = m[1]!;
    if (!spec.startsWith(".")) return { spec };
    return { spec, target: path.normalize(path.join(path.dirname(file), spec)) };
  });
}

const under = (p: string, dir: string) => p.startsWith(`${dir}/`);
type Rule = { applies: (f: string) => boolean; allowed: (i: { spec: string; target?: string }) => boolean; why: string };
const rules: Rule[] = [
  {
    applies: (f) => under(f, "specs"),
    allowed: (i) =>
      i.target === undefined
        ? i.spec === "vitest"
        : ["harness/test.ts", "harness/api/kinds.ts", "harness/api/quantity.ts", "harness/record/timeline.ts"].includes(i.target) || under(i.target, "harness/wait") || under(i.target, "harness/ops"),
    why: "specs use the test fixture, named waits, spec helpers (ops/) and the data helpers (kinds, quantities, timeline analysis)",
  },
  {
    applies: (f) => under(f, "harness/ops"),
    allowed: (i) => !i.target || !under(i.target, "harness/cluster") || ["harness/cluster/node-ops.ts", "harness/cluster/types.ts", "harness/cluster/paths.ts"].includes(i.target),
    why: "spec helpers reach a cluster's nodes only through harness/cluster/node-ops.ts",
  },
  {
    applies: (f) => under(f, "harness/report"),
    allowed: (i) => !i.target || !under(i.target, "harness/cluster") || ["harness/cluster/types.ts", "harness/cluster/paths.ts"].includes(i.target),
    why: "reporting reads results, not providers",
  },
  {
    applies: (f) => under(f, "harness/wait"),
    allowed: (i) => !i.target || under(i.target, "harness/api") || under(i.target, "harness/deps") || under(i.target, "harness/wait") || i.target === "harness/timeouts.ts" || i.target === "harness/failures.ts",
    why: "waits are built on the API client, packages, the timeout table and the failure beginnings only",
  },
  {
    applies: (f) => under(f, "harness/api"),
    allowed: (i) => !i.target || under(i.target, "harness/api") || under(i.target, "harness/deps") || i.target === "harness/failures.ts",
    why: "the API layer depends on nothing else of the harness but packages and the failure beginnings",
  },
  {
    applies: (f) => under(f, "harness/deps"),
    allowed: (i) => !i.target || under(i.target, "harness/deps"),
    why: "packages, bundled: nothing of the harness",
  },
];

const problems: string[] = [];
const graph = new Map<string, string[]>();
for (const f of sources) {
  const imports = importsOf(f);
  graph.set(f, imports.flatMap((i) => (i.target ? [i.target] : [])));
  // Node loads the harness itself (vitest.config.ts: server.deps.external), stripping types as
  // it goes; it resolves a specifier as written, so an import names the .ts file, never a .js.
  for (const i of imports) if (i.target && !existsSync(i.target)) problems.push(`${f}: imports ${i.spec}: no such file (name the .ts file itself)`);
  for (const r of rules) {
    if (!r.applies(f)) continue;
    for (const i of imports) if (!r.allowed(i)) problems.push(`${f}: imports ${i.spec}: ${r.why}`);
  }
}
// Cycles, by depth-first search over the relative imports.
const state = new Map<string, "open" | "done">();
const visit = (f: string, trail: string[]) => {
  if (state.get(f) === "done") return;
  if (state.get(f) === "open") {
    problems.push(`import cycle: ${[...trail.slice(trail.indexOf(f)), f].join(" -> ")}`);
    return;
  }
  state.set(f, "open");
  for (const t of graph.get(f) ?? []) visit(t, [...trail, f]);
  state.set(f, "done");
};
for (const f of graph.keys()) visit(f, []);

if (problems.length) {
  console.error(`layout lint: ${problems.length} problem(s)\n${problems.join("\n")}`);
  process.exit(1);
}
console.log(`layout lint: ${sources.length} files keep the layout rules, no import cycles`);
