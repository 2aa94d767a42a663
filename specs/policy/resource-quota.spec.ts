import { describe, expect } from "vitest";
import { test } from "../../harness/test.ts";
import {
  atLeast,
  containerKilled,
  containerUsage,
  count,
  listedNow,
  deleted,
  eventAbout,
  metricsApiAvailable,
  podReady,
  podScheduledOn,
  podUnschedulable,
  podsOwnedBy,
  quotaUsed,
  quotaUsedChangedFrom,
  replicaFailure,
  schedulableNodes,
  type Ref,
} from "../../harness/wait/index.ts";
import type { Deployment, PersistentVolumeClaim, Pod, ResourceQuota, Service } from "../../harness/api/kinds.ts";
import { maxConcurrent } from "../../harness/record/timeline.ts";
import { unreserved } from "../../harness/ops/capacity.ts";
import { mebibytes, parseQuantity } from "../../harness/api/quantity.ts";
import { oomKillEvidence } from "../../harness/ops/oom.ts";

const forbidden = (message: RegExp) => ({ code: 403, reason: "Forbidden", message });
const pod = (name: string, namespace: string): Ref => ({ apiVersion: "v1", kind: "Pod", name, namespace });

describe("ResourceQuota", () => {
  test(
    "a namespace without a quota takes many pods and ConfigMaps",
    { meta: { claims: ["QUOTA-1"], upstream: [] } },
    async ({ k }) => {
      // A platform may put a quota into every new namespace: then no namespace here is without one.
      const injected = await k.wait(listedNow({ apiVersion: "v1", kind: "ResourceQuota", namespace: k.ns }));
      k.skipIf(injected.length ? `this cluster puts a ResourceQuota into every new namespace (${injected.map((q) => q.metadata.name).join(", ")}): a namespace without one cannot be had here` : undefined);

      await k.apply("policy/many-objects.yaml");

      await k.wait(count({ apiVersion: "v1", kind: "Pod", namespace: k.ns }, 12));
      // The 12 of the fixture plus kube-root-ca.crt, which every namespace gets.
      await k.wait(atLeast({ apiVersion: "v1", kind: "ConfigMap", namespace: k.ns }, 13));
    },
  );

  test(
    "an object-count quota refuses the pod, ConfigMap and Secret beyond its limit",
    {
      meta: {
        claims: ["QUOTA-2", "QUOTA-4"],
        upstream: [
          "[sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a pod.",
          "[sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a configMap.",
          "[sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a secret.",
        ],
      },
    },
    async ({ k }) => {
      const quota = await k.applyOne<ResourceQuota>("policy/quota-counts.yaml");
      // kube-root-ca.crt is a ConfigMap like any other.
      await k.wait(quotaUsed(quota.ref, { pods: "0", configmaps: "1", "count/secrets": "0" }));

      // Each fixture is created object by object: the last one goes over the limit.
      await k.expectApiError(
        k.apply("policy/pods-three.yaml"),
        forbidden(/exceeded quota: counts, requested: pods=1, used: pods=2, limited: pods=2/),
        "the third pod",
      );
      await k.expectApiError(
        k.apply("policy/configmaps-two.yaml"),
        forbidden(/exceeded quota: counts, requested: configmaps=1, used: configmaps=2, limited: configmaps=2/),
        "a third ConfigMap",
      );
      await k.expectApiError(
        k.apply("policy/secrets-two.yaml"),
        forbidden(/exceeded quota: counts, requested: count\/secrets=1, used: count\/secrets=1, limited: count\/secrets=1/),
        "a second Secret",
      );

      await k.expectApiError(k.get(pod("counted-2", k.ns)), { code: 404, reason: "NotFound" }, "reading the refused pod");
      const q = await k.wait(quotaUsed(quota.ref, { pods: "2", configmaps: "2", "count/secrets": "1" }));
      expect(q.status).toMatchObject({ hard: { pods: "2", configmaps: "2", "count/secrets": "1" } });
    },
  );

  test(
    "a compute quota enforces requests.cpu and limits.memory, each on its own",
    { meta: { claims: ["QUOTA-2"], upstream: ["[sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a pod."] } },
    async ({ k }) => {
      const quota = await k.applyOne<ResourceQuota>("policy/quota-compute.yaml");
      await k.wait(quotaUsed(quota.ref, { "requests.cpu": "0", "limits.memory": "0" }));

      // Two pods of 400m CPU requested and 400Mi memory limit: 800m of 1, 800Mi of 1Gi.
      await k.applyOne<Pod>("policy/pod-compute.yaml", (p) => (p.metadata.name = "a"));
      await k.applyOne<Pod>("policy/pod-compute.yaml", (p) => (p.metadata.name = "b"));
      await k.wait(quotaUsed(quota.ref, { "requests.cpu": "800m", "limits.memory": "800Mi" }));

      // Little CPU, too much memory: refused on limits.memory alone.
      await k.expectApiError(
        k.apply<Pod>("policy/pod-compute.yaml", (p) => {
          p.metadata.name = "memory-hungry";
          p.spec!.containers[0]!.resources = { requests: { cpu: "100m", memory: "300Mi" }, limits: { memory: "300Mi" } };
        }),
        forbidden(/exceeded quota: compute, requested: limits\.memory=300Mi, used: limits\.memory=800Mi, limited: limits\.memory=1Gi$/),
        "a pod over the memory limit",
      );
      // Little memory, too much CPU: refused on requests.cpu alone.
      await k.expectApiError(
        k.apply<Pod>("policy/pod-compute.yaml", (p) => {
          p.metadata.name = "cpu-hungry";
          p.spec!.containers[0]!.resources = { requests: { cpu: "300m", memory: "100Mi" }, limits: { memory: "100Mi" } };
        }),
        forbidden(/exceeded quota: compute, requested: requests\.cpu=300m, used: requests\.cpu=800m, limited: requests\.cpu=1$/),
        "a pod over the CPU requests",
      );
      // What still fits is admitted.
      await k.applyOne<Pod>("policy/pod-compute.yaml", (p) => {
        p.metadata.name = "fits";
        p.spec!.containers[0]!.resources = { requests: { cpu: "200m", memory: "200Mi" }, limits: { memory: "200Mi" } };
      });
      await k.wait(quotaUsed(quota.ref, { "requests.cpu": "1", "limits.memory": "1000Mi" }));
    },
  );

  test(
    "a quota enforces services, services.nodeports and ephemeral storage, each on its own",
    { meta: { claims: ["QUOTA-2"], upstream: ["[sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a service."] } },
    async ({ k }) => {
      const quota = await k.applyOne<ResourceQuota>("policy/quota-services.yaml");
      await k.wait(quotaUsed(quota.ref, { services: "0", "services.nodeports": "0", "requests.ephemeral-storage": "0" }));
      const service = (name: string, type: "ClusterIP" | "NodePort") => (s: Service) => {
        s.metadata.name = name;
        s.spec!.type = type;
      };

      // One NodePort is all the quota allows: a second is refused on services.nodeports alone.
      await k.applyOne<Service>("policy/service.yaml", service("plain", "ClusterIP"));
      await k.applyOne<Service>("policy/service.yaml", service("exposed", "NodePort"));
      await k.expectApiError(
        k.apply<Service>("policy/service.yaml", service("exposed-too", "NodePort")),
        forbidden(/exceeded quota: services, requested: services\.nodeports=1, used: services\.nodeports=1, limited: services\.nodeports=1$/),
        "a second NodePort Service",
      );
      // A third Service fits; a fourth is refused on the count of services.
      await k.applyOne<Service>("policy/service.yaml", service("third", "ClusterIP"));
      await k.expectApiError(
        k.apply<Service>("policy/service.yaml", service("fourth", "ClusterIP")),
        forbidden(/exceeded quota: services, requested: services=1, used: services=3, limited: services=3$/),
        "a fourth Service",
      );

      // Ephemeral storage: 2Gi requested of 1Gi is refused; 512Mi is admitted and counted.
      const scratch = (name: string, request: string) => (p: Pod) => {
        p.metadata.name = name;
        p.spec!.containers[0]!.resources = { requests: { "ephemeral-storage": request }, limits: { "ephemeral-storage": request } };
      };
      await k.expectApiError(
        k.apply<Pod>("policy/pod-compute.yaml", scratch("too-much-scratch", "2Gi")),
        forbidden(/exceeded quota: services, requested: requests\.ephemeral-storage=2Gi, used: requests\.ephemeral-storage=0, limited: requests\.ephemeral-storage=1Gi$/),
        "a pod asking for 2Gi of ephemeral storage",
      );
      await k.applyOne<Pod>("policy/pod-compute.yaml", scratch("scratch", "512Mi"));
      await k.wait(quotaUsed(quota.ref, { services: "3", "services.nodeports": "1", "requests.ephemeral-storage": "512Mi", "limits.ephemeral-storage": "512Mi" }));
    },
  );

  test(
    "a storage quota enforces requests.storage, the claim count and a per-class limit",
    { meta: { claims: ["QUOTA-2"], upstream: ["[sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a persistent volume claim", "[sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a persistent volume claim with a storage class"] } },
    async ({ k }) => {
      const quota = await k.applyOne<ResourceQuota>("policy/quota-storage.yaml");
      await k.wait(quotaUsed(quota.ref, { "requests.storage": "0", persistentvolumeclaims: "0" }));

      await k.applyOne("policy/pvc.yaml", (c) => (c.metadata.name = "one-gi"));
      await k.expectApiError(
        k.apply<PersistentVolumeClaim>("policy/pvc.yaml", (c) => {
          c.metadata.name = "too-big";
          c.spec!.resources!.requests!.storage = "1536Mi";
        }),
        forbidden(/exceeded quota: storage, requested: requests\.storage=1536Mi, used: requests\.storage=1Gi, limited: requests\.storage=2Gi$/),
        "a claim over the storage total",
      );
      await k.applyOne("policy/pvc.yaml", (c) => (c.metadata.name = "another-gi"));
      await k.wait(quotaUsed(quota.ref, { "requests.storage": "2Gi", persistentvolumeclaims: "2" }));

      // Storage is used up, and so is the claim count: both named in the refusal.
      await k.expectApiError(
        k.apply("policy/pvc.yaml", (c) => (c.metadata.name = "third")),
        forbidden(/exceeded quota: storage, requested: .*persistentvolumeclaims=1.*, used: .*persistentvolumeclaims=2.*, limited: .*persistentvolumeclaims=2/),
        "a third claim",
      );
      await k.delete({ apiVersion: "v1", kind: "PersistentVolumeClaim", name: "another-gi", namespace: k.ns });
      await k.wait(quotaUsed(quota.ref, { "requests.storage": "1Gi", persistentvolumeclaims: "1" }));

      // Room in the totals, but no claim at all of class gold. (The admission plugin reads quotas
      // from its own cache, which can trail the status just seen: then it names the totals too.)
      await k.expectApiError(
        k.apply<PersistentVolumeClaim>("policy/pvc.yaml", (c) => {
          c.metadata.name = "gold";
          c.spec!.storageClassName = "gold";
        }),
        forbidden(/exceeded quota: storage, requested: (.*,)?gold\.storageclass\.storage\.k8s\.io\/persistentvolumeclaims=1\b.*, used: (.*,)?gold\.storageclass\.storage\.k8s\.io\/persistentvolumeclaims=0\b.*, limited: (.*,)?gold\.storageclass\.storage\.k8s\.io\/persistentvolumeclaims=0\b/),
        "a claim of class gold",
      );
    },
  );

  test(
    "the quota's used follows pods as they are created and deleted",
    { meta: { claims: ["QUOTA-3"], upstream: ["[sig-api-machinery] ResourceQuota should create a ResourceQuota and ensure its status is promptly calculated.", "[sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a pod."] } },
    async ({ k }) => {
      const quota = await k.applyOne<ResourceQuota>("policy/quota-track.yaml");
      const computed = await k.wait(quotaUsed(quota.ref, { pods: "0", "requests.cpu": "0", "requests.memory": "0" }));
      expect(computed.status).toMatchObject({ hard: { pods: "5", "requests.cpu": "2", "requests.memory": "2Gi" } });

      const a = await k.applyOne<Pod>("policy/pod-compute.yaml", (p) => (p.metadata.name = "a"));
      await k.wait(quotaUsed(quota.ref, { pods: "1", "requests.cpu": "400m", "requests.memory": "256Mi" }));

      await k.applyOne<Pod>("policy/pod-compute.yaml", (p) => {
        p.metadata.name = "b";
        p.spec!.containers[0]!.resources = { requests: { cpu: "100m", memory: "64Mi" } };
      });
      await k.wait(quotaUsed(quota.ref, { pods: "2", "requests.cpu": "500m", "requests.memory": "320Mi" }));

      await k.delete(a);
      await k.wait(deleted(a.ref, "podTermination"));
      await k.wait(quotaUsed(quota.ref, { pods: "1", "requests.cpu": "100m", "requests.memory": "64Mi" }));
    },
  );

  test(
    "a pod over quota is refused with 403 Forbidden, is not created and uses nothing",
    { meta: { claims: ["QUOTA-4"], upstream: ["[sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a pod."] } },
    async ({ k }) => {
      const quota = await k.applyOne<ResourceQuota>("policy/quota-compute.yaml");
      await k.wait(quotaUsed(quota.ref, { "requests.cpu": "0", "limits.memory": "0" }));

      // The first pod is created; the second, really sent to the apiserver after it, is refused.
      const err = await k.expectApiError(
        k.apply("policy/pods-over-quota.yaml"),
        forbidden(/exceeded quota: compute, requested: requests\.cpu=600m, used: requests\.cpu=600m, limited: requests\.cpu=1$/),
        "the second 600m pod",
      );
      expect(err.status).toMatchObject({ kind: "Status", status: "Failure", code: 403, details: { name: "second", kind: "pods" } });
      expect(err.status.message).toMatch(/^pods "second" is forbidden: exceeded quota: compute, requested: .*, used: .*, limited: .*$/);

      await k.expectApiError(k.get(pod("second", k.ns)), { code: 404, reason: "NotFound" }, "reading the refused pod");
      const after = { "requests.cpu": "600m", "limits.memory": "256Mi" };
      await k.wait(quotaUsed(quota.ref, after));
      await Promise.all([k.never(quotaUsedChangedFrom(quota.ref, after)), k.never(atLeast({ apiVersion: "v1", kind: "Pod", namespace: k.ns }, 2))]);
    },
  );

  test(
    "the tutorial's refusal, word for word: every resource over quota is named, sorted, with what was requested, used and allowed",
    { meta: { claims: ["QUOTA-4"], upstream: [] } },
    async ({ k }) => {
      const quota = await k.applyOne<ResourceQuota>("policy/quota-tutorial.yaml");
      await k.wait(quotaUsed(quota.ref, { "requests.cpu": "0", "limits.memory": "0" }));
      await k.applyOne<Pod>("policy/pod-tutorial-running.yaml");
      await k.wait(quotaUsed(quota.ref, { "requests.cpu": "100m", "requests.memory": "256Mi", "limits.cpu": "200m", "limits.memory": "512Mi" }));

      // The tutorial prints: pods "pod" is forbidden: exceeded quota: default-quota, requested:
      // limits.cpu=2,requests.cpu=2,requests.memory=1Gi, used: limits.cpu=200m,requests.cpu=100m,
      // requests.memory=256Mi, limited: limits.cpu=2,requests.cpu=1,requests.memory=1Gi
      // (limits.memory is within its quota, so it is not named).
      const err = await k.expectApiError(
        k.applyOne("policy/pod-exceeds-quota.yaml"),
        forbidden(
          /^pods "pod" is forbidden: exceeded quota: default-quota, requested: limits\.cpu=2,requests\.cpu=2,requests\.memory=1Gi, used: limits\.cpu=200m,requests\.cpu=100m,requests\.memory=256Mi, limited: limits\.cpu=2,requests\.cpu=1,requests\.memory=1Gi$/,
        ),
        "the tutorial's pod_exceeds_quota.yaml",
      );
      await k.observed("the apiserver's refusal", err.status.message ?? "");
    },
  );

  test(
    "under a compute quota a pod that declares no requests or limits is refused",
    { meta: { claims: ["QUOTA-2", "QUOTA-4"], upstream: [] } },
    async ({ k }) => {
      const quota = await k.applyOne<ResourceQuota>("policy/quota-compute.yaml");
      await k.wait(quotaUsed(quota.ref, { "requests.cpu": "0", "limits.memory": "0" }));

      await k.expectApiError(
        k.apply("policy/pod-no-requests.yaml"),
        forbidden(/failed quota: compute: must specify limits\.memory for: main; requests\.cpu for: main/),
        "a pod without resources",
      );
      await k.expectApiError(k.get(pod("unsized", k.ns)), { code: 404, reason: "NotFound" }, "reading the refused pod");
    },
  );

  test(
    "a Deployment over quota gets only the pods that fit, and its ReplicaSet reports the refusal",
    { meta: { claims: ["QUOTA-2", "QUOTA-4"], upstream: ["[sig-apps] ReplicationController should surface a failure condition on a common issue like exceeded quota"] } },
    async ({ k }) => {
      const quota = await k.applyOne<ResourceQuota>("policy/quota-counts.yaml");
      await k.wait(quotaUsed(quota.ref, { pods: "0" }));

      const dep = await k.applyOne<Deployment>("policy/deployment.yaml");

      const rs = await k.wait(replicaFailure(dep.ref));
      expect(rs.status).toMatchObject({
        conditions: [expect.objectContaining({ type: "ReplicaFailure", status: "True", reason: "FailedCreate", message: expect.stringMatching(/exceeded quota: counts/) })],
      });
      await k.wait(eventAbout({ kind: "ReplicaSet", name: rs.metadata.name!, namespace: k.ns }, "FailedCreate", { message: /forbidden: exceeded quota: counts, requested: pods=1, used: pods=2, limited: pods=2/ }));
      await k.wait(podsOwnedBy({ apiVersion: "apps/v1", kind: "ReplicaSet", name: rs.metadata.name!, namespace: k.ns }, 2));
      await k.never(atLeast({ apiVersion: "v1", kind: "Pod", namespace: k.ns }, 3));
      expect(maxConcurrent(k.timeline.pods())).toBe(2);
    },
  );
});

