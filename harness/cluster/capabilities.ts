// What a cluster can do, read from the cluster itself rather than assumed from the provider's
// name, so `existing` pointed at a kind cluster runs what the kind provider runs. Each missing
// capability carries the reason a skipped test will give.
import { execFileSync } from "node:child_process";
import type { Api, KubeObject } from "../api/client.ts";
import type { Node, Pod } from "../api/kinds.ts";
import type { Capabilities } from "./types.ts";

export interface Detected {
  capabilities: Capabilities;
  /** Why each capability the cluster lacks is missing (shown in skip reasons). */
  missing: Partial<Record<keyof Capabilities, string>>;
  /** The kind cluster the nodes belong to, when they are kind node containers on this Docker engine. */
  kindCluster?: string;
}

/** Facts only the provider that made the cluster knows (the local control plane runs on this host). */
export type Hints = Partial<Capabilities> & {
  /** Why the in-tree hostPath provisioner cannot work though its flag is on (a provider that knows its host). */
  hostPathProvisionerMissing?: string;
};

const kwokAnnotation = "kwok.x-k8s.io/node";

/** kind://docker/<cluster>/<node>: the providerID kind's nodes carry. */
export function kindClusterOf(node: Node): string | undefined {
  return /^kind:\/\/docker\/([^/]+)\/[^/]+$/.exec(node.spec?.providerID ?? "")?.[1];
}

function dockerHasContainer(name: string): boolean {
  try {
    execFileSync("docker", ["inspect", "--type", "container", "--format", "{{.State.Running}}", name], { stdio: "pipe", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export async function detectCapabilities(api: Api, hints: Hints = {}): Promise<Detected> {
  const missing: Detected["missing"] = {};
  const nodes = (await api.list<Node>("v1", "Node")).items;
  const simulated = nodes.filter((n) => n.metadata.annotations?.[kwokAnnotation]);
  const real = nodes.filter((n) => !n.metadata.annotations?.[kwokAnnotation] && n.status?.nodeInfo?.containerRuntimeVersion);

  const containerRuntime = real.length > 0;
  if (!containerRuntime) missing.containerRuntime = "its nodes are simulated (kwok): no container runtime runs the pods";
  const simulatedUsage = simulated.length > 0 && real.length === 0;
  if (!simulatedUsage) missing.simulatedUsage = "pods use what their processes use; no usage model reads annotations";

  // kind node containers on this Docker engine: files over `docker exec`, nodes joined with kubeadm.
  const kindNames = new Set(real.map(kindClusterOf));
  const kindCluster = kindNames.size === 1 ? [...kindNames][0] : undefined;
  const kindLocal = kindCluster !== undefined && real.every((n) => dockerHasContainer(n.metadata.name!));
  let nodeFilesystem: Capabilities["nodeFilesystem"] = hints.nodeFilesystem ?? (kindLocal ? "docker-exec" : "none");
  if (nodeFilesystem === "none") {
    missing.nodeFilesystem = kindCluster ? `the kind nodes of ${kindCluster} are not containers of this machine's Docker engine` : "its nodes are not kind containers of this machine, so their files cannot be read";
  }
  if (!containerRuntime && nodeFilesystem === "docker-exec") nodeFilesystem = "none";

  let addNodes: Capabilities["addNodes"] = hints.addNodes ?? "none";
  if (!hints.addNodes) {
    const worker = kindCluster && dockerHasContainer(`${kindCluster}-worker`);
    if (kindLocal && worker) addNodes = "join";
    else missing.addNodes = kindLocal ? `kind cluster ${kindCluster} has no node ${kindCluster}-worker to copy a new worker from` : "nodes can be added only to a kind cluster on this machine (another node container joined with kubeadm) or to simulated nodes";
  }

  // The controller manager's flags are in its static pod where kubeadm runs it (kind, kubeadm).
  const cm = (await api.list<Pod>("v1", "Pod", { namespace: "kube-system", labelSelector: "component=kube-controller-manager" }).catch(() => ({ items: [] as Pod[] }))).items[0];
  const cmArgs = [...(cm?.spec?.containers?.[0]?.command ?? []), ...(cm?.spec?.containers?.[0]?.args ?? [])];
  const hostPathProvisioner = !hints.hostPathProvisionerMissing && (hints.hostPathProvisioner ?? cmArgs.includes("--enable-hostpath-provisioner=true"));
  if (!hostPathProvisioner) {
    missing.hostPathProvisioner = hints.hostPathProvisionerMissing ?? cm ? "its kube-controller-manager runs without --enable-hostpath-provisioner=true" : "its kube-controller-manager is not a pod of kube-system whose flags can be read, so the in-tree hostPath provisioner is not known to run";
  }
  const controllerManagerFiles = hints.controllerManagerFiles ?? (kindLocal && cm?.spec?.nodeName !== undefined && dockerHasContainer(cm.spec.nodeName));
  if (!controllerManagerFiles) missing.controllerManagerFiles = "its kube-controller-manager does not run on this machine or in a kind node container of it";

  const apiService = async (name: string) => api.getOrNull<KubeObject>("apiregistration.k8s.io/v1", "APIService", name).catch(() => null);
  const custom = await apiService("v1beta2.custom.metrics.k8s.io");
  const customMetrics = hints.customMetrics ?? custom?.metadata.labels?.["app.kubernetes.io/name"] === "kubeproof-custom-metrics";
  if (!customMetrics) {
    missing.customMetrics = custom
      ? "its custom.metrics.k8s.io is served by another adapter, not kubeproof's (scripts/custom-metrics), which reports the values tests set"
      : "it serves no custom.metrics.k8s.io; on a kind cluster `bash scripts/kind/install-custom-metrics.sh <cluster>` installs kubeproof's";
  }
  // Registered is enough: the specs that read it wait for it to be Available (metrics-server
  // answers a while after a cluster starts).
  const resourceMetrics = hints.resourceMetrics ?? (await apiService("v1beta1.metrics.k8s.io")) !== null;
  if (!resourceMetrics) missing.resourceMetrics = "it serves no metrics.k8s.io (install metrics-server)";

  const external = await apiService("v1beta1.external.metrics.k8s.io");
  const noExternalMetrics = external === null;
  if (!noExternalMetrics) missing.noExternalMetrics = `external.metrics.k8s.io is served here (APIService ${external.metadata.name}), so an HPA on an external metric may find one`;

  return {
    capabilities: { containerRuntime, simulatedUsage, addNodes, hostPathProvisioner, controllerManagerFiles, customMetrics, nodeFilesystem, resourceMetrics, noExternalMetrics },
    missing,
    ...(kindCluster && kindLocal ? { kindCluster } : {}),
  };
}
