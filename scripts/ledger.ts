// npm run ledger: writes reports/ledger.{md,html,json} from reports/allure-results.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { buildLedger, ledgerHtml, ledgerMarkdown, type LedgerRow, type ResultLike } from "../harness/ledger.js";
import { reportsDir } from "../harness/cluster/paths.js";
import { expectedTests } from "../harness/spec-claims.js";

export function readResults(dir = path.join(reportsDir, "allure-results")): ResultLike[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith("-result.json"))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as ResultLike);
}

export function writeLedger(): LedgerRow[] {
  const rows = buildLedger(readResults(), undefined, expectedTests());
  writeFileSync(path.join(reportsDir, "ledger.md"), ledgerMarkdown(rows));
  writeFileSync(path.join(reportsDir, "ledger.html"), ledgerHtml(rows));
  writeFileSync(path.join(reportsDir, "ledger.json"), JSON.stringify(rows, null, 2));
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = writeLedger();
  console.log(ledgerMarkdown(rows).split("\n").slice(4, 4 + new Set(rows.map((r) => r.provider)).size).join("\n"));
  console.log("written: reports/ledger.md, reports/ledger.html, reports/ledger.json");
}
