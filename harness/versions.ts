// The pinned versions, from versions.env at the repository's root: the same file every script
// sources (scripts/versions.sh), with the same KUBEPROOF_<NAME> overrides.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "versions.env");

/** NAME=value lines; anything else is a mistake the file's reader names. */
export function parseVersions(text: string, source = file): Record<string, string> {
  const out: Record<string, string> = {};
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const m = /^([A-Z][A-Z0-9_]*)=(\S+)$/.exec(line);
    if (!m) throw new Error(`${source}:${i + 1}: expected NAME=value, got "${line}"`);
    out[m[1]!] = process.env[`KUBEPROOF_${m[1]}`] || m[2]!;
  });
  return out;
}

let cached: Record<string, string> | undefined;

/** The version pinned under `name` (KUBE_VERSION, KIND_VERSION, ...), or a clear error. */
export function version(name: string): string {
  cached ??= parseVersions(readFileSync(file, "utf8"));
  const v = cached[name];
  if (!v) throw new Error(`${file} pins no ${name}`);
  return v;
}
