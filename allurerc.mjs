// Allure 3 report config: one self-contained file that opens from disk, and a site for hosting,
// both holding the tutorial's behaviours; the harness's own tests in a report of their own.
// One environment per cluster a run used (the `cluster` label: provider, Kubernetes version and,
// for a cluster of the user's, its name), so local and kind results of one run sit side by side, each with its facts
// (readiness time, capabilities). History (trends across runs) is kept in reports/history.jsonl.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import process from "node:process";
import { defineConfig } from "allure";

// Same place as the rest of the run's reports (harness/cluster/paths.ts).
const reports = process.env.KUBEPROOF_REPORTS_DIR || "reports";
const results = path.join(reports, "allure-results");

const labelOf = (labels, name) => labels.find((l) => l.name === name)?.value;
const files = existsSync(results) ? readdirSync(results).filter((f) => f.endsWith("-result.json")) : [];
const clusters = [...new Set(files.map((f) => labelOf(JSON.parse(readFileSync(path.join(results, f), "utf8")).labels ?? [], "cluster")).filter(Boolean))].sort();

// What each cluster could do, from the cluster.json a run leaves beside its results.
const facts = new Map();
for (const dir of [reports, ...(existsSync(reports) ? readdirSync(reports).map((d) => path.join(reports, d)) : [])]) {
  const file = path.join(dir, "cluster.json");
  if (!existsSync(file)) continue;
  const c = JSON.parse(readFileSync(file, "utf8"));
  const vars = { "cluster ready (s)": ((c.startMs ?? 0) / 1000).toFixed(1) };
  for (const [k, v] of Object.entries(c.capabilities ?? {})) vars[k] = String(v);
  facts.set([c.provider, c.kubeVersion, c.column].filter(Boolean).join(" "), vars);
}

const environments = Object.fromEntries(
  clusters.map((c) => [
    c.replace(/[^A-Za-z0-9_-]+/g, "-").slice(0, 64),
    { name: c, variables: facts.get(c) ?? {}, matcher: ({ labels }) => labelOf(labels, "cluster") === c },
  ]),
);

// The specs' results carry layer=conformance (harness/test.ts); the harness's integration and unit
// tests go to a report of their own.
const conformance = (tr) => labelOf(tr.labels, "layer") === "conformance";
const awesome = (options) => ({ import: "@allurereport/plugin-awesome", options: { reportName: "kubeproof", groupBy: ["epic", "feature", "story"], reportLanguage: "en", ...options } });

export default defineConfig({
  name: "kubeproof: Kubernetes behaviour conformance",
  output: `${reports}/allure-report`,
  historyPath: `${reports}/history.jsonl`,
  ...(clusters.length ? { environments } : {}),
  plugins: {
    single: awesome({ singleFile: true, filter: conformance }),
    site: awesome({ singleFile: false, filter: conformance }),
    harness: awesome({ singleFile: true, reportName: "kubeproof: the harness's own tests", filter: (tr) => !conformance(tr) }),
  },
});
