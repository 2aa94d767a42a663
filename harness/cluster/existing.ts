// The `existing` provider: a cluster from KUBECONFIG (or ~/.kube/config). Creates nothing and
// deletes nothing but the test namespaces; its capabilities are read from the cluster.
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Api } from "../api/client.ts";
import { loadKubeconfig, type Kubeconfig } from "../api/kubeconfig.ts";
import { detectCapabilities } from "./capabilities.ts";
import type { ClusterInfo, Provider } from "./types.ts";

export class ExistingProvider implements Provider {
  async up(): Promise<ClusterInfo> {
    const file = (process.env.KUBECONFIG ?? path.join(os.homedir(), ".kube", "config")).split(path.delimiter)[0]!;
    if (!existsSync(file)) throw new Error(`KUBEPROOF_PROVIDER=existing: kubeconfig ${file} does not exist (set KUBECONFIG to the cluster's kubeconfig file)`);
    let kubeconfig: Kubeconfig;
    try {
      kubeconfig = await loadKubeconfig(file);
    } catch (e) {
      throw new Error(`KUBEPROOF_PROVIDER=existing: kubeconfig ${file} is not valid: ${(e as Error).message}`, { cause: e });
    }
    const api = new Api(kubeconfig);
    const t = Date.now();
    let version: { gitVersion: string };
    try {
      version = await api.request<{ gitVersion: string }>("GET", "/version");
    } catch (e) {
      throw new Error(`KUBEPROOF_PROVIDER=existing: the cluster in ${file} (${kubeconfig.server}) does not answer: ${(e as Error).message}`, { cause: e });
    }
    return {
      provider: "existing",
      name: kubeconfig.context,
      server: kubeconfig.server,
      kubeconfig: file,
      kubeVersion: version.gitVersion,
      owned: false,
      phases: { connect: Date.now() - t },
      runId: "",
      // read from the cluster: a kind cluster of this machine gets node files and joins, for instance
      ...(await detectCapabilities(api)),
    };
  }
  async down(): Promise<void> {}
  downSync(): void {}
}
