// k.delete, k.patch and k.get: object operations by object or ref, the changing ones written to
// the repro script as the kubectl command a person would type.
import type { Api, KubeObject } from "../api/client.ts";
import type { Transcript } from "../record/repro.ts";
import { refTo, show, type Ref } from "../wait/conditions.ts";
import type { Kube } from "./kube.ts";
import { step } from "./step.ts";

function toRef(o: KubeObject | Ref): Ref {
  return "metadata" in o ? refTo(o as KubeObject) : (o as Ref);
}

export function objectsOf(api: Api, transcript: Transcript): Pick<Kube, "delete" | "patch" | "get"> {
  /** kubectl's name for a kind's resource ("deployments.apps"); the kind itself if unknown. */
  const resourceName = async (r: Ref) =>
    api.resource(r.apiVersion, r.kind).then(
      (i) => (i.group ? `${i.plural}.${i.group}` : i.plural),
      () => r.kind.toLowerCase(),
    );
  return {
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
  };
}
