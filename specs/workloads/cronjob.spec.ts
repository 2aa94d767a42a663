import { describe, expect } from "vitest";
import { test } from "../../harness/test.ts";
import {
  anotherJobOwnedBy,
  atLeast,
  allDeleted,
  conditionOf,
  countWhere,
  cronReaction,
  deleted,
  eventAbout,
  jobActive,
  jobComplete,
  jobsOwnedBy,
  matches,
  ownedPodsDeleted,
  podsGone,
  pastNextMinute,
  podsOwnedBy,
  refTo,
} from "../../harness/wait/index.ts";
import type { CronJob, Job } from "../../harness/api/kinds.ts";
import { maxConcurrent } from "../../harness/record/timeline.ts";
import { createAsVersion, servedVersions } from "../../harness/ops/api-versions.ts";

const scheduledAt = "batch.kubernetes.io/cronjob-scheduled-timestamp";

/** The scheduled time of a CronJob's Job, in whole minutes since the epoch (the name's suffix). */
const minuteOf = (job: Job) => Date.parse(job.metadata.annotations![scheduledAt]!) / 60_000;

/** The CronJob fixture with the policy, whose Jobs run for `seconds` (simulated and real containers alike). */
const longRunning = (seconds: number, policy: "Forbid" | "Replace") => (c: CronJob) => {
  c.spec!.concurrencyPolicy = policy;
  const pod = c.spec!.jobTemplate.spec!.template;
  pod.metadata!.annotations!["kubeproof.dev/run-duration"] = `${seconds}s`;
  // Ends on SIGTERM: a shell as PID 1 ignores it, and a Replace would wait out the 30 s grace.
  pod.spec!.containers[0]!.command = ["sh", "-c", `trap 'exit 143' TERM; sleep ${seconds} & wait`];
};

