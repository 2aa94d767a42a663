import { existsSync } from "node:fs";
import path from "node:path";
import { copyInto, fail, input, isDir, lines, log, resolvePath, runDir } from "./lib.mjs";

const name = input("name", "artifact");
const wanted = lines(input("path")).map(resolvePath);
const found = wanted.filter((p) => existsSync(p));
const missing = wanted.filter((p) => !existsSync(p));
if (found.length === 0) {
  const say = `no files found for ${name}: ${wanted.join(", ")}`;
  if (input("if-no-files-found", "warn") === "error") fail("upload-artifact", say);
  log("upload-artifact", input("if-no-files-found", "warn") === "ignore" ? say : `warning: ${say}`);
  process.exit(0);
}
// What the artifact's own paths are relative to: a lone folder itself, a lone file's folder, else
// the paths' least common ancestor.
const roots = found.length === 1 ? [isDir(found[0]) ? found[0] : path.dirname(found[0])] : found;
let base = roots[0];
for (const p of roots.slice(1)) while (p !== base && !p.startsWith(`${base}${path.sep}`)) base = path.dirname(base);
const into = runDir("artifacts", name);
if (existsSync(into)) fail("upload-artifact", `an artifact named ${name} exists already in this run`);
for (const p of found) copyInto(p, path.join(into, path.relative(base, p)) || into);
log("upload-artifact", `${name}: ${found.length} path${found.length > 1 ? "s" : ""}${missing.length ? ` (not there: ${missing.join(", ")})` : ""}`);
