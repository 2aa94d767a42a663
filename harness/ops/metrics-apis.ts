// The metrics APIs an HPA reads, which the suite brings (metrics-server, kubeproof's custom
// metrics server): a cluster without one skips the test with the reason; on a new cluster the
// test's clock starts once the API answers (the cluster does not wait for it).
import type { Kube } from "../test.ts";
import { customMetricsApiAvailable, metricsApiAvailable } from "../wait/index.ts";

/** The HPA reads pods' CPU and memory from metrics.k8s.io. */
export async function resourceMetricsServed(k: Kube): Promise<void> {
  k.requires("resourceMetrics", "the HPA reads pods' CPU and memory from metrics.k8s.io");
  await k.wait(metricsApiAvailable());
}

/** The HPA reads pod and object metrics from custom.metrics.k8s.io. */
export async function customMetricsServed(k: Kube): Promise<void> {
  k.requires(
    "customMetrics",
    "needs kubeproof's custom metrics API server (scripts/custom-metrics): the local and kind providers install it; on an existing kind cluster run scripts/kind/install-custom-metrics.sh <cluster>",
  );
  await k.wait(customMetricsApiAvailable());
}
