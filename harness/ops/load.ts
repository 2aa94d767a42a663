// Load for autoscaling specs, and what the autoscaler did to a Deployment over a test.
//
// One load model for every provider: a pod's annotations kwok.x-k8s.io/usage-cpu and
// kwok.x-k8s.io/usage-memory say what it uses. With simulated usage (the local provider) kwok
// reports them as the pod's usage, scraped by metrics-server. Where containers really run, the
// container of autoscaling/deployment.yaml reads the same annotations through a downward API
// volume (the kubelet refreshes it when they change) and really holds the memory and spins the
// CPU, up to its limit; metrics-server then measures what it did. Either way the HPA sees the load
// through the metrics API only.
import type { Kube } from "../test.ts";
import type { Deployment, Pod } from "../api/kinds.ts";
import type { Ref } from "../wait/index.ts";
import type { TimelineEntry } from "../record/timeline.ts";

export const usageAnnotation = { cpu: "kwok.x-k8s.io/usage-cpu", memory: "kwok.x-k8s.io/usage-memory" } as const;

export interface SimulatedUsage {
  /** CPU per pod, e.g. "200m". */
  cpu?: string;
  /** Memory per pod, e.g. "100Mi". */
  memory?: string;
}

function annotations(u: SimulatedUsage): Record<string, string> {
  const out: Record<string, string> = {};
  if (u.cpu) out[usageAnnotation.cpu] = u.cpu;
  if (u.memory) out[usageAnnotation.memory] = u.memory;
  return out;
}

/**
 * Makes every current pod of the Deployment use this much from now on (the pods stay; no rollout).
 * Pods the Deployment creates later get what its template says. Returns the pods changed.
 */
export function simulateUsage(k: Kube, deployment: Ref, usage: SimulatedUsage): Promise<string[]> {
  const what = [usage.cpu && `cpu ${usage.cpu}`, usage.memory && `memory ${usage.memory}`].filter(Boolean).join(", ");
  return k.step(`make each pod of ${deployment.name} use ${what}`, async () => {
    if (!k.cluster.capabilities.simulatedUsage && !k.cluster.capabilities.containerRuntime) {
      throw new Error(`simulateUsage: provider ${k.cluster.provider} neither simulates usage nor runs containers`);
    }
    return annotatePods(k, deployment, annotations(usage));
  });
}

/** Sets the usage in a Deployment's pod template (for a fixture before it is applied). */
export function withTemplateUsage(dep: Deployment, usage: SimulatedUsage): void {
  const meta = (dep.spec!.template.metadata ??= {});
  meta.annotations = { ...(meta.annotations ?? {}), ...annotations(usage) };
}

// Custom metrics: kubeproof's custom metrics API (scripts/custom-metrics) reports an object's
// metric <name> as the quantity in this annotation; a pod reports it only while Running.
export const customMetricAnnotation = (metric: string) => `custom-metrics.kubeproof.dev/${metric}`;

/** Every pod of this Deployment template reports the metric at this value. */
export function withTemplateMetric(dep: Deployment, metric: string, value: string): void {
  const meta = (dep.spec!.template.metadata ??= {});
  meta.annotations = { ...(meta.annotations ?? {}), [customMetricAnnotation(metric)]: value };
}

/** Every current pod of the Deployment reports the metric at this value from now on. */
export function reportPodMetric(k: Kube, deployment: Ref, metric: string, value: string): Promise<string[]> {
  return k.step(`make each pod of ${deployment.name} report ${metric} = ${value}`, () => annotatePods(k, deployment, { [customMetricAnnotation(metric)]: value }));
}

/** The object (a ConfigMap, a Service, ...) reports the metric at this value from now on. */
export function reportObjectMetric(k: Kube, obj: Ref, metric: string, value: string): Promise<void> {
  return k.step(`make ${obj.kind} ${obj.name} report ${metric} = ${value}`, async () => {
    await k.patch(obj, { metadata: { annotations: { [customMetricAnnotation(metric)]: value } } });
  });
}

/**
 * The object's metric changes every `everyMs` (1, 2, 3, ...) until the test ends: so every HPA
 * sync reads a value it has not seen and writes its status, which times the sync period.
 */
export async function tickObjectMetric(k: Kube, obj: Ref, metric: string, everyMs: number): Promise<void> {
  await k.step(`make ${obj.kind} ${obj.name} report ${metric} = 1, 2, 3, ... one more every ${everyMs} ms`, async () => {
    let n = 0;
    let stopped = false;
    const tick = async () => {
      if (stopped) return;
      await k.api.patch(obj, { metadata: { annotations: { [customMetricAnnotation(metric)]: String(++n) } } }).catch(() => undefined);
      if (!stopped) timer = setTimeout(() => void tick(), everyMs);
    };
    let timer = setTimeout(() => void tick(), 0);
    k.defer(`stop ticking ${metric}`, async () => {
      stopped = true;
      clearTimeout(timer);
    });
  });
}

async function annotatePods(k: Kube, deployment: Ref, add: Record<string, string>): Promise<string[]> {
  const dep = await k.get<Deployment>(deployment);
  const labels = dep.spec?.selector.matchLabels ?? {};
  const labelSelector = Object.entries(labels)
    .map(([key, v]) => `${key}=${v}`)
    .join(",");
  if (!labelSelector) throw new Error(`Deployment ${deployment.name} has no matchLabels selector`);
  const pods = await k.api.list<Pod>("v1", "Pod", { namespace: deployment.namespace, labelSelector });
  const live = pods.items.filter((p) => !p.metadata.deletionTimestamp);
  if (live.length === 0) throw new Error(`Deployment ${deployment.name} has no pods to annotate`);
  await Promise.all(
    live.map((p) => k.patch({ apiVersion: "v1", kind: "Pod", name: p.metadata.name!, namespace: deployment.namespace }, { metadata: { annotations: add } })),
  );
  return live.map((p) => p.metadata.name!);
}

/** Every spec.replicas the Deployment had over the test, in order (from the recorder's timeline). */
export function replicasHistory(entries: TimelineEntry[], deployment: string): number[] {
  const out: number[] = [];
  for (const e of entries) {
    if (e.kind !== "Deployment" || e.name !== deployment) continue;
    const n = e.facts.specReplicas;
    if (n !== undefined && out.at(-1) !== n) out.push(n);
  }
  return out;
}
