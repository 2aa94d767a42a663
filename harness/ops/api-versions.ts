// The tutorial's manifests as it wrote them: API versions of its day, some no longer served. A
// spec asks the cluster which versions of a group it serves and creates an object under an old
// version straight at that version's path, so the answer is the apiserver's own (a client's
// discovery would refuse first, with its own words).
import type { KubeObject } from "../api/client.ts";
import { place, readFixture } from "../fixtures.ts";
import type { Kube } from "../test.ts";

/** The versions of an API group the cluster serves, as the apiserver lists them (GET /apis/<group>). */
export async function servedVersions(k: Kube, group: string): Promise<string[]> {
  const g = await k.api.request<{ versions?: { version: string }[] }>("GET", `/apis/${group}`).catch(() => ({ versions: [] }));
  return (g.versions ?? []).map((v) => v.version);
}

/**
 * Creates the fixture's one object declared as `apiVersion` (the fixture holds today's), at that
 * version's path in the test's namespace. Resolves with what the apiserver created (then removed at
 * the end of the test), rejects with its refusal (an ApiError).
 */
export async function createAsVersion<T extends KubeObject>(k: Kube, fixture: string, apiVersion: string): Promise<T> {
  const [doc, ...more] = await place(readFixture(fixture), { namespace: k.ns, suffix: k.suffix, isNamespaced: async () => true });
  if (!doc || more.length) throw new Error(`${fixture}: expected exactly one object, found ${more.length + (doc ? 1 : 0)}`);
  const today = await k.api.resource(doc.obj.apiVersion!, doc.obj.kind!);
  if (!today.namespaced) throw new Error(`${fixture}: ${doc.obj.kind} is cluster-scoped; createAsVersion places objects in the test's namespace`);
  const obj = { ...doc.obj, apiVersion } as T;
  const created = await k.api.request<T>("POST", `/apis/${apiVersion}/namespaces/${k.ns}/${today.plural}`, { body: obj });
  // Under the version it was served at, deleted like any object of the test (its namespace goes too).
  k.defer(`${doc.obj.kind} ${created.metadata.name} (${apiVersion})`, async () => {
    await k.api.request("DELETE", `/apis/${apiVersion}/namespaces/${k.ns}/${today.plural}/${created.metadata.name}`).catch(() => undefined);
  });
  return created;
}
