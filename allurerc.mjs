// Allure 3 report config: one self-contained file that opens from disk, and a site for hosting.
// History (trends across runs) is kept in reports/history.jsonl.
import process from "node:process";
import { defineConfig } from "allure";

// Same place as the rest of the run's reports (harness/cluster/paths.ts).
const reports = process.env.KUBEPROOF_REPORTS_DIR || "reports";

export default defineConfig({
  name: "kubeproof: Kubernetes behaviour conformance",
  output: `${reports}/allure-report`,
  historyPath: `${reports}/history.jsonl`,
  plugins: {
    single: {
      import: "@allurereport/plugin-awesome",
      options: { singleFile: true, reportName: "kubeproof", groupBy: ["epic", "feature", "story"], reportLanguage: "en" },
    },
    site: {
      import: "@allurereport/plugin-awesome",
      options: { singleFile: false, reportName: "kubeproof", groupBy: ["epic", "feature", "story"], reportLanguage: "en" },
    },
  },
});
