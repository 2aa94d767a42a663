// What a provider hands to the test workers (serialised through vitest's provide/inject).
export type ProviderName = "local" | "kind" | "existing";

export interface Capabilities {
  /** Containers really run: exec, logs, files on the node, real CPU load. */
  containerRuntime: boolean;
  /** Pod resource usage is simulated from annotations (kwok's usage model). */
  simulatedUsage: boolean;
  /**
   * How a test adds a node: "fake" creates a simulated node through the API (kwok plays its
   * kubelet); "join" starts another node container and joins it with kubeadm (a real kubelet).
   */
  addNodes: "fake" | "join" | "none";
  /** The in-tree kubernetes.io/host-path provisioner runs in the controller manager. */
  hostPathProvisioner: boolean;
  /**
   * The test process sees the controller manager's filesystem, where the in-tree hostPath
   * provisioner creates and the deleter removes directories (local: it runs on this host; kind:
   * it runs in a shell-less container inside the control-plane node).
   */
  controllerManagerFiles: boolean;
  /**
   * kubeproof's custom metrics API server (scripts/custom-metrics) serves custom.metrics.k8s.io,
   * reporting the values tests put in annotations (installed by the local and kind providers).
   */
  customMetrics: boolean;
  /** The test process can see the node's filesystem for hostPath PVs (same host). */
  nodeFilesystem: "host" | "docker-exec" | "none";
  /** metrics.k8s.io is served and Available (metrics-server): what the HPA's resource metrics need. */
  resourceMetrics: boolean;
  /** Nothing serves external.metrics.k8s.io: an HPA on an external metric has no metrics API. */
  noExternalMetrics: boolean;
}

export interface ClusterInfo {
  provider: ProviderName;
  name: string;
  /** The API server's address, for a cluster kubeproof did not make: it tells two clusters of one name apart. */
  server?: string;
  kubeconfig: string;
  kubeVersion: string;
  capabilities: Capabilities;
  /** Why each missing capability is missing, read from the cluster (skip reasons say it). */
  missing: Partial<Record<keyof Capabilities, string>>;
  /** The kind cluster whose node containers run here (node files, joins), when there is one. */
  kindCluster?: string;
  /** Created by this run (deleted at the end unless kept). */
  owned: boolean;
  /** Time to bring it up, by phase, in ms. */
  phases: Record<string, number>;
  runId: string;
}

export interface Provider {
  up(): Promise<ClusterInfo>;
  /** Tears down what up() created; must be safe to call twice and from a signal handler. */
  down(): Promise<void>;
  /** Synchronous best-effort teardown for process exit paths. */
  downSync(): void;
}

/** A taint a node is registered with (kubelet --register-with-taints, kubeadm's nodeRegistration.taints). */
export interface NodeTaint {
  key: string;
  value: string;
  effect: "NoSchedule";
}
