// npm run report: the claims ledger (reports/ledger.md, reports/ledger.html) and the Allure HTML
// report from reports/allure-results: a single file that opens from disk and a site for hosting.
// Anything in the generated pages that would call out to the internet is stripped.
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { reportsDir } from "../harness/cluster/paths.js";
import { generateAllure } from "../harness/report/generate.js";
import { ledgerHtml, regressionText } from "../harness/report/ledger.js";
import { md5, writeLedger } from "./ledger.js";

const results = path.join(reportsDir, "allure-results");
if (!existsSync(results) || readdirSync(results).length === 0) {
  console.error(`no Allure results in ${results}: run the suite first (npm test)`);
  process.exit(1);
}
const { rows, regressions: found } = writeLedger();
// The ledger travels inside the report as a global attachment (its own tab, one click from the
// first screen), and the quality gate's findings as global errors.
writeFileSync(path.join(results, "kubeproof-ledger-attachment.html"), ledgerHtml(rows, { reportHref: "index.html", md5, regressions: found }));
writeFileSync(
  path.join(results, "kubeproof-ledger-globals.json"),
  JSON.stringify({
    attachments: [{ name: `Claims matrix: ${new Set(rows.map((r) => r.claim)).size} claims x ${new Set(rows.map((r) => r.provider)).size} clusters`, source: "kubeproof-ledger-attachment.html", type: "text/html", timestamp: Date.now() }],
    errors: found.map((g) => ({ message: `Quality gate: ${regressionText(g)}` })),
  }),
);
const stripped = await generateAllure(results, reportsDir);
const out = path.join(reportsDir, "allure-report");
// The site (GitHub Pages) carries the matrix too, beside its index.html.
writeFileSync(path.join(out, "site", "ledger.html"), ledgerHtml(rows, { reportHref: "index.html", md5, regressions: found }));
console.log(`report: ${path.relative(process.cwd(), out)}/single/index.html (opens from disk), site in ${path.relative(process.cwd(), out)}/site/ (${stripped} external references stripped)`);
console.log(`claims ledger: ${path.relative(process.cwd(), reportsDir)}/ledger.md, ledger.html (also site/ledger.html); the harness's own tests: ${path.relative(process.cwd(), out)}/harness/index.html`);
if (found.length) {
  console.error(`quality gate failed: ${found.length} claim(s) held in the last recorded run (reports/ledger-history.json) and do not now:`);
  for (const g of found) console.error(`  ${regressionText(g)}`);
  process.exitCode = 1;
}
