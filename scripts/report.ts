// npm run report: the claims ledger (reports/ledger.md, reports/ledger.html) and the Allure HTML
// report from reports/allure-results: a single file that opens from disk and a site for hosting.
// Anything in the generated pages that would call out to the internet is stripped.
import { existsSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { reportsDir } from "../harness/cluster/paths.ts";
import { generateAllure } from "../harness/report/generate.ts";
import { ledgerHtml, regressionText } from "../harness/report/ledger.ts";
import { md5, writeLedger } from "./ledger.ts";

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
// The report opens on the answer: the claims matrix is the first page of the site (GitHub Pages),
// with the Allure report one click away (allure.html: same folder, so its assets still resolve),
// and reports/allure-report/index.html is the matrix in front of the single-file report.
renameSync(path.join(out, "site", "index.html"), path.join(out, "site", "allure.html"));
writeFileSync(path.join(out, "site", "index.html"), ledgerHtml(rows, { reportHref: "allure.html", md5, regressions: found }));
writeFileSync(path.join(out, "index.html"), ledgerHtml(rows, { reportHref: "single/index.html", md5, regressions: found }));
const rel = (p: string) => path.relative(process.cwd(), p);
console.log(`report: ${rel(out)}/index.html (the claims matrix, opens from disk; the Allure report behind it: single/index.html); site in ${rel(out)}/site/ (index.html the matrix, allure.html the Allure report; ${stripped} external references stripped)`);
console.log(`claims ledger: ${rel(reportsDir)}/ledger.md, ledger.html; the harness's own tests: ${rel(out)}/harness/index.html`);
if (found.length) {
  console.error(`quality gate failed: ${found.length} claim(s) held in the last recorded run (reports/ledger-history.json) and do not now:`);
  for (const g of found) console.error(`  ${regressionText(g)}`);
  process.exitCode = 1;
}
