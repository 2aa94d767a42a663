// The test's namespace: created with its owners' labels, ready for pods, its recorder started.
import type { Api } from "../api/client.ts";
import { rememberNamespace } from "../api/ownership.ts";
import type { Feed } from "../record/feed.ts";
import { Recorder } from "../record/recorder.ts";
import { waitFor } from "../wait/wait.ts";
import { exists } from "../wait/index.ts";
import { ignoreNotFound, type Cleanup } from "./cleanup.ts";

/**
 * Creates the namespace, registers its deletion, and resolves once pods may be created in it and
 * its flight recorder is listening; on failure the namespace is gone again.
 */
export async function openNamespace(o: { api: Api; feed: Feed; ns: string; suffix: string; labels: Record<string, string>; file: string; cleanup: Cleanup }): Promise<Recorder> {
  await o.api.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: o.ns, labels: o.labels } });
  rememberNamespace(o.file, o.ns);
  const remove = () => o.api.delete({ apiVersion: "v1", kind: "Namespace", name: o.ns }, "Background").catch(ignoreNotFound);
  o.cleanup.setNamespace(`namespace ${o.ns}`, remove);
  const rec = new Recorder(o.feed, o.ns, o.suffix);
  // The ServiceAccount admission plugin refuses a pod (403) until the serviceaccount controller
  // has made the namespace's "default" account: seconds after the namespace under load, longer
  // while kube-controller-manager re-acquires its lease. Upstream e2e waits for it the same way.
  const defaultAccount = { apiVersion: "v1", kind: "ServiceAccount", name: "default", namespace: o.ns };
  await Promise.all([rec.start(), waitFor(o.api, exists(defaultAccount))]).catch(async (e: unknown) => {
    rec.stop();
    await remove().catch(() => undefined);
    throw e;
  });
  return rec;
}
