import { existsSync } from "node:fs";
import { fail, log, replaceWith, runDir, setOutput } from "./lib.mjs";

const artifact = runDir("artifacts", "github-pages");
if (!existsSync(artifact)) fail("deploy-pages", "no github-pages artifact in this run (actions/upload-pages-artifact makes it)");
replaceWith(artifact, runDir("pages"));
setOutput("page_url", `file://${runDir("pages")}/`);
log("deploy-pages", `site at ${runDir("pages")}`);
