// A spec with a bug of its own: a claim's test that ends in a TypeError after the cluster did
// everything right. The self-test runs it (scripts/selftest.ts) and holds that the ledger reads the
// claim inconclusive, "the suite failed", never contradicted. Not part of `npm test`: it fails on purpose.
import { describe } from "vitest";
import { test } from "../../harness/test.ts";
import { jobActive } from "../../harness/wait/index.ts";
import type { Job } from "../../harness/api/kinds.ts";

describe("a spec with a bug of its own", () => {
  test("runs pods concurrently with parallelism, then reads a field of nothing", { meta: { claims: ["JOB-3"], upstream: [] } }, async ({ k }) => {
    const job = await k.applyOne<Job>("workloads/job-parallel.yaml");
    const running = await k.wait(jobActive(job.ref, 3));
    // The suite's own mistake: a field the test never had.
    const missing = (running as unknown as { notThere?: { count: number } }).notThere;
    await k.observed("pods active", String(missing!.count));
  });
});
