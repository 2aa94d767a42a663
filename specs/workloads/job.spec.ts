import { describe, expect } from "vitest";
import { test } from "../../harness/test.js";
import { countWhere, deleted, fewerThan, jobComplete, noPodsOwnedBy, podsOwnedBy } from "../../harness/wait/index.js";
import type { Job } from "../../harness/kinds.js";
import { maxConcurrent, strictlySequential } from "../../harness/timeline.js";

describe("Job", () => {
  test(
    "runs completions one after another when parallelism is not set",
    { meta: { claims: ["JOB-2"], upstream: ["[sig-apps] Job should run a job to completion when tasks succeed"] } },
    async ({ k }) => {
      const job = await k.applyOne("workloads/job-sequential.yaml");

      const done = await k.wait(jobComplete(job.ref));
      expect(done.status).toMatchObject({ succeeded: 5, ready: 0 });
      expect(done.status).not.toHaveProperty("failed");

      const pods = k.timeline.pods((e) => e.owner === `Job/${job.metadata.name}`);
      expect(pods.map((p) => p.outcome)).toEqual(["Succeeded", "Succeeded", "Succeeded", "Succeeded", "Succeeded"]);
      expect(maxConcurrent(pods)).toBe(1);
      expect(strictlySequential(pods, "Succeeded")).toEqual({ ok: true });
    },
  );

  test(
    "deleting a Job with background propagation deletes its pods, finished ones included",
    { meta: { claims: ["JOB-4"], upstream: ["[sig-apps] Job should delete a job"] } },
    async ({ k }) => {
      const job = await k.applyOne<Job>("workloads/job-sequential.yaml", (j) => {
        j.spec!.completions = 2;
      });
      await k.wait(jobComplete(job.ref));
      await k.wait(podsOwnedBy(job.ref, 2));

      await k.delete(job, "Background");

      await k.wait(noPodsOwnedBy(job.ref));
    },
  );

  test(
    "deleting a Job with orphan propagation leaves its pods behind",
    { meta: { claims: ["JOB-4"], upstream: ["[sig-api-machinery] Garbage collector should orphan pods created by rc if delete options say so"] } },
    async ({ k }) => {
      const job = await k.applyOne<Job>("workloads/job-sequential.yaml", (j) => {
        j.spec!.completions = 2;
      });
      await k.wait(jobComplete(job.ref));
      await k.wait(podsOwnedBy(job.ref, 2));

      await k.delete(job, "Orphan");
      await k.wait(deleted(job.ref));

      // The garbage collector strips the owner reference instead of deleting the pods.
      const pods = { apiVersion: "v1", kind: "Pod", namespace: k.ns };
      await k.wait(countWhere(pods, 2, "without an owner", (p) => !p.metadata.ownerReferences?.length));
      await k.never(fewerThan(pods, 2));
    },
  );
});
