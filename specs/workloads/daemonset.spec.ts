// These tests add, cordon and label nodes, one at a time; each change undoes itself
// (harness/ops/nodes.ts). Nodes a test adds carry a taint only its pods tolerate.
import { describe, expect } from "vitest";
import { test, type Kube } from "../../harness/test.ts";
import {
  daemonSetReady,
  deleted,
  eligibleNodesNow,
  eventAbout,
  matches,
  noPodOn,
  ownedPodsDeleted,
  podsGone,
  podsOwnedBy,
  podScheduledOn,
  readyPodOn,
} from "../../harness/wait/index.ts";
import { unreserved } from "../../harness/ops/capacity.ts";
import { mebibytes } from "../../harness/api/quantity.ts";
import { addNode, cordon, labelNode, toleratingAddedNode } from "../../harness/ops/nodes.ts";
import { nodeCoverage } from "../../harness/ops/rollout.ts";
import { ownedBy } from "../../harness/record/timeline.ts";
import { createAsVersion, servedVersions } from "../../harness/ops/api-versions.ts";
import type { DaemonSet, Node, Pod, Toleration } from "../../harness/api/kinds.ts";

const names = (nodes: Node[]) => nodes.map((n) => n.metadata.name!);

/** The nodes a plain DaemonSet covers; a cluster whose every node has a taint its pods do not tolerate cannot show the claims (a precondition). */
async function eligibleOrSkip(k: Kube): Promise<Node[]> {
  const nodes = await k.wait(eligibleNodesNow());
  k.skipIf(nodes.length ? undefined : "every node of this cluster is not Ready or has a taint a DaemonSet pod without tolerations does not tolerate");
  return nodes;
}
/** The DaemonSet's pods also tolerate this (the taint of a node the test added). */
const tolerating = (t: Toleration) => (d: DaemonSet) => {
  const spec = d.spec!.template.spec!;
  spec.tolerations = [...(spec.tolerations ?? []), t];
};
const nodesOf = (pods: Pod[]) => pods.map((p) => p.spec?.nodeName).sort();