// QUOTA-5: what the numbers in `resources` mean once a pod runs.
describe("Requests and limits", () => {
  const reserving = (node: string, memory: number, name: string) => (p: Pod) => {
    p.metadata.name = name;
    p.spec!.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms[0]!.matchFields![0]!.values = [node];
    p.spec!.containers[0]!.resources = { requests: { memory: mebibytes(memory) } };
  };

  test(
    "the scheduler reserves a request even when it is not used: a second pod that would not fit stays Pending until the first is gone",
    { meta: { claims: ["QUOTA-5"], upstream: ["[sig-scheduling] SchedulerPredicates [Serial] validates resource limits of pods that are allowed to run [Conformance]"] } },
    async ({ k }) => {
      const node = (await k.wait(schedulableNodes()))[0]!;
      const name = node.metadata.name!;
      // Each pod asks for 60% of what the node has left: one fits, two do not. The first pod
      // only sleeps, so the memory is reserved, not used.
      const request = Math.floor((await unreserved(k, node, "memory")) * 0.6);

      const first = await k.applyOne<Pod>("policy/pod-reserving.yaml", reserving(name, request, "first"));
      await k.wait(podScheduledOn(first.ref, name));
      const second = await k.applyOne<Pod>("policy/pod-reserving.yaml", reserving(name, request, "second"));
      await k.wait(podUnschedulable(second.ref, /Insufficient memory/));
      await k.never(podScheduledOn(second.ref, name));

      // The request is freed when the pod object is gone, after its kubelet stopped it.
      await k.delete(first);
      await k.wait(deleted(first.ref, "podTermination"));
      await k.wait(podScheduledOn(second.ref, name));
    },
  );

  test(
    "a container uses more CPU than it requests when the node has it to spare, and never more than its limit",
    { meta: { claims: ["QUOTA-5"], upstream: [] } },
    async ({ k }) => {
      k.requires("containerRuntime", "CPU use needs a process that really runs");
      k.requires("resourceMetrics", "the use is read from metrics.k8s.io");
      await k.wait(metricsApiAvailable());
      await k.burnsCpu(250, "a pod spinning up to its 250m limit");
      const pod = await k.applyOne<Pod>("policy/pod-burning-cpu.yaml");
      const { requests, limits } = pod.spec!.containers[0]!.resources!;
      const [request, limit] = [parseQuantity(requests!.cpu!), parseQuantity(limits!.cpu!)];
      await k.wait(podReady(pod.ref));

      // metrics-server averages over its window; 10% over the limit allows for the window's edges.
      const used = await k.wait(
        containerUsage(pod.ref, "main", `to use more CPU than its ${requests!.cpu} request`, (u) =>
          u.cpu > limit * 1.1 ? `it used ${u.cpu} cores, above its ${limits!.cpu} limit` : u.cpu > request * 2,
        ),
      );
      expect(used.cpu).toBeLessThanOrEqual(limit * 1.1);
    },
  );

  test(
    "a container may hold more memory than it requests, up to its limit; past its limit it is OOMKilled",
    { meta: { claims: ["QUOTA-5"], upstream: [] } },
    async ({ k }) => {
      k.requires("containerRuntime", "memory use needs a process that really runs");
      k.requires("resourceMetrics", "the use is read from metrics.k8s.io");
      await k.wait(metricsApiAvailable());
      const pods = await k.apply<Pod>("policy/pods-holding-memory.yaml");
      const [within, over] = [pods.get("Pod", "within-limit").ref, pods.get("Pod", "over-limit").ref];
      const { requests, limits } = pods.get("Pod", "within-limit").spec!.containers[0]!.resources!;
      const [request, limit] = [parseQuantity(requests!.memory!), parseQuantity(limits!.memory!)];

      const killed = await k.wait(containerKilled(over, "main"));
      expect(await oomKillEvidence(k, killed, "main")).toMatch(/reported reason OOMKilled|has the memory cgroup OOM kill/);

      await k.wait(podReady(within));
      const used = await k.wait(
        containerUsage(within, "main", `to hold more memory than its ${requests!.memory} request`, (u) =>
          u.memory > limit ? `it holds ${mebibytes(u.memory)}, above its limit` : u.memory > request * 2,
        ),
      );
      expect(used.memory).toBeLessThan(limit);
      // Still the first container: holding more than the request cost it nothing.
      const p = await k.get<Pod>(within);
      expect(p.status).toMatchObject({ phase: "Running", containerStatuses: [expect.objectContaining({ name: "main", restartCount: 0 })] });
    },
  );
});
