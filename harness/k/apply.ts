// k.apply: a fixture file into the test's place, validated whole by a server-side dry run before
// anything is created, each object's removal registered as it is created.
import { ApiError, fieldManager, type Api, type KubeObject } from "../api/client.ts";
import { addressable, FixtureError, place, readFixture, type Applied } from "../fixtures.ts";
import type { Transcript } from "../record/repro.ts";
import { admissionRefusal, type Blame } from "../failures.ts";
import { waitFor } from "../wait/wait.ts";
import { deleted, refTo, show } from "../wait/index.ts";
import { ignoreNotFound, type Cleanup } from "./cleanup.ts";

export interface ApplyContext {
  api: Api;
  ns: string;
  suffix: string;
  /** Labels every applied object carries (the run and the spec file that own it). */
  labels: Record<string, string>;
  transcript: Transcript;
  cleanup: Cleanup;
}

/** A fixture file's objects as the test would apply them (namespace, suffix, labels, mirrors), sent nowhere. */
export function fixturePlacer(c: Pick<ApplyContext, "api" | "ns" | "suffix" | "labels">) {
  const isNamespaced = async (fixture: string, apiVersion: string, kind: string) =>
    (await c.api.resource(apiVersion, kind).catch((e: Error) => {
      throw new FixtureError(fixture, undefined, kind, e.message);
    })).namespaced;
  return async (fixture: string) => {
    const loaded = readFixture(fixture);
    return { loaded, docs: await place(loaded, { namespace: c.ns, suffix: c.suffix, labels: c.labels, isNamespaced: (v, kind) => isNamespaced(fixture, v, kind) }) };
  };
}

export function fixtureApplier(c: ApplyContext) {
  const placed = fixturePlacer(c);
  return async <T extends KubeObject>(fixture: string, mutate?: (obj: T) => void): Promise<Applied<T>> => {
    const { loaded, docs } = await placed(fixture);
    for (const d of docs) mutate?.(d.obj as T);
    // Validate everything before creating anything: a bad document must not leave half a fixture.
    for (const d of docs) {
      try {
        await c.api.apply(d.obj, { fieldManager, dryRun: true });
      } catch (e) {
        // Server-side apply reports schema mismatches as 500 "failed to create typed patch object".
        // A 403 is a policy refusal (quota, admission), not a bad fixture: specs expect it as is.
        if (e instanceof ApiError && ((e.code < 500 && e.code !== 403) || /typed patch object|not declared in schema/.test(e.status.message ?? ""))) {
          const causes = (e.status.details as { causes?: { field?: string; message?: string }[] } | undefined)?.causes ?? [];
          const detail = causes.length ? causes.map((x) => `${x.field ?? ""}: ${x.message ?? ""}`).join("; ") : (e.status.message ?? "");
          const blame: Blame = admissionRefusal(e.code, e.status.message) ? { on: "cluster", evidence: "admission" } : { on: "suite", failure: "fixture" };
          throw new FixtureError(d.file, d.index, `${d.obj.kind} ${d.obj.metadata.name}`, `rejected by the apiserver (${e.code}${e.status.reason ? ` ${e.status.reason}` : ""}): ${detail}`, blame);
        }
        throw e;
      }
    }
    const out: T[] = [];
    for (const d of docs) {
      c.transcript.applied(d.obj);
      const applied = await c.api.apply(d.obj as T, { fieldManager });
      out.push(applied);
      if (!applied.metadata.namespace) {
        // Cluster-scoped objects outlive the namespace: delete them explicitly and wait.
        const ref = refTo(applied);
        c.cleanup.afterNamespace(show(ref), async () => {
          await c.api.delete(ref, "Background").catch(ignoreNotFound);
          await waitFor(c.api, deleted(ref, "volume"));
        });
      }
    }
    return addressable(fixture, loaded, out);
  };
}