// Every test waits for minute boundaries: they run side by side (the suite's default, kept explicit
// here) so the file takes about as long as its slowest test (two ticks), not the sum.
describe("CronJob", { concurrent: true }, () => {
  test(
    "the tutorial's step as it wrote it: a batch/v1beta1 CronJob is refused with 404 (served until 1.25); as batch/v1 it is created",
    { meta: { claims: [], upstream: [] } },
    async ({ k }) => {
      const served = await servedVersions(k, "batch");
      await k.observed("batch versions served", served.join(", "));
      expect(served).toContain("v1");
      expect(served).not.toContain("v1beta1");
      const refusal = await k.expectApiError(createAsVersion(k, "workloads/cronjob.yaml", "batch/v1beta1"), { code: 404, reason: "NotFound" }, "the tutorial's batch/v1beta1 CronJob");
      await k.observed("the apiserver's answer to batch/v1beta1", `${refusal.code} ${refusal.status.message}`);
      // The same manifest under today's version is taken as it is.
      const today = await k.applyOne<CronJob>("workloads/cronjob.yaml");
      expect(today).toMatchObject({ apiVersion: "batch/v1", kind: "CronJob", spec: { schedule: "*/1 * * * *" } });
    },
  );

  test(
    "creates a Job at each minute boundary, named after its scheduled minute",
    { meta: { claims: ["CRON-1"], upstream: ["[sig-apps] CronJob should schedule multiple jobs concurrently"] } },
    async ({ k }) => {
      const cj = await k.applyOne<CronJob>("workloads/cronjob.yaml");
      const name = cj.metadata.name!;

      const [first] = await k.wait(jobsOwnedBy(cj.ref, 1));
      const second = await k.wait(anotherJobOwnedBy(cj.ref, [first!.metadata.name!]));

      // <cronjob>-<scheduled time in minutes since the epoch>, on consecutive minutes.
      const m1 = minuteOf(first!);
      const m2 = minuteOf(second);
      expect(Number.isInteger(m1)).toBe(true);
      expect(first!.metadata.name).toBe(`${name}-${m1}`);
      expect(second.metadata.name).toBe(`${name}-${m2}`);
      expect(m2).toBe(m1 + 1);
      // Each Job is created shortly after its minute boundary (controller reaction, not a minute late).
      const reaction = cronReaction();
      for (const [job, minute] of [[first!, m1], [second, m2]] as const) {
        const lag = Date.parse(job.metadata.creationTimestamp!) - minute * 60_000;
        const said = `${job.metadata.name} created ${(lag / 1000).toFixed(1)} s after its minute; the bound is ${reaction.ms / 1000} s (${reaction.why})`;
        expect(lag, said).toBeGreaterThanOrEqual(0);
        expect(lag, said).toBeLessThan(reaction.ms);
      }

      // status.lastScheduleTime advances to each tick in turn.
      const tick2 = new Date(m2 * 60_000).toISOString().replace(".000Z", "Z");
      await k.wait(matches<CronJob>(cj.ref, `to have lastScheduleTime ${tick2}`, (c) => String(c.status?.lastScheduleTime) === tick2));
      const seen = k.timeline
        .of("CronJob")[0]!
        .states.map((s) => s.facts.lastSchedule)
        .filter((v, i, all) => v !== undefined && v !== all[i - 1]);
      // The recorder's watch may trail the wait's by an event: what it saw must be the ticks in order.
      const ticks = [new Date(m1 * 60_000).toISOString().replace(".000Z", "Z"), tick2];
      expect(seen.length).toBeGreaterThanOrEqual(1);
      expect(seen).toEqual(ticks.slice(0, seen.length));
    },
  );

  test(
    "deleting a CronJob deletes its Jobs and their pods, and no Job appears afterwards",
    { meta: { claims: ["CRON-2"], upstream: [] } },
    async ({ k }) => {
      const cj = await k.applyOne<CronJob>("workloads/cronjob.yaml");
      const [job] = await k.wait(jobsOwnedBy(cj.ref, 1));
      await k.wait(jobComplete(refTo(job!)));
      const pods = await k.wait(podsOwnedBy(refTo(job!), 1));

      // No propagation policy: the apiserver's default for batch/v1 CronJobs is background.
      await k.delete(cj);
      await k.wait(deleted(cj.ref));

      await k.wait(allDeleted({ apiVersion: "batch/v1", kind: "Job", namespace: k.ns }, `the Jobs of CronJob ${cj.metadata.name}`));
      await k.wait(ownedPodsDeleted(refTo(job!), pods));
      // Then gone, every pod of the namespace (a later tick's Job's too): their kubelets' part.
      await k.wait(allDeleted({ apiVersion: "v1", kind: "Pod", namespace: k.ns }, `the pods of CronJob ${cj.metadata.name}'s Jobs`, "podTermination"));
      await k.never(atLeast({ apiVersion: "batch/v1", kind: "Job", namespace: k.ns }, 1), pastNextMinute());
    },
  );

  test(
    "with concurrencyPolicy Forbid a running Job blocks the next tick's Job",
    { meta: { claims: [], beyond: ["CRON-1"], upstream: ["[sig-apps] CronJob should not schedule new jobs when ForbidConcurrent"] } },
    async ({ k }) => {
      const cj = await k.applyOne<CronJob>("workloads/cronjob.yaml", longRunning(150, "Forbid"));
      const [job] = await k.wait(jobsOwnedBy(cj.ref, 1));
      await k.wait(jobActive(refTo(job!), 1));

      await k.never(jobsOwnedBy(cj.ref, 2), pastNextMinute());

      // The tick did come: the controller says why it started nothing.
      const skipped = await k.wait(eventAbout({ kind: "CronJob", name: cj.metadata.name!, namespace: k.ns }, "JobAlreadyActive"));
      expect(skipped).toMatchObject({ type: "Normal" });
      expect((await k.get<Job>(job!)).status).toMatchObject({ active: 1 });
      expect((await k.get<CronJob>(cj)).status?.active).toEqual([expect.objectContaining({ name: job!.metadata.name })]);
    },
  );

  test(
    "with concurrencyPolicy Replace the running Job is deleted and replaced at the next tick",
    { meta: { claims: [], beyond: ["CRON-1"], upstream: ["[sig-apps] CronJob should replace jobs when ReplaceConcurrent"] } },
    async ({ k }) => {
      const cj = await k.applyOne<CronJob>("workloads/cronjob.yaml", longRunning(150, "Replace"));
      const [first] = await k.wait(jobsOwnedBy(cj.ref, 1));
      await k.wait(jobActive(refTo(first!), 1));
      const firstPods = await k.wait(podsOwnedBy(refTo(first!), 1));

      const second = await k.wait(anotherJobOwnedBy(cj.ref, [first!.metadata.name!]));
      await k.wait(deleted(refTo(first!)));
      await k.wait(ownedPodsDeleted(refTo(first!), firstPods));
      await k.wait(podsGone(firstPods));
      await k.timeline.caughtUp(await k.wait(jobActive(refTo(second), 1)));

      expect(minuteOf(second)).toBe(minuteOf(first!) + 1);
      // The old Job was gone before the new one was created.
      expect(maxConcurrent(k.timeline.of("Job"))).toBe(1);
    },
  );

  test(
    "successfulJobsHistoryLimit 1 keeps only the newest finished Job and deletes the older one with its pods",
    { meta: { claims: [], beyond: ["CRON-1"], upstream: ["[sig-apps] CronJob should delete successful finished jobs with limit of one successful job"] } },
    async ({ k }) => {
      const cj = await k.applyOne<CronJob>("workloads/cronjob.yaml", (c) => {
        c.spec!.successfulJobsHistoryLimit = 1;
      });
      const [first] = await k.wait(jobsOwnedBy(cj.ref, 1));
      await k.wait(jobComplete(refTo(first!)));
      const firstPods = await k.wait(podsOwnedBy(refTo(first!), 1));

      const second = await k.wait(anotherJobOwnedBy(cj.ref, [first!.metadata.name!]));
      await k.wait(jobComplete(refTo(second)));

      await k.wait(deleted(refTo(first!)));
      await k.wait(ownedPodsDeleted(refTo(first!), firstPods));
      await k.wait(podsGone(firstPods));
      // What the controller guarantees: one finished Job kept, the newest. On a slow machine the
      // schedule may tick again before this look, so the newest may be a later one than the second.
      const left = await k.wait(countWhere<Job>({ apiVersion: "batch/v1", kind: "Job", namespace: k.ns }, 1, "finished (Complete)", (j) => conditionOf(j, "Complete")?.status === "True"));
      const minute = (j: Job) => Number(j.metadata.name!.split("-").at(-1));
      expect(minute(left[0]!), `the kept Job ${left[0]!.metadata.name} is not older than ${second.metadata.name}`).toBeGreaterThanOrEqual(minute(second));
      await k.observed("finished Jobs kept", left.map((j) => j.metadata.name).join(", "));
    },
  );
});
