// The part of @kubernetes/client-node the harness runs: KubeConfig (reading a kubeconfig, with
// its auth plugins: exec, OIDC, token files, which `existing` users need). Requests and watches
// go through harness/api/transport.ts (one HTTP/2 connection; client-node's Watch opens one per watch).
//
// Loaded from one file bundled from the installed package, not from the package itself. KubeConfig's
// own module imports the generated API's index, so a plain import loads 847 modules, 16.9 MB of
// source: in vitest's main process (the global setup runs there, outside vite's dependency
// optimizer) that alone was 40 MiB of its 220 MiB peak on a kept cluster (docs/performance.md,
// "Kept cluster against Chainsaw"). Bundled with the API tree-shaken away it is 1.7 MB (the
// generated models are side-effect free, so the ones KubeConfig does not use go too); every
// process (vitest's main one, each worker, the scripts) imports that file natively, where Node's
// compile cache serves it after the first run.
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type * as ClientNode from "@kubernetes/client-node";

const require = createRequire(import.meta.url);

/** Raised when the recipe below changes, so an older bundle is not taken for a new one. */
const recipe = 2;

/** The bundle's path: beside the installed packages (npm ci starts it afresh), named for what it was built from. */
function bundlePath(): string {
  const pkg = require.resolve("@kubernetes/client-node/package.json");
  const version = (JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version;
  const nodeModules = pkg.slice(0, pkg.lastIndexOf(`${path.sep}node_modules${path.sep}`) + `${path.sep}node_modules`.length);
  return path.join(nodeModules, ".cache", "kubeproof", `client-node-${version}-r${recipe}.mjs`);
}

/** Builds the bundle with rolldown (vite's bundler), written whole or not at all: processes may race here. */
async function build(file: string): Promise<void> {
  const { build: rolldown } = await import("rolldown");
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  const entry = path.join(dir, `entry-${process.pid}.mjs`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(entry, 'export { KubeConfig } from "@kubernetes/client-node/dist/config.js";\n');
  try {
    await rolldown({
      input: entry,
      platform: "node",
      logLevel: "silent",
      write: true,
      // The generated API's modules only declare classes; config.js imports its index for two of them.
      treeshake: { moduleSideEffects: (id) => !/@kubernetes[\\/]client-node[\\/]dist[\\/]gen[\\/]/.test(id) },
      output: { file: tmp, format: "esm", codeSplitting: false },
    });
    renameSync(tmp, file);
  } finally {
    rmSync(entry, { force: true });
    rmSync(tmp, { force: true });
  }
}

const file = bundlePath();
if (!existsSync(file)) await build(file);
const bundle = (await import(pathToFileURL(file).href)) as Pick<typeof ClientNode, "KubeConfig">;

export type KubeConfig = ClientNode.KubeConfig;
export const KubeConfig = bundle.KubeConfig;
