// Allure 3 report config: one self-contained file that opens from disk, and a site for hosting.
// History (trends across runs) is kept in reports/history.jsonl.
import { defineConfig } from "allure";

export default defineConfig({
  name: "kubeproof: Kubernetes behaviour conformance",
  output: "reports/allure-report",
  historyPath: "reports/history.jsonl",
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
