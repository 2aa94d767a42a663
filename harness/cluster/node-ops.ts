// What a spec helper may do to a cluster's nodes, whatever the provider: add a node and remove it,
// run a command on one. Each provider answers in its own way (a simulated node created through
// the API on local, a kind node container joined with kubeadm on kind); helpers in harness/ops/
// reach nodes only through this interface, as e2e-framework's providers expose AddNode/RemoveNode.
import type { Api } from "../api/client.ts";
import { ApiError } from "../api/client.ts";
import { deleted, waitFor } from "../wait/index.ts";
import type { ClusterInfo, NodeTaint } from "./types.ts";

export interface NodeOps {
  /** The node joins, registered with the taint; resolves once it is a member (Ready comes after). */
  add(name: string, taint: NodeTaint): Promise<void>;
  /** The node leaves for good (its machine first, then its Node object); a node already gone is fine. */
  remove(name: string): Promise<void>;
  /** Runs a command on the node and resolves with its stdout. */
  exec(node: string, command: string[]): Promise<string>;
  /** The name of the node the control plane runs on. */
  controlPlane: string;
  /** How nodes are added: "fake" (simulated) or "join" (a real node). */
  kind: "fake" | "join";
}

// The providers' modules load when a node operation runs, not with every spec file that could
// use one: kind's brings testcontainers and a Docker client along.
const kind = () => import("./kind.ts");
const local = () => import("./local.ts");

/** The node operations of the cluster; throws where the provider has none. */
export function nodeOps(cluster: ClusterInfo, api: Api): NodeOps {
  const how = cluster.capabilities.addNodes;
  if (cluster.kindCluster) {
    const kc = cluster.kindCluster;
    return {
      kind: "join",
      controlPlane: `${kc}-control-plane`,
      add: async (name, taint) => (await kind()).joinNode(kc, name, cluster.kubeconfig, taint),
      remove: async (name) => (await kind()).leaveNode(kc, name, cluster.kubeconfig),
      exec: async (node, command) => (await kind()).nodeExec(node, command),
    };
  }
  if (how === "fake") {
    const ref = (name: string) => ({ apiVersion: "v1", kind: "Node", name });
    return {
      kind: "fake",
      controlPlane: "",
      add: async (name, taint) => void (await api.create((await local()).fakeNode(name, { "kubeproof.dev/run": cluster.runId }, [taint]))),
      async remove(name) {
        await api.delete(ref(name)).catch((e: unknown) => {
          if (!(e instanceof ApiError && e.code === 404)) throw e;
        });
        await waitFor(api, deleted(ref(name), "api"));
      },
      exec: () => Promise.reject(new Error(`provider ${cluster.provider}: its nodes are simulated, no command runs on them`)),
    };
  }
  throw new Error(`provider ${cluster.provider} offers no node operations (this cluster has no addNodes: ${cluster.missing.addNodes ?? "unknown"})`);
}
