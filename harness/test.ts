// The test fixture every spec uses. Each test gets `k`: its own namespace on the run's one
// cluster, a flight recorder, fixture apply with self-registered cleanup, named waits and API
// error expectations. This file composes the parts, each in harness/k/ (labels, namespace,
// apply, objects, waits, timeline, cleanup); spec files hold inputs, waits and expectations.
import { test as base, inject } from "vitest";
import * as allure from "allure-js-commons";
import { randomBytes } from "node:crypto";
import type { KubeObject } from "./api/client.ts";
import { expectApiError } from "./api/expected-error.ts";
import type { ClaimId } from "./report/claims.ts";
import type { ClusterInfo } from "./cluster/types.ts";
import { attachDiagnostics, attachTimeline } from "./record/diagnostics.ts";
import { collectLogs } from "./record/logs.ts";
import { Feed } from "./record/feed.ts";
import { Transcript } from "./record/repro.ts";
import { kubectl } from "./ops/kubectl.ts";
import { clusterApi } from "./api/cluster-api.ts";
import { fileId, fileLabel, runLabel } from "./api/ownership.ts";
import { refTo } from "./wait/index.ts";
import { labelTest } from "./k/labels.ts";
import { Cleanup } from "./k/cleanup.ts";
import { fixtureApplier, fixturePlacer } from "./k/apply.ts";
import { openNamespace } from "./k/namespace.ts";
import { timelineOf } from "./k/timeline.ts";
import { podStarts, recordPodStarts } from "./record/pod-starts.ts";
import { objectsOf } from "./k/objects.ts";
import { waitsOf } from "./k/waits.ts";
import { step } from "./k/step.ts";
import { blameOf, blameToLabels } from "./failures.ts";
import type { Kube } from "./k/kube.ts";
import { cpuBudget, loadShare, takeCpu } from "./run/cpu-budget.ts";
import { backlogLimit, machineCores, queuedPerCore, recordPaced, whenNodesHaveRoom } from "./k/pace.ts";

export type { Kube } from "./k/kube.ts";

declare module "vitest" {
  interface ProvidedContext {
    cluster: ClusterInfo;
  }
  interface TaskMeta {
    /** Tutorial claims this test checks (docs/claims.md). */
    claims?: ClaimId[];
    /**
     * Claims this test stands next to with a behaviour the tutorial never mentions (a concurrency
     * policy, orphan propagation, a rolling update): reported beside them, never counted for them,
     * so its failure does not read as the tutorial contradicted.
     */
    beyond?: ClaimId[];
    /** Names of upstream e2e tests asserting the same behaviour. */
    upstream?: string[];
  }
}

const keepOnFailure = process.env.KUBEPROOF_KEEP_ON_FAILURE === "1";

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 30).replace(/-$/, "");
}

