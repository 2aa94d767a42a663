import { existsSync } from "node:fs";
import { copyInto, fail, input, log, resolvePath, runDir } from "./lib.mjs";

const site = resolvePath(input("path"));
if (!existsSync(site)) fail("upload-pages-artifact", `no site at ${site}`);
copyInto(site, runDir("artifacts", "github-pages"));
log("upload-pages-artifact", `${site} as github-pages`);
