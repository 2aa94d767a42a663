// The test fixture every spec uses. Each test gets `k`: its own namespace on the run's one
// cluster, a flight recorder, fixture apply with self-registered cleanup, named waits and API
// error expectations. Plumbing stays here; spec files hold inputs, waits and expectations.
import { test as base, inject } from "vitest";
import * as allure from "allure-js-commons";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { ApiError, type Api, type KubeObject } from "./api/client.js";
import { expectApiError, type ExpectedError } from "./api/expected-error.js";
import { claims as claimTable, type ClaimId } from "./report/claims.js";
import type { ClusterInfo, Capabilities } from "./cluster/types.js";
import { attachDiagnostics, attachTimeline } from "./record/diagnostics.js";
import { collectLogs } from "./record/logs.js";
import { readFixture, place, addressable, FixtureError, type Applied } from "./fixtures.js";
import { Feed } from "./record/feed.js";
import { Recorder } from "./record/recorder.js";
import { imageTrouble } from "./record/image-trouble.js";
import { Transcript } from "./record/repro.js";
import { kubectl } from "./ops/kubectl.js";
import { timeoutFor, type TimeoutKind } from "./timeouts.js";
import { recordWait } from "./report/wait-times.js";
import { clusterApi } from "./api/cluster-api.js";
import { fileId, fileLabel, rememberNamespace, runLabel } from "./api/ownership.js";
import { lifetimes, type Lifetime, type TimelineEntry } from "./record/timeline.js";
import { never, waitFor, WaitError, type Condition } from "./wait/wait.js";
import { deleted, exists, refTo, show, type Ref } from "./wait/index.js";

declare module "vitest" {
  interface ProvidedContext {
    cluster: ClusterInfo;
  }
  interface TaskMeta {
    /** Tutorial claims this test checks (docs/claims.md). */
    claims?: ClaimId[];
    /** Names of upstream e2e tests asserting the same behaviour. */
    upstream?: string[];
  }
}

export const fieldManager = "kubeproof";
const keepOnFailure = process.env.KUBEPROOF_KEEP_ON_FAILURE === "1";


export interface Kube {
  readonly api: Api;
  readonly ns: string;
  readonly cluster: ClusterInfo;
  /** Unique per test; appended to the names of cluster-scoped objects. */
  readonly suffix: string;
  /** Applies a fixture file (server-side dry run first); its deletion is registered for the end. The result is addressable by kind and name: `.get("PersistentVolumeClaim")`. */
  apply<T extends KubeObject = KubeObject>(fixture: string, mutate?: (obj: T) => void): Promise<Applied<T>>;
  /** Applies a fixture holding exactly one object. */
  applyOne<T extends KubeObject = KubeObject>(fixture: string, mutate?: (obj: T) => void): Promise<T & { ref: Ref }>;
  delete(obj: KubeObject | Ref, propagation?: "Background" | "Foreground" | "Orphan"): Promise<void>;
  patch<T extends KubeObject>(obj: KubeObject | Ref, body: unknown, type?: "merge" | "json" | "strategic", subresource?: string): Promise<T>;
  get<T extends KubeObject>(obj: KubeObject | Ref): Promise<T>;
  wait<R>(cond: Condition<R>): Promise<R>;
  /** The condition stays unmet for the window: a row of the timeout table (default quietPeriod) or a clock in ms. */
  never<R>(cond: Condition<R>, window?: TimeoutKind | number): Promise<void>;
  expectApiError(op: Promise<unknown>, expected: ExpectedError, what?: string): Promise<ApiError>;
  /** Records what the cluster did, beside the test's result in the report (an Allure parameter). */
  observed(what: string, value: string): Promise<void>;
  /** Runs kubectl as a user types it, in the test's namespace; resolves with its output. */
  kubectl(...args: string[]): Promise<string>;
  /** Registers a cleanup step (run in reverse order after the test). */
  defer(what: string, fn: () => Promise<void>): void;
  /** Skips the test, with the reason, where the provider lacks a capability. */
  requires(cap: keyof Capabilities, why: string): void;
  timeline: {
    /** Resolves once the recorder has seen the object as given (call after a wait, before reading). */
    caughtUp(obj: KubeObject): Promise<void>;
    entries(): TimelineEntry[];
    pods(filter?: (e: TimelineEntry) => boolean): Lifetime[];
    of(kind: string, filter?: (e: TimelineEntry) => boolean): Lifetime[];
    /**
     * The lifetimes of the matching pods once at least `atLeast` were seen and every one has ended:
     * the recorder watches apart from the wait that just returned, and may be a few events behind.
     */
    podsEnded(filter: (e: TimelineEntry) => boolean, atLeast?: number): Promise<Lifetime[]>;
    /** Resolves with `fn`'s first defined answer, asked again as each event arrives; fails after 30 s naming `what`. */
    until<T>(what: string, fn: () => T | undefined): Promise<T>;
    /** Milliseconds since the recorder started: the clock of the entries' `t`. */
    now(): number;
  };
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** allure's step returns a PromiseLike; callers want a Promise. */
function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return Promise.resolve(allure.step(name, fn));
}