export const test = base.extend<{ k: Kube; feed: Feed }>({
  // One set of watches per spec file for its tests' flight recorders (see harness/record/feed.ts).
  feed: [
    // eslint-disable-next-line no-empty-pattern -- vitest wants the context destructured; this fixture needs none of it
    async ({}, use) => {
      const feed = new Feed(clusterApi());
      await use(feed);
      feed.stop();
    },
    { scope: "file" },
  ],
  k: async ({ task, skip, feed }, use) => {
    const info = inject("cluster");
    const api = clusterApi();
    const suffix = randomBytes(3).toString("hex");
    const ns = `kp-${slug(task.name)}-${suffix}`;
    const feature = await labelTest(task, info);
    const owner = { [runLabel]: info.runId, [fileLabel]: fileId(task.file.filepath) };
    const cleanup = new Cleanup();
    // Where a real kubelet starts the pods, the test begins once the nodes have room (harness/k/pace.ts).
    if (info.capabilities.containerRuntime) {
      await feed.ready.catch(() => undefined);
      const nodes = feed.nodes();
      const p = await whenNodesHaveRoom(feed.backlog, backlogLimit(nodes));
      recordPaced({ ...p, test: task.name, ...machineCores(nodes) });
      if (p.waitedMs > 2_000) {
        const why = `${p.queuedAtAsk} pods were queued on the nodes (room for ${p.limit}: ${queuedPerCore} per core)`;
        await allure.parameter("paced", p.gaveUp ? `started after ${(p.waitedMs / 1000).toFixed(1)} s without room: ${why}` : `waited ${(p.waitedMs / 1000).toFixed(1)} s for the nodes to have room: ${why}`);
      }
    }
    const rec = await openNamespace({ api, feed, ns, suffix, labels: { ...owner, "kubeproof.dev/test": slug(task.name) }, file: owner[fileLabel], cleanup });
    const transcript = new Transcript(ns, suffix);
    const apply = fixtureApplier({ api, ns, suffix, labels: owner, transcript, cleanup });
    const placeFixture = fixturePlacer({ api, ns, suffix, labels: owner });

    const k: Kube = {
      api,
      ns,
      cluster: info,
      suffix,
      apply,
      async applyOne<T extends KubeObject>(fixture: string, mutate?: (obj: T) => void) {
        const objs = await apply<T>(fixture, mutate);
        if (objs.length !== 1) throw new Error(`${fixture}: expected exactly one object, found ${objs.length}`);
        const o = objs[0]!;
        return Object.assign(o, { ref: refTo(o) });
      },
      async placed<T extends KubeObject>(fixture: string) {
        const { docs } = await placeFixture(fixture);
        if (docs.length !== 1) throw new Error(`${fixture}: expected exactly one object, found ${docs.length}`);
        return docs[0]!.obj as T;
      },
      ...objectsOf(api, transcript),
      ...waitsOf({ api, rec, backlog: feed.backlog, transcript, test: task.name, suffix }),
      expectApiError: (op, expected, what) => step(`expect ${what ?? "the request"} to be refused with ${expected.code}${expected.reason ? ` ${expected.reason}` : ""}`, () => expectApiError(op, expected, what)),
      observed: async (what, value) => void (await allure.parameter(what, value)),
      noted: async (finding) => void (await allure.label("noted", finding)),
      kubectl: (...args) =>
        step(`kubectl ${args.join(" ")}`, async () => {
          transcript.ranKubectl(args);
          const out = await kubectl(info.kubeconfig, ns, args);
          await allure.attachment(`kubectl ${args[0]} output`, out, "text/plain");
          return out;
        }),
      defer: (what, fn) => cleanup.defer(what, fn),
      async burnsCpu(millicores, what) {
        if (!info.capabilities.containerRuntime) return;
        const { waitedMs, release } = await step(`take ${millicores}m of the run's CPU budget (${cpuBudget()}m) for ${what}`, () => takeCpu(info.runId, task.name, millicores));
        cleanup.defer(`give back ${millicores}m of the CPU budget`, release);
        if (waitedMs > 1000) await allure.parameter("paced", `waited ${(waitedMs / 1000).toFixed(1)} s for ${millicores}m of the run's CPU budget (${cpuBudget()}m: ${loadShare * 100}% of this machine's cores)`);
      },
      requires(cap, why) {
        const have = info.capabilities[cap];
        if (!have || have === "none") k.skipIf(`${why} (this cluster has no ${cap}: ${info.missing[cap] ?? `provider ${info.provider} does not offer it`})`);
      },
      fromVersion(minor, change) {
        const num = (v: string) => v.replace(/^v/, "").split(".").slice(0, 2).map(Number) as [number, number];
        const [have, want] = [num(info.kubeVersion), num(minor)];
        const after = have[0] > want[0] || (have[0] === want[0] && have[1] >= want[1]);
        void allure.label("version-specific", `${after ? "from" : "before"} ${minor} (this cluster: ${info.kubeVersion}): ${change}`);
        return after;
      },
      skipIf(reason) {
        if (reason === undefined) return;
        // Allure keeps no skip note; the label carries the reason to the report and the ledger.
        void allure.label("skip-reason", reason);
        skip(reason);
      },
      timeline: timelineOf(rec),
      step,
    };

    await use(k);

    rec.stop();
    recordPodStarts(podStarts(rec.entries));
    // vitest runs fixture teardown before onTestFailed hooks, but the test's failure is already
    // in its result: diagnostics are taken here, while the namespace and its pods still exist.
    const failed = task.result?.state === "fail";
    // Who failed travels to the ledger as labels, read from the error the test ended with: the
    // cluster only where that error carries evidence (harness/failures.ts).
    if (failed) for (const l of blameToLabels(blameOf(task.result?.errors?.[0]))) await allure.label(l.name, l.value);
    if (failed) await attachDiagnostics(rec, `${feature}: ${task.name}`, () => collectLogs(api, info, [...rec.last.values()]), transcript);
    else if (rec.entries.some((e) => e.kind !== "Event" && e.kind !== "Node")) await attachTimeline(rec, `${feature}: ${task.name}`).catch(() => undefined);
    if (failed && keepOnFailure) {
      process.stderr.write(`[kubeproof] keeping ${ns} and its cluster-scoped objects (KUBEPROOF_KEEP_ON_FAILURE=1)\n`);
      return;
    }
    await cleanup.run();
  },
});
