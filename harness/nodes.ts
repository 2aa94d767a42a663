// Node changes for serial specs: add a fake node, cordon, label. Every change registers its own
// undo with k.defer, so a test leaves the nodes as it found them even when it fails.
import type { Kube } from "./test.js";
import type { Node } from "./kinds.js";
import { fakeNode } from "./cluster/local.js";
import { deleted, nodeReady, waitFor, type Ref } from "./wait/index.js";
import { ApiError } from "./api.js";

const nodeRef = (name: string): Ref => ({ apiVersion: "v1", kind: "Node", name });

/**
 * Adds a simulated node through the API (providers with capability fakeNodes) and waits until its
 * simulated kubelet reports Ready. Deleting it is registered for the end of the test; a test that
 * deletes it itself may (the cleanup ignores a node already gone).
 */
export async function addFakeNode(k: Kube, labels: Record<string, string> = {}): Promise<Node & { ref: Ref }> {
  const name = `kp-node-${k.suffix}`;
  return k.step(`add fake node ${name}`, async () => {
    await k.api.create(fakeNode(name, { "kubeproof.dev/run": k.cluster.runId, ...labels }));
    k.defer(`node ${name}`, async () => {
      await k.api.delete(nodeRef(name)).catch((e: unknown) => {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      });
      await waitFor(k.api, deleted(nodeRef(name), "api"));
    });
    const node = await waitFor(k.api, nodeReady(name));
    return Object.assign(node, { ref: nodeRef(name) });
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