function toRef(o: KubeObject | Ref): Ref {
  return "metadata" in o ? refTo(o as KubeObject) : (o as Ref);
}

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
    const specFile = path.relative(process.cwd(), task.file.filepath);
    const area = specFile.split(path.sep)[1] ?? "misc";
    const feature = task.suite?.name ?? path.basename(specFile, ".spec.ts");

    await allure.epic(area[0]!.toUpperCase() + area.slice(1));
    await allure.feature(feature);
    // story = the behaviour: the tutorial claim when the test names one, else the test itself
    const firstClaim = task.meta.claims?.[0];
    await allure.story(firstClaim ? `${firstClaim}: ${claimTable[firstClaim].title}` : task.name);
    await allure.parameter("provider", info.provider);
    await allure.parameter("kubernetes", info.kubeVersion);
    // The report's environments (allurerc.mjs) and sections: one per cluster; the tutorial's
    // behaviours apart from the harness's own tests; severity says what a failure would cost: a
    // tutorial claim (critical), a behaviour beyond the tutorial (normal), the harness (minor).
    await allure.label("cluster", `${info.provider} ${info.kubeVersion}`);
    const harnessTest = specFile.startsWith(`test${path.sep}`);
    await allure.label("layer", harnessTest ? "harness" : "conformance");
    await allure.severity(harnessTest ? "minor" : task.meta.claims?.length ? "critical" : "normal");
    for (const c of task.meta.claims ?? []) {
      await allure.label("claim", c);
      await allure.tag(c);
    }
    if (task.meta.claims?.length) {
      await allure.description(task.meta.claims.map((c) => `- **${c}**: ${claimTable[c].title}`).join("\n"));
    }
    for (const u of task.meta.upstream ?? []) await allure.label("upstream", u);

    const owner = { [runLabel]: info.runId, [fileLabel]: fileId(task.file.filepath) };
    // Cleanup runs in three rounds: the test's own defers (newest first), then the namespace
    // (its claims and pods go with it), then cluster-scoped fixture objects, awaited until gone.
    // A bound PV deleted before its claim would wait on pv-protection for nothing.
    const cleanups: { what: string; fn: () => Promise<void> }[] = [];
    const clusterScoped: { what: string; fn: () => Promise<void> }[] = [];
    const defer = (what: string, fn: () => Promise<void>) => cleanups.push({ what, fn });

    await api.create({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: ns, labels: { ...owner, "kubeproof.dev/test": slug(task.name) } },
    });
    rememberNamespace(owner[fileLabel], ns);
    const deleteNamespace = {
      what: `namespace ${ns}`,
      fn: async () => {
        await api.delete({ apiVersion: "v1", kind: "Namespace", name: ns }, "Background").catch(ignoreNotFound);
      },
    };

    const rec = new Recorder(feed, ns, suffix);
    // The ServiceAccount admission plugin refuses a pod (403) until the serviceaccount controller
    // has made the namespace's "default" account: seconds after the namespace under load, longer
    // while kube-controller-manager re-acquires its lease. Upstream e2e waits for it the same way.
    const defaultAccount = { apiVersion: "v1", kind: "ServiceAccount", name: "default", namespace: ns };
    await Promise.all([rec.start(), waitFor(api, exists(defaultAccount))]).catch(async (e: unknown) => {
      rec.stop();
      await deleteNamespace.fn().catch(() => undefined);
      throw e;
    });
    const transcript = new Transcript(ns, suffix);
    /** Runs a wait that ends at once, as an infrastructure problem, if a pod of the test cannot get its image. */
    const whileImagesArrive = async <T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> => {
      const ac = new AbortController();
      const check = () => {
        const trouble = ac.signal.aborted ? undefined : imageTrouble(rec.last.values());
        if (trouble) ac.abort(trouble);
      };
      const off = rec.onChange(check);
      check();
      try {
        return await run(ac.signal);
      } finally {
        off();
      }
    };
    /** kubectl's name for a kind's resource ("deployments.apps"); the kind itself if unknown. */
    const resourceName = async (r: Ref) =>
      api.resource(r.apiVersion, r.kind).then(
        (i) => (i.group ? `${i.plural}.${i.group}` : i.plural),
        () => r.kind.toLowerCase(),
      );

    const apply = async <T extends KubeObject>(fixture: string, mutate?: (obj: T) => void): Promise<Applied<T>> => {
      const loaded = readFixture(fixture);
      const docs = await place(loaded, {
        namespace: ns,
        suffix,
        labels: owner,
        isNamespaced: async (v, kind) => (await api.resource(v, kind).catch((e: Error) => { throw new FixtureError(fixture, undefined, kind, e.message); })).namespaced,
      });
      for (const d of docs) mutate?.(d.obj as T);
      // Validate everything before creating anything: a bad document must not leave half a fixture.
      for (const d of docs) {
        try {
          await api.apply(d.obj, { fieldManager, dryRun: true });
        } catch (e) {
          // Server-side apply reports schema mismatches as 500 "failed to create typed patch object".
          // A 403 is a policy refusal (quota, admission), not a bad fixture: specs expect it as is.
          if (e instanceof ApiError && ((e.code < 500 && e.code !== 403) || /typed patch object|not declared in schema/.test(e.status.message ?? ""))) {
            const causes = (e.status.details as { causes?: { field?: string; message?: string }[] } | undefined)?.causes ?? [];
            const detail = causes.length ? causes.map((c) => `${c.field ?? ""}: ${c.message ?? ""}`).join("; ") : (e.status.message ?? "");
            throw new FixtureError(d.file, d.index, `${d.obj.kind} ${d.obj.metadata.name}`, `rejected by the apiserver (${e.code}${e.status.reason ? ` ${e.status.reason}` : ""}): ${detail}`);
          }
          throw e;
        }
      }
      const out: T[] = [];
      for (const d of docs) {
        transcript.applied(d.obj);
        const applied = await api.apply(d.obj as T, { fieldManager });
        out.push(applied);
        if (!applied.metadata.namespace) {
          // Cluster-scoped objects outlive the namespace: delete them explicitly and wait.
          const ref = refTo(applied);
          clusterScoped.push({
            what: show(ref),
            fn: async () => {
              await api.delete(ref, "Background").catch(ignoreNotFound);
              await waitFor(api, deleted(ref, "volume"));
            },
          });
        }
      }
      return addressable(fixture, loaded, out);
    };

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
      delete: (o, propagation) =>
        step(`delete ${show(toRef(o))}${propagation ? ` (propagation ${propagation})` : " (no propagation policy)"}`, async () => {
          const r = toRef(o);
          transcript.deleted(await api.path(r.apiVersion, r.kind, r.namespace, r.name).catch(() => ""), await resourceName(r), r, propagation);
          return api.delete(r, propagation);
        }),
      patch: async (o, body, type, sub) => {
        const r = toRef(o);
        transcript.patched(await resourceName(r), r, body, type, sub);
        return api.patch(r, body, type, sub);
      },
      get: (o) => {
        const r = toRef(o);
        return api.get(r.apiVersion, r.kind, r.name, r.namespace);
      },
      wait: (cond) => {
        const timeoutMs = timeoutFor(cond.timeout);
        transcript.waited(cond.description, timeoutMs);
        return step(`wait for ${cond.description}`, async () => {
          const started = Date.now();
          let met = false;
          try {
            const r = await whileImagesArrive((signal) => waitFor(api, cond, { signal }));
            met = true;
            return r;
          } catch (e) {
            // A wait that ran out says what the cluster complained about meanwhile, when it did.
            const warnings = rec.warnings();
            if (e instanceof WaitError && e.category === "timeout" && warnings.length) e.message += `\nWarning events: ${warnings.join("; ")}`;
            throw e;
          } finally {
            recordWait({ row: cond.timeout, what: cond.description, test: task.name, ms: Date.now() - started, timeoutMs, met });
          }
        });
      },
      never: (cond, window) => {
        const windowMs = typeof window === "number" ? window : timeoutFor(window ?? "quietPeriod");
        transcript.watchedFor(cond.description, windowMs);
        return step(`make sure ${cond.description} does not happen`, () => whileImagesArrive((signal) => never(api, cond, windowMs, signal)));
      },
      expectApiError: (op, expected, what) => step(`expect ${what ?? "the request"} to be refused with ${expected.code}${expected.reason ? ` ${expected.reason}` : ""}`, () => expectApiError(op, expected, what)),
      observed: async (what, value) => void (await allure.parameter(what, value)),
      kubectl: (...args) =>
        step(`kubectl ${args.join(" ")}`, async () => {
          transcript.ranKubectl(args);
          const out = await kubectl(info.kubeconfig, ns, args);
          await allure.attachment(`kubectl ${args[0]} output`, out, "text/plain");
          return out;
        }),
      defer,
      requires(cap, why) {
        const have = info.capabilities[cap];
        if (!have || have === "none") {
          const reason = `${why} (this cluster has no ${cap}: ${info.missing[cap] ?? `provider ${info.provider} does not offer it`})`;
          // Allure keeps no skip note; the label carries the reason to the report and the ledger.
          void allure.label("skip-reason", reason);
          skip(reason);
        }
      },
      timeline: {
        caughtUp: (obj) => rec.caughtUp(obj),
        entries: () => rec.trusted(),
        pods: (filter) => lifetimes(rec.trusted(), "Pod", filter),
        of: (kind, filter) => lifetimes(rec.trusted(), kind, filter),
        podsEnded: (filter, atLeast = 1) => {
          const seen = () => lifetimes(rec.trusted(), "Pod", filter);
          return rec.until(
            () => {
              const ls = seen();
              return ls.length >= atLeast && ls.every((l) => l.ended !== undefined) ? ls : undefined;
            },
            () => `the flight recorder did not see ${atLeast} matching pods all ended within 30 s: ${seen().map((l) => `${l.name} ${l.states.at(-1)?.state}`).join(", ") || "none seen"}`,
          );
        },
        until: (what, fn) => rec.until(fn, () => `the flight recorder did not see ${what} within 30 s`),
        now: () => Date.now() - rec.started,
      },
      step,
    };

    await use(k);

    rec.stop();
    // vitest runs fixture teardown before onTestFailed hooks, but the test's failure is already
    // in its result: diagnostics are taken here, while the namespace and its pods still exist.
    const failed = task.result?.state === "fail";
    if (failed) await attachDiagnostics(rec, `${feature}: ${task.name}`, () => collectLogs(api, info, [...rec.last.values()]), transcript);
    else if (rec.entries.some((e) => e.kind !== "Event" && e.kind !== "Node")) await attachTimeline(rec, `${feature}: ${task.name}`).catch(() => undefined);
    if (failed && keepOnFailure) {
      process.stderr.write(`[kubeproof] keeping ${ns} and its cluster-scoped objects (KUBEPROOF_KEEP_ON_FAILURE=1)\n`);
      return;
    }
    const errors: string[] = [];
    for (const c of [...cleanups.reverse(), deleteNamespace, ...clusterScoped.reverse()]) {
      try {
        await c.fn();
      } catch (e) {
        errors.push(`${c.what}: ${String(e)}`);
      }
    }
    if (errors.length) throw new Error(`cleanup failed:\n${errors.join("\n")}`);
  },
});

function ignoreNotFound(e: unknown): void {
  if (e instanceof ApiError && e.code === 404) return;
  throw e;
}

