// Reading a cluster's capabilities: the pure part (which kind cluster a node belongs to).
import { describe, expect, it } from "vitest";
import { kindClusterOf } from "../harness/cluster/capabilities.ts";
import type { Node } from "../harness/api/kinds.ts";

const node = (providerID?: string): Node => ({ apiVersion: "v1", kind: "Node", metadata: { name: "n" }, spec: { providerID } });

describe("capabilities", () => {
  it("knows a kind node by its providerID, and its cluster", () => {
    expect(kindClusterOf(node("kind://docker/kubeproof-123/kubeproof-123-worker"))).toBe("kubeproof-123");
    expect(kindClusterOf(node("kind://podman/x/x-worker"))).toBeUndefined();
    expect(kindClusterOf(node("aws:///eu-west-1a/i-0abc"))).toBeUndefined();
    expect(kindClusterOf(node())).toBeUndefined();
  });
});
