import { execFileSync } from "node:child_process";
import { input, log, rehearsalDir, state } from "./lib.mjs";

const name = state("cluster");
if (name) {
  log("kind-action", `deleting cluster ${name}`);
  execFileSync(rehearsalDir("tools", `kind-${input("version", "v0.33.0")}`, "kind"), ["delete", "cluster", "--name", name], { stdio: "inherit" });
}
