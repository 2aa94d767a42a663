// Node changes: add and remove a node, cordon, label. Every change registers its
// own undo with k.defer, so a test leaves the nodes as it found them even when it fails.
import type { Kube } from "../test.ts";
import type { Node } from "../api/kinds.ts";
import type { Toleration } from "../api/kinds.ts";
import type { NodeTaint } from "../cluster/types.ts";
import { ApiError } from "../api/client.ts";
import { addedByTaint } from "../api/ownership.ts";
import { nodeOps } from "../cluster/node-ops.ts";
import { nodeReady, waitFor, type Ref } from "../wait/index.ts";

const nodeRef = (name: string): Ref => ({ apiVersion: "v1", kind: "Node", name });

export type AddedNode = Node & { ref: Ref; remove(): Promise<void> };

/**
 * The taint a node added by this test is registered with, so that only pods tolerating it (the
 * test's own) land there: other spec files run beside this one on the same cluster and must not
 * find their pods on a node that leaves.
 */
export function addedNodeTaint(k: Kube): NodeTaint {
  return { key: addedByTaint, value: k.suffix, effect: "NoSchedule" };
}

/** The toleration of addedNodeTaint, for the fixtures whose pods belong on the added node. */
export function toleratingAddedNode(k: Kube): Toleration {
  const { key, value, effect } = addedNodeTaint(k);
  return { key, operator: "Equal", value, effect };
}

/**
 * A node joins the cluster and is Ready: a simulated node created through the API (addNodes
 * "fake": kwok plays its kubelet) or a real one (addNodes "join": another kind node container
 * joined with kubeadm), registered with addedNodeTaint. `remove()` makes it leave (a real node's
 * machine goes first, then its Node object); the same removal is registered for the end of the
 * test and ignores a node already gone.
 */
export async function addNode(k: Kube): Promise<AddedNode> {
  const how = k.cluster.capabilities.addNodes;
  if (how === "none") throw new Error(`provider ${k.cluster.provider} cannot add nodes (call k.requires("addNodes", ...) first)`);
  const ops = nodeOps(k.cluster, k.api);
  const name = ops.kind === "fake" ? `kp-node-${k.suffix}` : `${k.cluster.kindCluster}-join-${k.suffix}`;
  const remove = () => ops.remove(name);
  return k.step(`add ${ops.kind === "fake" ? "simulated" : "real"} node ${name}`, async () => {
    k.defer(`node ${name}`, remove);
    const taint = addedNodeTaint(k);
    await ops.add(name, taint);
    // A real kubelet reports Ready once the CNI config is in place (after the join).
    const node = await waitFor(k.api, nodeReady(name, ops.kind === "fake" ? "controller" : "podStart"));
    // Isolation rests on it: a node registered without its taint would take other files' pods.
    if (!node.spec?.taints?.some((t) => t.key === taint.key && t.value === taint.value && t.effect === taint.effect)) {
      throw new Error(`node ${name} registered without its taint ${taint.key}=${taint.value}:${taint.effect} (taints: ${JSON.stringify(node.spec?.taints ?? [])})`);
    }
    return Object.assign(node, { ref: nodeRef(name), remove: () => k.step(`remove node ${name}`, remove) });
  });
}

/** Marks the node unschedulable (kubectl cordon); restores its previous setting at the end. */
export async function cordon(k: Kube, name: string): Promise<void> {
  await k.step(`cordon node ${name}`, async () => {
    const before = await k.api.get<Node>("v1", "Node", name);
    const was = before.spec?.unschedulable ?? false;
    k.defer(`uncordon node ${name}`, async () => {
      await k.api.patch(nodeRef(name), { spec: { unschedulable: was ? true : null } });
    });
    await k.api.patch(nodeRef(name), { spec: { unschedulable: true } });
  });
}

/** Sets (string) or removes (null) labels on the node; restores the previous values at the end. */
export async function labelNode(k: Kube, name: string, labels: Record<string, string | null>): Promise<void> {
  const shown = Object.entries(labels).map(([key, v]) => (v === null ? `${key}-` : `${key}=${v}`)).join(" ");
  await k.step(`label node ${name} ${shown}`, async () => {
    const before = (await k.api.get<Node>("v1", "Node", name)).metadata.labels ?? {};
    const restore = Object.fromEntries(Object.keys(labels).map((key) => [key, before[key] ?? null]));
    k.defer(`restore labels of node ${name}`, async () => {
      await k.api.patch(nodeRef(name), { metadata: { labels: restore } }).catch((e: unknown) => {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      });
    });
    await k.api.patch(nodeRef(name), { metadata: { labels } });
  });
}
