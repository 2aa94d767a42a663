import path from "node:path";
import { copyInto, fail, input, list, log, resolvePath, runDir } from "./lib.mjs";

const into = resolvePath(input("path", "."));
const all = list(runDir("artifacts"));
const name = input("name");
if (name) {
  if (!all.includes(name)) fail("download-artifact", `no artifact named ${name} in this run (there are: ${all.join(", ") || "none"})`);
  for (const f of list(runDir("artifacts", name))) copyInto(runDir("artifacts", name, f), path.join(into, f));
  log("download-artifact", `${name} into ${into}`);
} else {
  const pattern = new RegExp(`^${(input("pattern") || "*").replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  const chosen = all.filter((a) => pattern.test(a));
  for (const a of chosen) copyInto(runDir("artifacts", a), path.join(into, a));
  log("download-artifact", `${chosen.length} artifact${chosen.length === 1 ? "" : "s"} (${chosen.join(", ")}) into ${into}`);
}
