import { defineConfig } from "vitest/config";

// Policy only: which files are unit tests (no cluster) and which are conformance specs (one
// cluster per run, from harness/global-setup.ts), and where reports go.
export default defineConfig({
  test: {
    outputFile: { junit: "reports/junit.xml" },
    reporters: [
      "default",
      "junit",
      [
        "allure-vitest/reporter",
        {
          resultsDir: "reports/allure-results",
          categories: [
            { name: "Image pull", messageRegex: ".*(ErrImagePull|ImagePullBackOff).*" },
            { name: "Scheduling", messageRegex: ".*(FailedScheduling|Unschedulable).*" },
            { name: "Missing metrics API", messageRegex: ".*metrics.k8s.io.*" },
            { name: "Timeouts", messageRegex: "(?s).*Timed out after.*" },
            { name: "Terminal wrong state", messageRegex: "(?s).*Gave up waiting for.*" },
            { name: "API contract", messageRegex: "(?s).*to be refused with.*" },
            { name: "Assertion mismatch", matchedStatuses: ["failed"] },
          ],
        },
      ],
      "./harness/report/summary-reporter.ts",
    ],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["harness/**/*.test.ts", "test/**/*.test.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "conformance",
          include: ["specs/**/*.spec.ts"],
          globalSetup: ["harness/global-setup.ts"],
          setupFiles: ["allure-vitest/setup"],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          // Files run in parallel workers; each test has its own namespace on the one cluster.
          fileParallelism: true,
        },
      },
    ],
  },
});
