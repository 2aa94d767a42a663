import { describe, expect } from "vitest";
import { test } from "../../harness/test.ts";
import {
  countWhere,
  deleted,
  fewerThan,
  jobActive,
  jobComplete,
  jobFailed,
  jobSuspended,
  noPodsOwnedBy,
  ownedPodsDeleted,
  podsGone,
  podOnNode,
  podsOwnedBy,
  podsReleasedOrDeleted,
  refTo,
} from "../../harness/wait/index.ts";
import type { Job } from "../../harness/api/kinds.ts";
import { maxConcurrent, ownedBy, strictlySequential } from "../../harness/record/timeline.ts";

describe("Job", () => {
  test(
    "runs completions one after another when parallelism is not set",
    { meta: { claims: ["JOB-2"], upstream: ["[sig-apps] Job should run a job to completion when tasks succeed"] } },
    async ({ k }) => {
      const job = await k.applyOne("workloads/job-sequential.yaml");

      const done = await k.wait(jobComplete(job.ref));
      expect(done.status).toMatchObject({ succeeded: 5, ready: 0 });
      expect(done.status).not.toHaveProperty("failed");

      const pods = await k.timeline.podsEnded(ownedBy(job), 5);
      expect(pods.map((p) => p.outcome)).toEqual(["Succeeded", "Succeeded", "Succeeded", "Succeeded", "Succeeded"]);
      expect(maxConcurrent(pods)).toBe(1);
      expect(strictlySequential(pods, "Succeeded")).toEqual({ ok: true });
    },
  );

  test(
    "a deleted pod is replaced until the Job completes",
    { meta: { claims: ["JOB-1"], upstream: [] } },
    async ({ k }) => {
      const job = await k.applyOne<Job>("workloads/job-long.yaml");
      const [first] = await k.wait(podsOwnedBy(job.ref, 1));
      await k.wait(podOnNode(refTo(first!)));

      await k.delete(first!);

      const done = await k.wait(jobComplete(job.ref));
      expect(done.status).toMatchObject({ succeeded: 1 });
      const pods = await k.timeline.podsEnded(ownedBy(job), 2);
      expect(pods.map((p) => ({ name: p.name, outcome: p.outcome }))).toEqual([
        { name: first!.metadata.name, outcome: "Deleted" },
        { name: expect.not.stringMatching(`^${first!.metadata.name}$`), outcome: "Succeeded" },
      ]);
    },
  );

  test(
    "a failed pod is replaced by a new one until backoffLimit, then the Job fails with BackoffLimitExceeded",
    {
      meta: {
        claims: ["JOB-1"],
        upstream: ["[sig-apps] Job should run a job to completion when tasks sometimes fail and are not locally restarted", "[sig-apps] Job should fail to exceed backoffLimit"],
      },
    },
    async ({ k }) => {
      const job = await k.applyOne<Job>("workloads/job-failing.yaml"); // backoffLimit: 2, every pod exits 1

      const failed = await k.wait(jobFailed(job.ref, "BackoffLimitExceeded"));
      expect(failed.status).toMatchObject({ failed: 3 });
      expect(failed.status).not.toHaveProperty("succeeded");

      // backoffLimit + 1 pods, each created only after the previous one failed.
      const pods = await k.timeline.podsEnded(ownedBy(job), 3);
      expect(pods.map((p) => p.outcome)).toEqual(["Failed", "Failed", "Failed"]);
      expect(strictlySequential(pods, "Failed")).toEqual({ ok: true });
    },
  );

  test(
    "runs parallelism pods at once, never more",
    { meta: { claims: ["JOB-3"], upstream: ["[sig-apps] Job should delete a job", "[sig-apps] Job should remove pods when job is deleted"] } },
    async ({ k }) => {
      const job = await k.applyOne<Job>("workloads/job-parallel.yaml"); // completions 6, parallelism 3

      await k.wait(jobActive(job.ref, 3));
      const done = await k.wait(jobComplete(job.ref));
      expect(done.status).toMatchObject({ succeeded: 6 });

      const pods = await k.timeline.podsEnded(ownedBy(job), 6);
      expect(pods).toHaveLength(6);
      expect(maxConcurrent(pods)).toBe(3);
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
      const pods = await k.wait(podsOwnedBy(job.ref, 2));

      await k.delete(job, "Background");

      await k.wait(ownedPodsDeleted(job.ref, pods));
      await k.wait(podsGone(pods));
    },
  );

  test(
    "deleting a Job with orphan propagation leaves its pods behind",
    { meta: { claims: [], beyond: ["JOB-4"], upstream: ["[sig-api-machinery] Garbage collector should orphan pods created by rc if delete options say so"] } },
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

  test(
    "deleting a batch/v1 Job through the API without a propagation policy orphans its pods",
    { meta: { claims: [], beyond: ["JOB-4"], upstream: [] } },
    async ({ k }) => {
      const job = await k.applyOne<Job>("workloads/job-sequential.yaml", (j) => {
        j.spec!.completions = 2;
      });
      await k.wait(jobComplete(job.ref));
      const names = (await k.wait(podsOwnedBy(job.ref, 2))).map((p) => p.metadata.name!);

      // What a plain API client does (kubectl sends propagationPolicy=Background instead).
      await k.delete(job);
      await k.wait(deleted(job.ref));

      const after = await k.wait(podsReleasedOrDeleted(k.ns, names));
      await k.observed("pods after a delete without propagation policy", after.deleted.length ? `deleted: ${after.deleted.join(", ")}; kept: ${after.kept.join(", ") || "none"}` : `all ${after.kept.length} kept, owner reference removed (orphaned)`);
      // The apiserver's default garbage collection policy for batch/v1 Jobs is orphan, kept for
      // backward compatibility: the tutorial's "deleting a Job deletes its pods" holds for kubectl only.
      expect(after).toEqual({ kept: names, deleted: [] });
      await k.never(fewerThan({ apiVersion: "v1", kind: "Pod", namespace: k.ns }, 2));
    },
  );

  test(
    "a Job past activeDeadlineSeconds fails with DeadlineExceeded and its running pod is removed",
    { meta: { claims: [], upstream: ["[sig-apps] Job should fail when exceeds active deadline"] } },
    async ({ k }) => {
      const job = await k.applyOne<Job>("workloads/job-long.yaml", (j) => {
        j.spec!.activeDeadlineSeconds = 3;
        j.spec!.template.metadata!.annotations!["kubeproof.dev/run-duration"] = "120s";
      });

      const failed = await k.wait(jobFailed(job.ref, "DeadlineExceeded"));
      await k.wait(noPodsOwnedBy(job.ref));

      const condition = failed.status!.conditions!.find((c) => c.type === "Failed")!;
      const ranFor = Date.parse(String(condition.lastTransitionTime)) - Date.parse(String(failed.status!.startTime));
      expect(ranFor).toBeGreaterThanOrEqual(3_000);
      expect(failed.status).not.toHaveProperty("succeeded");
      expect((await k.timeline.podsEnded(ownedBy(job))).map((p) => p.outcome)).toEqual(["Deleted"]);
    },
  );

  test(
    "a suspended Job creates no pods; resuming it runs it to completion",
    { meta: { claims: [], upstream: ["[sig-apps] Job should not create pods when created in suspend state"] } },
    async ({ k }) => {
      const job = await k.applyOne<Job>("workloads/job-suspended.yaml"); // suspend: true, completions 2

      await k.wait(jobSuspended(job.ref));
      await k.never(podsOwnedBy(job.ref, 1));

      await k.patch(job, { spec: { suspend: false } });

      const done = await k.wait(jobComplete(job.ref));
      expect(done.status).toMatchObject({ succeeded: 2 });
    },
  );
});
