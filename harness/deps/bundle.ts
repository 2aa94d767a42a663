// A package the harness runs in every process, as one file bundled from the installed package.
// Node resolves, reads and links every module of a package on every start; a bundle is one module,
// which Node's compile cache serves after the first run. Measured 2026-12-07 (polyglot, Node 24,
// compile cache warm): importing yaml cost a process 22 ms of CPU from its 72 modules, about 0 as
// one file; client-node's KubeConfig see client-node.ts.
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);

export interface Recipe {
  /** The package whose installed version names the bundle. */
  pkg: string;
  /** The bundle's entry: what it re-exports, from where. */
  entry: string;
  /** Raised when the recipe changes, so an older bundle is not taken for a new one. */
  revision: number;
  /** Modules known to have no side effects, dropped when nothing of theirs is used. */
  sideEffectFree?: RegExp;
}

/** The bundle's path: beside the installed packages (npm ci starts it afresh), named for what it was built from. */
function bundlePath(name: string, r: Recipe): string {
  const manifest = require.resolve(`${r.pkg}/package.json`);
  const version = (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
  const nodeModules = manifest.slice(0, manifest.lastIndexOf(`${path.sep}node_modules${path.sep}`) + `${path.sep}node_modules`.length);
  return path.join(nodeModules, ".cache", "kubeproof", `${name}-${version}-r${r.revision}.mjs`);
}

/** Builds the bundle with rolldown (vite's bundler), written whole or not at all: processes may race here. */
async function build(file: string, r: Recipe): Promise<void> {
  const { build: rolldown } = await import("rolldown");
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  const entry = path.join(dir, `entry-${process.pid}-${path.basename(file)}`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(entry, r.entry);
  try {
    await rolldown({
      input: entry,
      platform: "node",
      logLevel: "silent",
      write: true,
      ...(r.sideEffectFree ? { treeshake: { moduleSideEffects: (id: string) => !r.sideEffectFree!.test(id) } } : {}),
      output: { file: tmp, format: "esm", codeSplitting: false },
    });
    renameSync(tmp, file);
  } finally {
    rmSync(entry, { force: true });
    rmSync(tmp, { force: true });
  }
}

/** The bundle's exports, built first if this install has none yet. */
export async function bundled<T>(name: string, r: Recipe): Promise<T> {
  const file = bundlePath(name, r);
  if (!existsSync(file)) await build(file, r);
  return (await import(pathToFileURL(file).href)) as T;
}
