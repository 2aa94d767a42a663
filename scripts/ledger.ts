// npm run ledger: writes reports/ledger.{md,html,json} from reports/allure-results, and applies
// the quality gate against reports/ledger-history.json (the verdicts of earlier recorded runs).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beyondMarkdown, beyondTutorial, buildLedger, byVersionMarkdown, byVersionText, claimsByVersion, ledgerHtml, ledgerMarkdown, recordVerdicts, regressions, regressionText, type LedgerRow, type Regression, type ResultLike, type VerdictHistory } from "../harness/report/ledger.ts";
import { reportsDir } from "../harness/cluster/paths.ts";
import { expectedTests } from "../harness/report/spec-claims.ts";

export const historyFile = path.join(reportsDir, "ledger-history.json");
/** The Allure report addresses a test result by the md5 of its uuid. */
export const md5 = (s: string) => createHash("md5").update(s).digest("hex");

export function readResults(dir = path.join(reportsDir, "allure-results")): ResultLike[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith("-result.json"))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as ResultLike);
}

function readHistory(): VerdictHistory {
  if (!existsSync(historyFile)) return {};
  try {
    return JSON.parse(readFileSync(historyFile, "utf8")) as VerdictHistory;
  } catch (e) {
    throw new Error(`${historyFile} is not the ledger history kubeproof writes (${(e as Error).message}); delete it to start a new one`, { cause: e });
  }
}

/** Writes the ledger files, records this run's verdicts, and returns the rows and the gate's findings. */
export function writeLedger(): { rows: LedgerRow[]; regressions: Regression[] } {
  const results = readResults();
  const rows = buildLedger(results, undefined, expectedTests());
  const previous = readHistory();
  const found = regressions(previous, rows);
  // A filtered run leaves claims incomplete: their last recorded verdict stays in view beside it.
  for (const r of rows) {
    const last = previous[r.provider]?.[r.claim];
    if (r.verdict === "incomplete" && last) r.detail += `; last recorded verdict on ${r.provider}: ${last.verdict} (${last.at})`;
  }
  writeFileSync(path.join(reportsDir, "ledger.md"), ledgerMarkdown(rows) + byVersionMarkdown(claimsByVersion(rows)) + beyondMarkdown(beyondTutorial(results)) + (found.length ? `\n## Quality gate failed\n\n${found.map((g) => `- ${regressionText(g)}`).join("\n")}\n` : ""));
  writeFileSync(path.join(reportsDir, "ledger.html"), ledgerHtml(rows, { reportHref: "allure-report/single/index.html", md5, regressions: found }));
  writeFileSync(path.join(reportsDir, "ledger.json"), JSON.stringify({ rows, regressions: found }, null, 2));
  writeFileSync(historyFile, JSON.stringify(recordVerdicts(previous, rows, new Date().toISOString()), null, 1));
  return { rows, regressions: found };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { rows, regressions: found } = writeLedger();
  console.log(ledgerMarkdown(rows).split("\n").slice(4, 4 + new Set(rows.map((r) => r.provider)).size).join("\n"));
  // Per claim, the Kubernetes versions on which it held.
  for (const line of byVersionText(claimsByVersion(rows))) console.log(line);
  console.log("written: reports/ledger.md, reports/ledger.html, reports/ledger.json");
  for (const g of found) console.error(`quality gate: ${regressionText(g)}`);
  if (found.length) process.exitCode = 1;
}
