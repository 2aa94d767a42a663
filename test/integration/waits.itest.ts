// The harness's own promises, checked on the run's cluster: waits are driven by watch events
// (constant cost), time out with the last observed object, fail fast on terminal wrong states;
// `never` catches what it must; the recorder sees every transition in order.
import { describe, expect } from "vitest";
import { test } from "../../harness/test.ts";
import { waitFor, never, WaitError } from "../../harness/wait/wait.ts";
import { count, exists, jobComplete, matches, noPodsOwnedBy, ownedPodsDeleted, podsOwnedBy } from "../../harness/wait/index.ts";
import type { ConfigMap, Job } from "../../harness/api/kinds.ts";
import { Api, type KubeObject } from "../../harness/api/client.ts";
import { Recorder } from "../../harness/record/recorder.ts";
import { timeoutFor } from "../../harness/timeouts.ts";
import { InfrastructureError } from "../../harness/record/image-trouble.ts";
import { ownedBy } from "../../harness/record/timeline.ts";

describe("named waits", () => {
  test("a wait costs one list and one watch however long it waits", async ({ k }) => {
    // A client of its own: the worker's shared client also carries the other tests' requests.
    const api = Api.fromFile(k.cluster.kubeconfig);
    await api.resource("v1", "ConfigMap"); // discovery once, outside the measurement
    const cm = { apiVersion: "v1", kind: "ConfigMap", name: "later", namespace: k.ns };
    const start = api.requests;
    // long enough for the watch to be established even on a slow apiserver
    await expect(waitFor(api, exists(cm), { timeoutMs: 5000 })).rejects.toThrow(WaitError);
    const shortWait = api.requests - start;

    const before = api.requests;
    const waiting = waitFor(api, exists(cm), { timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 4000));
    await k.api.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "later", namespace: k.ns } });
    await waiting;
    const created = api.requests - before;
    expect(shortWait).toBe(2);
    expect(created).toBe(2);
  });

  test("a timed-out wait says what it waited for, how long, and shows the last observed object", async ({ k }) => {
    await k.api.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: k.ns }, data: { colour: "blue" } });
    const ref = { apiVersion: "v1", kind: "ConfigMap", name: "c", namespace: k.ns };
    const err = await waitFor(k.api, matches<ConfigMap>(ref, "to be red", (c) => c.data?.colour === "red"), { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitError);
    expect((err as WaitError).category).toBe("timeout");
    expect((err as Error).message).toMatch(/^Timed out after 5\.0 s waiting for ConfigMap .*\/c to be red/);
    expect((err as Error).message).toContain(`ConfigMap ${k.ns}/c: {"data":{"colour":"blue"}}`);
    expect((err as WaitError).lastObserved).toEqual([expect.objectContaining({ data: { colour: "blue" } })]);
  });

  test("a wait fails fast when the object reaches a terminal wrong state", async ({ k }) => {
    const job = await k.applyOne<Job>("workloads/job-failing.yaml", (j) => {
      j.spec!.backoffLimit = 0;
    });
    // The test's own wait (stretched by the measured pod starts): on nodes too slow to run and fail
    // the pod even then, it ends "Timed out ... the nodes were too slow", and so does this test.
    const err = await k.wait(jobComplete(job.ref)).catch((e: unknown) => e);
    const ended = k.timeline.now();
    if (err instanceof WaitError && err.category === "timeout") throw err;
    expect((err as WaitError).category).toBe("terminal-state");
    expect((err as Error).message).toMatch(/the Job failed instead \(BackoffLimitExceeded/);
    // Fast: within seconds of the Job turning Failed, as the flight recorder saw it, however long
    // a loaded node took to run and fail the pod (106 s once on a 2-core kind run).
    const failed = await k.timeline.until("the Job's Failed condition", () => k.timeline.entries().find((e) => e.kind === "Job" && e.facts.conditions?.includes("Failed")));
    expect(ended - failed.t).toBeLessThan(5_000);
  });

  test("never fails at the moment the unwanted thing happens, showing it", async ({ k }) => {
    const cms = { apiVersion: "v1", kind: "ConfigMap", namespace: k.ns, labelSelector: "unwanted=yes" };
    const watching = never(k.api, count(cms, 1), 20_000).then(() => undefined, (e: unknown) => e);
    await new Promise((r) => setTimeout(r, 500));
    const t = Date.now();
    await k.api.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "surprise", namespace: k.ns, labels: { unwanted: "yes" } } });
    const err = await watching;
    expect((err as WaitError).category).toBe("unexpected-change");
    expect((err as Error).message).toContain(`ConfigMap ${k.ns}/surprise: (nothing but metadata)`);
    expect(Date.now() - t).toBeLessThan(5000);
  });
});

describe("a delete that must delete", () => {
  test("pods orphaned instead of deleted fail the wait for their deletion, though no pod is owned any more", async ({ k }) => {
    const job = await k.applyOne<Job>("workloads/job-sequential.yaml", (j) => {
      j.spec!.completions = 1;
    });
    await k.wait(jobComplete(job.ref));
    const pods = await k.wait(podsOwnedBy(job.ref, 1));

    // What a garbage collector that orphans would leave: the pods, without their owner.
    await k.delete(job, "Orphan");
    await k.wait(noPodsOwnedBy(job.ref)); // the weaker wait is met by an orphan
    const err = (await k.wait(ownedPodsDeleted(job.ref, pods)).catch((e: unknown) => e)) as WaitError;
    expect(err).toBeInstanceOf(WaitError);
    expect(err.category).toBe("terminal-state");
    expect(err.message).toContain(`${pods[0]!.metadata.name} lost Job ${job.metadata.name} as owner but was not deleted (orphaned)`);
  });
});

