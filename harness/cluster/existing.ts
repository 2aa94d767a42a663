// The `existing` provider: a cluster from KUBECONFIG (or ~/.kube/config). Creates nothing and
// deletes nothing but the test namespaces; capabilities are what a real cluster has.
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Api, type KubeObject } from "../api.js";
import type { ClusterInfo, Provider } from "./types.js";

export class ExistingProvider implements Provider {
  async up(): Promise<ClusterInfo> {
    const file = (process.env.KUBECONFIG ?? path.join(os.homedir(), ".kube", "config")).split(path.delimiter)[0]!;
    if (!existsSync(file)) throw new Error(`KUBEPROOF_PROVIDER=existing: kubeconfig ${file} does not exist (set KUBECONFIG to the cluster's kubeconfig file)`);
    let api: Api;
    try {
      api = Api.fromFile(file);
    } catch (e) {
      throw new Error(`KUBEPROOF_PROVIDER=existing: kubeconfig ${file} is not valid: ${(e as Error).message}`, { cause: e });
    }
    const t = Date.now();
    let version: { gitVersion: string };
    try {
      version = await api.request<{ gitVersion: string }>("GET", "/version");
    } catch (e) {
      throw new Error(`KUBEPROOF_PROVIDER=existing: the cluster in ${file} (${api.kc.getCurrentCluster()?.server}) does not answer: ${(e as Error).message}`, { cause: e });
    }
    // kubeproof's custom metrics API server is there when its APIService carries its label
    // (the GitHub workflow installs it into its kind clusters; see scripts/kind/custom-metrics.yaml).
    const apiService = await api.getOrNull<KubeObject>("apiregistration.k8s.io/v1", "APIService", "v1beta2.custom.metrics.k8s.io").catch(() => null);
    const customMetrics = apiService?.metadata.labels?.["app.kubernetes.io/name"] === "kubeproof-custom-metrics";
    return {
      provider: "existing",
      name: api.kc.getCurrentContext(),
      kubeconfig: file,
      kubeVersion: version.gitVersion,
      owned: false,
      phases: { connect: Date.now() - t },
      runId: "",
      capabilities: { containerRuntime: true, simulatedUsage: false, addNodes: "none", hostPathProvisioner: false, controllerManagerFiles: false, customMetrics, nodeFilesystem: "none" },
    };
  }
  async down(): Promise<void> {}
  downSync(): void {}
}
