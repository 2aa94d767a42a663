// npm run screenshot: looks at the single-file report as a person would. Opens it from file://
// in headless Chromium (no network), takes the overview, the charts (trends across runs) and the
// first failed test's page (with its attachments opened), and checks each is rendered (enough
// visible text, not a blank page).
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { reportsDir } from "../harness/cluster/paths.js";

const report = path.join(reportsDir, "allure-report", "single", "index.html");
if (!existsSync(report)) {
  console.error(`no report at ${report}: run npm run report first`);
  process.exit(1);
}
const out = path.join(reportsDir, "screenshots");
mkdirSync(out, { recursive: true });
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
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
await page.goto(`file://${report}`);
await page.waitForLoadState("networkidle");
await page.waitForTimeout(1500);

async function shot(name: string): Promise<void> {
  const text = (await page.evaluate(() => document.body.innerText)).trim();
  const file = path.join(out, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  if (text.length < 200) throw new Error(`${name}: the page looks blank (${text.length} characters of text)`);
  console.log(`screenshot ${path.relative(process.cwd(), file)} (${text.length} characters of text)`);
}

await shot("overview");

// Trends across runs (history in reports/history.jsonl): the report's charts section ("Graphs").
await page.goto(`file://${report}#charts`);
await page.waitForLoadState("networkidle");
await page.waitForTimeout(1500);
await shot("charts");
if (!/status dynamics/i.test(await page.evaluate(() => document.body.innerText))) throw new Error("charts: no 'Status dynamics' trend chart on the page");
await page.goto(`file://${report}`);
await page.waitForLoadState("networkidle");
await page.waitForTimeout(1000);
const failed = page.locator('[data-testid="tree-leaf"]:has([data-testid="tree-leaf-status-failed"]), [data-testid="tree-leaf"]:has([data-testid="tree-leaf-status-broken"])').first();
if ((await failed.count()) > 0) {
  await failed.click();
  await page.waitForTimeout(1500);
  // open every collapsed step and attachment so the evidence is visible in the picture
  for (const el of await page.locator('[data-testid="test-result-step-header"], [data-testid="test-result-attachment-header"]').all()) {
    await el.click().catch(() => undefined);
  }
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(out, "failed-test-full.png"), fullPage: true });
  await shot("failed-test");
} else {
  console.log("no failed test in the report: only the overview was taken");
}
await browser.close();
if (external.length) {
  console.error(`the report tried to reach the network: ${[...new Set(external)].join(", ")}`);
  process.exit(1);
}
