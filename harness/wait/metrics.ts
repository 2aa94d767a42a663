// Waits on what metrics-server reports (metrics.k8s.io). PodMetrics cannot be watched (the
// aggregated API serves get and list only), so these conditions are sampled; the sample period is
// well under metrics-server's resolution, so no window of usage goes unseen.
import type { Api, KubeObject } from "../api/client.ts";
import { ApiError } from "../api/client.ts";
import { parseQuantity } from "../api/quantity.ts";
import { met, notYet, show, type Ref } from "./conditions.ts";
import type { Condition } from "./wait.ts";

export interface PodMetrics extends KubeObject {
  timestamp?: string;
  window?: string;
  containers: { name: string; usage: { cpu: string; memory: string } }[];
}

/** One container's usage as numbers: CPU in cores, memory in bytes. */
export interface MeasuredUsage {
  cpu: number;
  memory: number;
}

const samplePeriodMs = 5_000;
const why = "PodMetrics (metrics.k8s.io) serves get and list, no watch";

function usageOf(m: PodMetrics, container: string): MeasuredUsage | undefined {
  const c = m.containers.find((x) => x.name === container);
  return c && { cpu: parseQuantity(c.usage.cpu), memory: parseQuantity(c.usage.memory) };
}

/**
 * metrics-server reports the container's usage and `judge` accepts it. `judge` returns true (met),
 * false (not yet) or a string: the usage is wrong for good, give up with that reason.
 */
export function containerUsage(pod: Ref, container: string, description: string, judge: (u: MeasuredUsage) => boolean | string): Condition<MeasuredUsage> {
  return {
    description: `${show(pod)} container ${container} ${description} (metrics.k8s.io)`,
    timeout: "autoscale",
    selection: { apiVersion: "metrics.k8s.io/v1beta1", kind: "PodMetrics", namespace: pod.namespace, fieldSelector: `metadata.name=${pod.name}` },
    poll: {
      everyMs: samplePeriodMs,
      why,
      async sample(api: Api) {
        // 404 until metrics-server has scraped the pod twice (usage is a rate).
        const m = await api.get<PodMetrics>("metrics.k8s.io/v1beta1", "PodMetrics", pod.name, pod.namespace).catch((e: unknown) => {
          if (e instanceof ApiError && e.code === 404) return undefined;
          throw e;
        });
        return m ? [m] : [];
      },
    },
    check(objs) {
      const u = objs[0] && usageOf(objs[0] as PodMetrics, container);
      if (!u) return notYet();
      const v = judge(u);
      if (typeof v === "string") return notYet(v);
      return v ? met(u) : notYet();
    },
  };
}
