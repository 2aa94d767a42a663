// Generates the Allure reports (allurerc.mjs) from a results folder and strips from the pages
// whatever would call out to the internet (analytics, remote scripts and styles), so a report
// opens from disk on a machine without a network and tells nobody it was opened.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { shell } from "../shell.ts";

/** Runs `allure generate` with the reports folder `reportsDir`; returns how many external references were stripped. */
export async function generateAllure(results: string, reportsDir: string, quiet = false): Promise<number> {
  const $ = await shell();
  await $({ stdio: quiet ? "pipe" : "inherit", env: { ...process.env, KUBEPROOF_REPORTS_DIR: reportsDir } })`npx allure generate ${results} --config allurerc.mjs`;
  let stripped = 0;
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? walk(path.join(dir, f)) : [path.join(dir, f)]));
  for (const file of walk(path.join(reportsDir, "allure-report")).filter((f) => f.endsWith(".html"))) {
    const html = readFileSync(file, "utf8");
    const clean = html
      .replace(/<script[^>]*\bsrc=["']https?:\/\/[^"']*["'][^>]*>\s*<\/script>/gi, () => (stripped++, ""))
      .replace(/<link[^>]*\bhref=["']https?:\/\/[^"']*["'][^>]*>/gi, () => (stripped++, ""))
      .replace(/<script>[^<]*(googletagmanager|gtag\(|dataLayer)[^<]*<\/script>/gi, () => (stripped++, ""));
    if (clean !== html) writeFileSync(file, clean);
  }
  return stripped;
}
