// docs/configuration.md names every KUBEPROOF_* variable the code reads, and only those.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.join(import.meta.dirname, "..");
const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(path.join(d, f)).isDirectory() ? walk(path.join(d, f)) : [path.join(d, f)]));
const code = [...walk(path.join(root, "harness")), ...walk(path.join(root, "scripts")), ...walk(path.join(root, "specs")), ...["vitest.config.ts", "allurerc.mjs", ".ci/run", "package.json"].map((f) => path.join(root, f))];
const varsIn = (text: string) => new Set([...text.matchAll(/KUBEPROOF_[A-Z0-9_]*[A-Z0-9]/g)].map((m) => m[0]));

describe("configuration", () => {
  it("docs/configuration.md names every KUBEPROOF_* variable the code reads, and no other", () => {
    const versions = [...readFileSync(path.join(root, "versions.env"), "utf8").matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => `KUBEPROOF_${m[1]}`);
    const read = new Set(code.flatMap((f) => [...varsIn(readFileSync(f, "utf8"))]));
    // KUBEPROOF_NAME is the placeholder of the versions.env override comments
    read.delete("KUBEPROOF_NAME");
    const doc = readFileSync(path.join(root, "docs", "configuration.md"), "utf8");
    const documented = new Set([...doc.matchAll(/^\| `(KUBEPROOF_[A-Z0-9_]+)/gm)].map((m) => m[1]!));
    // versions.env pins are read as KUBEPROOF_<NAME> (one row); KUBE_VERSION has its own
    const undocumented = [...read].filter((v) => !documented.has(v) && !(versions.includes(v) && doc.includes("`KUBEPROOF_<NAME>`"))).sort();
    const unread = [...documented].filter((v) => !read.has(v) && !versions.includes(v)).sort();
    expect({ undocumented, unread }).toEqual({ undocumented: [], unread: [] });
  });
});
