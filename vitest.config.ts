import { enableCompileCache } from "node:module";
import path from "node:path";
import { defineConfig } from "vitest/config";
// Imported with their .ts names: `npm test` has Node load this file itself (vitest's
// --configLoader native), which saves vite bundling it (about 15 MiB of the main process's peak);
// so it imports only modules that import nothing of the project's.
import { repoRoot } from "./harness/cluster/paths.ts";
import { sharedStateBesideOthers, sharedStateProjects } from "./harness/run/projects.ts";
import { vitestTimeouts } from "./harness/timeouts.ts";
import { allureCategories } from "./harness/failures.ts";

// Policy only: which files are unit tests (no cluster) and which are conformance specs (one
// cluster per run, from harness/run/global-setup.ts), and where reports go.

// Every worker is a new process that imports @kubernetes/client-node and vitest's runtime afresh;
// V8's code cache on disk spares them the compiling on every run after the first. Workers inherit
// it through the environment. `npm test` sets it before vitest starts, so this process's own
// modules (vitest, vite) are served from it too; otherwise it starts here.
process.env.NODE_COMPILE_CACHE = path.resolve(repoRoot, process.env.NODE_COMPILE_CACHE ?? path.join("node_modules", ".cache", "node-compile"));
enableCompileCache(process.env.NODE_COMPILE_CACHE);

/**
 * Spec files in projects of their own (harness/run/projects.ts): beside the others (on a cluster
 * of their own on local, isolated on the one cluster on kind), or after them (existing).
 */
const ownProjectSpecs = Object.values(sharedStateProjects);
const beside = sharedStateBesideOthers();

// From the timeout table under this run's KUBEPROOF_TIMEOUT_SCALE: a named wait always ends, and
// says why, before vitest gives up on a test or a hook (harness/timeouts.ts).
const { testTimeout, hookTimeout } = vitestTimeouts();

const conformance = {
  // One cluster per run, shared by both conformance groups (see harness/run/global-setup.ts).
  globalSetup: ["harness/run/global-setup.ts"],
  // allure runtime, the per-file leak check of cluster-scoped state, workers ending with the run.
  setupFiles: ["allure-vitest/setup", "harness/run/leak-check.ts", "harness/run/worker-exit.ts"],
  // A last resort behind the named waits: a start paced to the nodes and the longest waits.
  testTimeout,
  // Retries only for infrastructure trouble (image pulls, a dropped apiserver connection), never
  // for behaviour; the summary counts them.
  retry: { count: 1, condition: /ErrImagePull|ImagePullBackOff|ECONNRESET|socket hang up/ },
  hookTimeout,
};

/** Where results go; the self-test points each of its runs elsewhere. */
const reports = process.env.KUBEPROOF_REPORTS_DIR ?? "reports";

export default defineConfig({
  test: {
    // Node loads the harness itself (types stripped; stripped source and V8 code kept by its compile
    // cache), as it loads a package: vite transforms only the spec files. A worker otherwise asked
    // this process for every harness module, transformed, and this process sent each to every
    // worker (about 0.2 s of its CPU on a kept cluster, docs/performance.md). Hence imports name
    // the .ts files and the types only erase (tsconfig's erasableSyntaxOnly).
    server: { deps: { external: [new RegExp(`^${path.join(repoRoot, "harness").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/`)] } },
    // Tests of a file run concurrently (each has its own namespace); see the serial group below.
    sequence: { concurrent: true },
    // Spec files spend their time waiting on controllers, not on CPU: run them all at once
    // (vitest's default is one worker per spare core, i.e. one file at a time on 2 cores).
    maxWorkers: 10,
    outputFile: { junit: `${reports}/junit.xml` },
    reporters: [
      "default",
      "junit",
      [
        "allure-vitest/reporter",
        {
          resultsDir: `${reports}/allure-results`,
          categories: allureCategories,
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
        // Spec files that only touch their own namespace and uniquely named cluster-scoped
        // objects: files in parallel workers, tests of a file concurrently.
        extends: true,
        test: {
          ...conformance,
          name: "conformance",
          include: ["specs/**/*.spec.ts"],
          exclude: ownProjectSpecs,
          sequence: { groupOrder: 0 },
          maxConcurrency: 8,
        },
      },
      {
        // The harness's own promises (waits, recorder), checked against the run's cluster.
        extends: true,
        test: { ...conformance, name: "integration", include: ["test/integration/**/*.itest.ts"], sequence: { groupOrder: 0 } },
      },
      {
        // A spec that fails on purpose with a bug of its own, for the self-test only (never in `npm test`).
        extends: true,
        test: { ...conformance, name: "suite-failure", include: ["test/suite-failure/*.spec.ts"] },
      },
      // Spec files that change nodes: one test at a time (their describe blocks say
      // { concurrent: false }; vitest takes `concurrent` only from the root config).
      ...Object.entries(sharedStateProjects).map(([name, file], i) => ({
        extends: true as const,
        test: { ...conformance, name, include: [file], sequence: { groupOrder: beside ? 0 : i + 1 } },
      })),
    ],
  },
});