describe("DaemonSet", { concurrent: false }, () => {
  test(
    "the tutorial's step as it wrote it: an extensions/v1beta1 DaemonSet finds no API (404; served until 1.16); as apps/v1 it is created",
    { meta: { claims: [], upstream: [] } },
    async ({ k }) => {
      await k.observed("extensions versions served", (await servedVersions(k, "extensions")).join(", ") || "none (the group is gone)");
      expect(await servedVersions(k, "extensions")).not.toContain("v1beta1");
      expect(await servedVersions(k, "apps")).toContain("v1");
      // The whole group is gone, so no API answers at that path: the apiserver's plain 404 page,
      // not a Status (batch/v1beta1, whose group lives on, gets a NotFound Status).
      const refusal = await k.expectApiError(createAsVersion(k, "workloads/daemonset.yaml", "extensions/v1beta1"), { code: 404, message: /404 page not found/ }, "the tutorial's extensions/v1beta1 DaemonSet");
      await k.observed("the apiserver's answer to extensions/v1beta1", `${refusal.code} ${refusal.status.message}`);
      const today = await k.applyOne<DaemonSet>("workloads/daemonset.yaml");
      expect(today).toMatchObject({ apiVersion: "apps/v1", kind: "DaemonSet" });
    },
  );

  test(
    "runs one pod on every eligible node; desired = current = ready = node count",
    { meta: { claims: ["DS-1"], upstream: ["[sig-apps] Daemon set [Serial] should run and stop simple daemon"] } },
    async ({ k }) => {
      const nodes = await eligibleOrSkip(k);
      const ds = await k.applyOne<DaemonSet>("workloads/daemonset.yaml");

      const ready = await k.wait(daemonSetReady(ds.ref, nodes.length));
      expect(ready.status).toMatchObject({
        desiredNumberScheduled: nodes.length,
        currentNumberScheduled: nodes.length,
        numberReady: nodes.length,
        numberAvailable: nodes.length,
        numberMisscheduled: 0,
      });
      const pods = await k.wait(podsOwnedBy(ds.ref, nodes.length));
      expect(nodesOf(pods)).toEqual(names(nodes));
      // No pod was made and thrown away on the way.
      await Promise.all(pods.map((p) => k.timeline.caughtUp(p)));
      expect(k.timeline.pods(ownedBy(ds))).toHaveLength(nodes.length);
      await k.observed("eligible nodes", names(nodes).join(", "));
    },
  );

  test(
    "a node added to the cluster gets a pod; when it is removed its pod goes",
    { meta: { claims: ["DS-2"], upstream: [] } },
    async ({ k }) => {
      k.requires("addNodes", "adds a node to the cluster and removes it");
      const nodes = await eligibleOrSkip(k);
      // The added node carries a taint of this test's own, which the DaemonSet tolerates.
      const ds = await k.applyOne<DaemonSet>("workloads/daemonset.yaml", tolerating(toleratingAddedNode(k)));
      await k.wait(daemonSetReady(ds.ref, nodes.length));

      const node = await addNode(k);
      const pod = await k.wait(readyPodOn(ds.ref, node.metadata.name!));
      await k.wait(daemonSetReady(ds.ref, nodes.length + 1));

      await node.remove();
      await k.wait(deleted(node.ref, "api"));
      // The pod GC removes pods bound to a node that no longer exists (after its quarantine);
      // the DaemonSet's counts follow.
      await k.wait(noPodOn(ds.ref, node.metadata.name!, "podGarbageCollection"));
      await k.wait(daemonSetReady(ds.ref, nodes.length));
      // The pod GC first marks the pod Failed (condition DisruptionTarget), then deletes it.
      const life = await k.timeline.until(`${pod.metadata.name} deleted`, () => k.timeline.pods((e) => e.name === pod.metadata.name).find((l) => l.deleted !== undefined));
      expect([life]).toEqual([expect.objectContaining({ outcome: "Failed", deleted: expect.any(Number) })]);
    },
  );

  test(
    "deleting a DaemonSet deletes its pods",
    { meta: { claims: ["DS-3"], upstream: ["[sig-apps] Daemon set [Serial] should run and stop simple daemon"] } },
    async ({ k }) => {
      const nodes = await eligibleOrSkip(k);
      const ds = await k.applyOne<DaemonSet>("workloads/daemonset.yaml");
      await k.wait(daemonSetReady(ds.ref, nodes.length));
      const pods = await k.wait(podsOwnedBy(ds.ref, nodes.length));

      // No propagation policy: the apiserver's default for apps/v1 DaemonSets is background.
      await k.delete(ds);
      await k.wait(deleted(ds.ref));

      await k.wait(ownedPodsDeleted(ds.ref, pods));
      await k.wait(podsGone(pods));
    },
  );

  test(
    "the default scheduler binds each pod through a required node affinity on metadata.name",
    { meta: { claims: ["DS-4"], upstream: [] } },
    async ({ k }) => {
      const nodes = await eligibleOrSkip(k);
      const ds = await k.applyOne<DaemonSet>("workloads/daemonset.yaml");
      await k.wait(daemonSetReady(ds.ref, nodes.length));
      const pods = await k.wait(podsOwnedBy(ds.ref, nodes.length));

      for (const pod of pods) {
        const node = pod.spec!.nodeName!;
        expect(pod.spec).toMatchObject({
          schedulerName: "default-scheduler",
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [node] }] }],
              },
            },
          },
        });
        // The controller created the pod unbound; the scheduler's binding set spec.nodeName.
        await k.timeline.caughtUp(pod);
        const life = k.timeline.pods((e) => e.name === pod.metadata.name)[0]!;
        expect(life.states[0]!.facts).toEqual({ phase: "Pending" });
        const scheduled = await k.wait(eventAbout({ kind: "Pod", name: pod.metadata.name!, namespace: k.ns }, "Scheduled"));
        expect(scheduled).toMatchObject({ reportingComponent: "default-scheduler", message: `Successfully assigned ${k.ns}/${pod.metadata.name} to ${node}` });
      }
      expect(nodesOf(pods)).toEqual(names(nodes));
    },
  );

  test(
    "a cordoned node keeps its pod, and a new DaemonSet still places a pod there",
    { meta: { claims: ["DS-5"], upstream: [] } },
    async ({ k }) => {
      // Where nodes can be added the cordoned node is one of this test's own (the other spec files
      // run beside it and schedule on the shared nodes); elsewhere it is the first eligible node,
      // and this file runs alone (harness/run/projects.ts).
      const own = k.cluster.capabilities.addNodes !== "none" ? await addNode(k) : undefined;
      const nodes = [...(await eligibleOrSkip(k)), ...(own ? [own] : [])];
      const target = own?.metadata.name ?? nodes[0]!.metadata.name!;
      const tolerateOwn = tolerating(toleratingAddedNode(k));
      const before = await k.applyOne<DaemonSet>("workloads/daemonset.yaml", tolerateOwn);
      await k.wait(daemonSetReady(before.ref, nodes.length));

      await cordon(k, target);
      await k.wait(
        matches<Node>({ apiVersion: "v1", kind: "Node", name: target }, "to carry the taint node.kubernetes.io/unschedulable:NoSchedule", (n) =>
          (n.spec?.taints ?? []).some((t) => t.key === "node.kubernetes.io/unschedulable" && t.effect === "NoSchedule"),
        ),
      );
      await k.never(noPodOn(before.ref, target));

      const after = await k.applyOne<DaemonSet>("workloads/daemonset.yaml", (d) => {
        tolerateOwn(d);
        d.metadata.name = "agent-after-cordon";
        d.spec!.selector.matchLabels = { app: "agent-after-cordon" };
        d.spec!.template.metadata!.labels = { app: "agent-after-cordon" };
      });
      const pod = await k.wait(readyPodOn(after.ref, target));
      await k.wait(daemonSetReady(after.ref, nodes.length));
      expect(pod.spec?.tolerations).toContainEqual({ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" });
    },
  );

  test(
    "pods of a DaemonSet with a priorityClassName carry that class's priority",
    { meta: { claims: ["DS-6"], upstream: [] } },
    async ({ k }) => {
      const nodes = await eligibleOrSkip(k);
      const fx = await k.apply("workloads/daemonset-priority.yaml");
      const pc = fx.get("PriorityClass");
      const ref = fx.get<DaemonSet>("DaemonSet").ref;

      await k.wait(daemonSetReady(ref, nodes.length));
      const pods = await k.wait(podsOwnedBy(ref, nodes.length));
      for (const pod of pods) expect(pod.spec).toMatchObject({ priorityClassName: pc.metadata.name, priority: 1_000_000 });
      // Only that the priority is applied; the preemption is the next test's.
      await k.observed("observed", `every pod has priority ${pods[0]!.spec!.priority} from ${pc.metadata.name} and was scheduled by ${pods[0]!.spec!.schedulerName}`);
    },
  );

  test(
    "a DaemonSet pod of higher priority preempts a lower-priority pod from a node too full for both",
    { meta: { claims: ["DS-6"], upstream: ["[sig-scheduling] SchedulerPreemption [Serial] validates basic preemption works [Conformance]"] } },
    async ({ k }) => {
      k.requires("addNodes", "fills a node of its own, so that no other test's pod is preempted");
      const node = await addNode(k);
      const name = node.metadata.name!;
      const onTheNode = (spec: NonNullable<Pod["spec"]>, memory: number) => {
        spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [name] }] }] } } };
        spec.tolerations = [...(spec.tolerations ?? []), toleratingAddedNode(k)];
        spec.containers[0]!.resources = { requests: { memory: mebibytes(memory) } };
      };
      // Each asks for 60% of what the node has: the low-priority pod first, then the DaemonSet's.
      const request = Math.floor((await unreserved(k, node, "memory")) * 0.6);
      const low = await k.applyOne<Pod>("workloads/pod-preemptible.yaml", (p) => onTheNode(p.spec!, request));
      await k.wait(podScheduledOn(low.ref, name));

      const fx = await k.apply("workloads/daemonset-priority.yaml", (o) => {
        if (o.kind === "DaemonSet") onTheNode((o as DaemonSet).spec!.template.spec!, request);
      });
      const ds = fx.get<DaemonSet>("DaemonSet").ref;
      // The scheduler evicts the lower-priority pod for the DaemonSet's and binds it there.
      const preempted = await k.wait(eventAbout(low.ref, "Preempted", { message: /Preempted by pod/ }));
      await k.wait(deleted(low.ref, "podTermination"));
      const pod = await k.wait(readyPodOn(ds, name));
      expect(pod.spec).toMatchObject({ nodeName: name, priority: 1_000_000 });
      await k.observed("preemption", `${preempted.message}`);
    },
  );

  test(
    "pods leave nodes that no longer match the nodeSelector",
    { meta: { claims: [], beyond: ["DS-1"], upstream: ["[sig-apps] Daemon set [Serial] should run and stop complex daemon"] } },
    async ({ k }) => {
      const nodes = await eligibleOrSkip(k);
      expect(nodes.length, "needs two eligible nodes").toBeGreaterThanOrEqual(2);
      const [keep, drop] = names(nodes) as [string, string];
      const label = `kubeproof.dev/agent-${k.suffix}`;
      await labelNode(k, keep, { [label]: "yes" });
      await labelNode(k, drop, { [label]: "yes" });

      const ds = await k.applyOne<DaemonSet>("workloads/daemonset.yaml", (d) => {
        d.spec!.template.spec!.nodeSelector = { [label]: "yes" };
      });
      await k.wait(daemonSetReady(ds.ref, 2));
      expect(nodesOf(await k.wait(podsOwnedBy(ds.ref, 2)))).toEqual([keep, drop].sort());

      await labelNode(k, drop, { [label]: null });

      await k.wait(noPodOn(ds.ref, drop));
      await k.wait(daemonSetReady(ds.ref, 1));
      await k.wait(readyPodOn(ds.ref, keep));
    },
  );

  test(
    "a template change replaces the pods one node at a time with maxUnavailable 1",
    { meta: { claims: [], beyond: ["DS-1"], upstream: ["[sig-apps] Daemon set [Serial] should update pod when spec was updated and update strategy is RollingUpdate"] } },
    async ({ k }) => {
      const nodes = await eligibleOrSkip(k);
      const ds = await k.applyOne<DaemonSet>("workloads/daemonset.yaml"); // RollingUpdate, maxUnavailable 1
      await k.wait(daemonSetReady(ds.ref, nodes.length));
      const old = (await k.wait(podsOwnedBy(ds.ref, nodes.length))).map((p) => p.metadata.name);

      await k.patch(ds, { spec: { template: { metadata: { annotations: { "kubeproof.dev/revision": "2" } } } } });

      await k.wait(daemonSetReady(ds.ref, nodes.length));
      await k.wait(
        matches<DaemonSet>(ds.ref, "to have every pod of the new revision available", (d) => d.status?.updatedNumberScheduled === nodes.length && d.status?.numberAvailable === nodes.length),
      );
      const lives = await k.timeline.until(`the ${old.length} old pods ended and ${nodes.length} new ones`, () => {
        const ls = k.timeline.pods(ownedBy(ds));
        return ls.filter((l) => old.includes(l.name) && l.ended !== undefined).length === old.length && ls.length >= 2 * nodes.length ? ls : undefined;
      });
      expect(lives.filter((l) => old.includes(l.name)).map((l) => l.outcome)).toEqual(old.map(() => "Deleted"));
      expect(lives).toHaveLength(2 * nodes.length);

      const coverage = nodeCoverage(k.timeline.entries(), { kind: "DaemonSet", name: ds.metadata.name! }, names(nodes));
      expect(coverage).toMatchObject({ baseline: true, maxUncovered: 1 });
    },
  );
});
