// npm run screenshot: looks at the reports as a person would, from file:// in headless Chromium
// with every network request refused, and checks each page is rendered (enough visible text, not
// a blank page): the report's first screen, its claims tab, its trends, the claims matrix with a
// verdict opened, and a failed test's evidence. Where the run had no failed test, the evidence
// comes from a self-test cell's report (a real run on a cluster broken on purpose, e.g. without
// the Job controller), generated here.
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Page } from "playwright-core";
import { reportsDir } from "../harness/cluster/paths.ts";
import { generateAllure } from "../harness/report/generate.ts";

const report = path.join(reportsDir, "allure-report", "single", "index.html");
if (!existsSync(report)) {
  console.error(`no report at ${report}: run npm run report first`);
  process.exit(1);
}
const out = path.join(reportsDir, "screenshots");
mkdirSync(out, { recursive: true });
// CHROMIUM_PATH, else Debian's Chromium, else the Google Chrome GitHub's Ubuntu runners carry
// (their apt "chromium" is a snap wrapper).
const executablePath = process.env.CHROMIUM_PATH ?? ["/usr/bin/chromium", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"].find((p) => existsSync(p)) ?? "/usr/bin/chromium";
const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
const external: string[] = [];
page.on("request", (r) => {
  if (!/^(file|data|blob|about):/.test(r.url())) external.push(r.url());
});
await page.route(/^https?:/, (route) => route.abort());

async function open(file: string, hash = ""): Promise<void> {
  await page.goto(`file://${file}${hash}`);
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(1500);
}

async function shot(name: string, mustSay?: RegExp): Promise<void> {
  const text = (await page.evaluate(() => document.body.innerText)).trim();
  const file = path.join(out, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  if (text.length < 200) throw new Error(`${name}: the page looks blank (${text.length} characters of text)`);
  if (mustSay && !mustSay.test(text)) throw new Error(`${name}: the page does not say ${mustSay}`);
  console.log(`screenshot ${path.relative(process.cwd(), file)} (${text.length} characters of text)`);
}

await open(report);
await shot("overview", /Global Attachments/);

// The claims matrix, one click from the first screen.
await page.getByText("Global Attachments", { exact: false }).first().click();
await page.waitForTimeout(1500);
await shot("report-claims-tab", /Claims matrix/);

// Trends across runs (history in reports/history.jsonl): the report's charts section.
await open(report, "#charts");
await shot("charts", /status dynamics/i);

// The matrix on its own, one verdict opened to its evidence.
await open(path.join(reportsDir, "ledger.html"));
await page.locator("summary.chip").first().click();
await page.waitForTimeout(300);
await shot("ledger-matrix", /Claims ledger/);

/** Opens the first failed test of the report at `file` with its steps and attachments expanded. */
async function failedTest(p: Page, file: string): Promise<boolean> {
  await open(file);
  const failed = p.locator('[data-testid="tree-leaf"]:has([data-testid="tree-leaf-status-failed"]), [data-testid="tree-leaf"]:has([data-testid="tree-leaf-status-broken"])').first();
  if ((await failed.count()) === 0) return false;
  await failed.click();
  await p.waitForTimeout(1500);
  await p.screenshot({ path: path.join(out, "failed-test.png"), fullPage: false });
  for (const el of await p.locator('[data-testid="test-result-step-header"], [data-testid="test-result-attachment-header"]').all()) {
    await el.click().catch(() => undefined);
  }
  await p.waitForTimeout(1000);
  await p.screenshot({ path: path.join(out, "failed-test-full.png"), fullPage: true });
  return true;
}

let evidence = (await failedTest(page, report)) ? report : undefined;
if (!evidence) {
  const cells = path.join(reportsDir, "selftest");
  const cell = existsSync(cells) ? readdirSync(cells).find((c) => !c.startsWith("healthy") && existsSync(path.join(cells, c, "allure-results"))) : undefined;
  if (cell) {
    const dir = path.join(cells, cell);
    await generateAllure(path.join(dir, "allure-results"), dir, true);
    const throwaway = path.join(dir, "allure-report", "single", "index.html");
    if (await failedTest(page, throwaway)) evidence = throwaway;
  }
}
if (evidence) {
  const text = await page.evaluate(() => document.body.innerText);
  if (!/timeline\.svg/.test(text) || !/warning-events\.txt/.test(text)) throw new Error(`failed test: its page does not show timeline.svg and warning-events.txt`);
  console.log(`screenshot ${path.relative(process.cwd(), path.join(out, "failed-test.png"))} (from ${path.relative(process.cwd(), evidence)})`);
} else {
  console.log("no failed test in the report and no self-test results: no failed-test screenshot");
}
await browser.close();
if (external.length) {
  console.error(`the reports tried to reach the network: ${[...new Set(external)].join(", ")}`);
  process.exit(1);
}
console.log("no page made a network request");