describe("a pod that cannot get its image", () => {
  // imagePullPolicy Never and an invalid name fail in the kubelet without dialing any registry.
  test.for([
    { image: "docker.io/library/busybox:0.0.0-kubeproof-missing", pullPolicy: "Never", reason: "ErrImageNeverPull" },
    { image: "docker.io/library/BusyBox:Not:A:Reference", pullPolicy: "IfNotPresent", reason: "InvalidImageName" },
  ])("ends the wait at once with $reason, naming the pod, the image and the event", async ({ image, pullPolicy, reason }, { k }) => {
    k.requires("containerRuntime", "only a kubelet with a container runtime pulls images");
    const job = await k.applyOne<Job>("workloads/job-sequential.yaml", (j) => {
      j.spec!.completions = 1;
      const c = j.spec!.template.spec!.containers[0]!;
      c.image = image;
      c.imagePullPolicy = pullPolicy;
    });
    const err = (await k.wait(jobComplete(job.ref)).catch((e: unknown) => e)) as Error;
    const ended = k.timeline.now();
    expect(err).toBeInstanceOf(InfrastructureError);
    expect(err.message).toMatch(new RegExp(`^Infrastructure problem: pod ${k.ns}/${job.metadata.name}-\\w+ cannot get its image ${image.replace(/[.:]/g, "\\$&")} \\(container \\w+: ${reason}`));
    // "At once": from the moment the kubelet's reason reached the recorder, not after the wait's
    // timeout. (How long the kubelet takes to get there depends on the node's load: 33 s was seen.)
    const [pod] = k.timeline.pods(ownedBy(job));
    const stuck = pod!.states.find((s) => s.facts.waiting?.reason === reason);
    expect(stuck, `the recorder's states of ${pod!.name}: ${pod!.states.map((s) => s.state).join(" -> ")}`).toBeDefined();
    expect(ended - stuck!.t).toBeLessThan(2_000);
    expect(ended).toBeLessThan(timeoutFor(jobComplete(job.ref).timeout));
  });
});

describe("flight recorder", () => {
  test("records every phase of a Job's pod in order", async ({ k }) => {
    // A real kubelet publishes Running only when it syncs the pod after the container started; a
    // short container on a busy node can go from Pending straight to Succeeded. Seen: 2 s (kind in
    // CI) and 8 s (kind under a full run: the container started at 19.5 s and the kubelet's first
    // status after Pending, at 36.6 s, was already Succeeded). So this pod runs 30 s; the file's
    // other tests take as long, so the run does not wait for it.
    const job = await k.applyOne<Job>("workloads/job-sequential.yaml", (j) => {
      j.spec!.completions = 1;
      j.spec!.template.metadata!.annotations!["kubeproof.dev/run-duration"] = "30s";
      j.spec!.template.spec!.containers[0]!.command = ["sh", "-c", "sleep 30; echo done"];
    });
    await k.wait(jobComplete(job.ref));
    const [pod] = await k.timeline.podsEnded(ownedBy(job));
    const phases = pod!.states.map((s) => s.facts.phase).filter((p, i, all) => p !== all[i - 1]);
    expect(phases).toEqual(["Pending", "Running", "Succeeded"]);
    expect(pod!.running! - pod!.created).toBeGreaterThanOrEqual(0);
    // the 8 s run as the recorder saw it; a kubelet may publish either end a few seconds late
    expect(pod!.ended! - pod!.running!).toBeGreaterThanOrEqual(5000);
  });

  test("keeps to its own test, though the tests of a file share one set of watches", async ({ k, feed }) => {
    // A neighbour: another namespace (labelled like the test's, so a killed run's clean-up finds
    // it) with its own recorder on the same feed, and an object of the same kind and name in each.
    const ns = await k.get<KubeObject>({ apiVersion: "v1", kind: "Namespace", name: k.ns });
    const other = `${k.ns}-other`;
    await k.api.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: other, labels: ns.metadata.labels } });
    k.defer(`namespace ${other}`, () => k.api.delete({ apiVersion: "v1", kind: "Namespace", name: other }, "Background").then(() => undefined));
    const neighbour = new Recorder(feed, other, "neighbour");
    await neighbour.start();
    k.defer("the neighbour's recorder", async () => neighbour.stop());

    const quota = (namespace: string) => ({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "q", namespace }, spec: { hard: { pods: "1" } } });
    const theirs = await k.api.create<KubeObject>(quota(other));
    const mine = await k.api.create<KubeObject>(quota(k.ns));
    await neighbour.caughtUp(theirs);
    await k.timeline.caughtUp(mine);

    const quotas = (entries: { kind: string; namespace?: string }[]) => entries.filter((e) => e.kind === "ResourceQuota").map((e) => e.namespace);
    expect(new Set(quotas(k.timeline.entries()))).toEqual(new Set([k.ns]));
    expect(new Set(quotas(neighbour.entries))).toEqual(new Set([other]));
  });
});
