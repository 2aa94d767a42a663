// npm run report: the claims ledger (reports/ledger.md, reports/ledger.html) and the Allure HTML
// report from reports/allure-results: a single file that opens from disk and a site for hosting.
// Anything in the generated pages that would call out to the internet is stripped.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { $ } from "zx";
import { reportsDir } from "../harness/cluster/paths.js";
import { writeLedger } from "./ledger.js";

const results = path.join(reportsDir, "allure-results");
if (!existsSync(results) || readdirSync(results).length === 0) {
  console.error(`no Allure results in ${results}: run the suite first (npm test)`);
  process.exit(1);
}
const rows = writeLedger();
// The ledger travels inside the report as a global attachment (its own tab), and the clusters of
// the run as the report's environment.
const ledgerHtml = readFileSync(path.join(reportsDir, "ledger.html"), "utf8");
writeFileSync(path.join(results, "kubeproof-ledger-attachment.html"), ledgerHtml);
writeFileSync(
  path.join(results, "kubeproof-ledger-globals.json"),
  JSON.stringify({ attachments: [{ name: `Claims ledger (${rows.length} claim x provider verdicts)`, source: "kubeproof-ledger-attachment.html", type: "text/html", timestamp: Date.now() }], errors: [] }),
);
const env: string[] = [];
for (const file of [path.join(reportsDir, "cluster.json"), path.join(reportsDir, "kind", "cluster.json")]) {
  if (!existsSync(file)) continue;
  const c = JSON.parse(readFileSync(file, "utf8")) as { provider: string; kubeVersion: string; startMs?: number; capabilities: Record<string, unknown> };
  env.push(`${c.provider}.kubernetes=${c.kubeVersion}`, `${c.provider}.cluster_start_s=${((c.startMs ?? 0) / 1000).toFixed(1)}`);
  for (const [k, v] of Object.entries(c.capabilities)) env.push(`${c.provider}.${k}=${String(v)}`);
}
if (env.length) writeFileSync(path.join(results, "environment.properties"), env.join("\n") + "\n");
await $({ stdio: "inherit" })`npx allure generate ${results} --config allurerc.mjs`;

const out = path.join(reportsDir, "allure-report");
let stripped = 0;
const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? walk(path.join(dir, f)) : [path.join(dir, f)]));
for (const file of walk(out).filter((f) => f.endsWith(".html"))) {
  const html = readFileSync(file, "utf8");
  const clean = html
    .replace(/<script[^>]*\bsrc=["']https?:\/\/[^"']*["'][^>]*>\s*<\/script>/gi, () => (stripped++, ""))
    .replace(/<link[^>]*\bhref=["']https?:\/\/[^"']*["'][^>]*>/gi, () => (stripped++, ""))
    .replace(/<script>[^<]*(googletagmanager|gtag\(|dataLayer)[^<]*<\/script>/gi, () => (stripped++, ""));
  if (clean !== html) writeFileSync(file, clean);
}
console.log(`report: ${path.relative(process.cwd(), out)}/single/index.html (opens from disk), site in ${path.relative(process.cwd(), out)}/site/ (${stripped} external references stripped)`);
console.log(`claims ledger: reports/ledger.md, reports/ledger.html`);
