// Pacing test starts to the nodes' start backlog: what counts as queued, how many cores the nodes'
// machines have, and when a waiting start is let go. On plain objects and a fake clock.
import { describe, expect, it } from "vitest";
import { PodBacklog, stuckAfterMs } from "../harness/record/pod-backlog.ts";
import { backlogLimit, machineCores, whenNodesHaveRoom } from "../harness/k/pace.ts";
import { pacingOf } from "../harness/report/summary-reporter.ts";

const pod = (name: string, phase: string, node?: string) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "ns", uid: name }, spec: node ? { nodeName: node } : {}, status: { phase } });
const node = (name: string, uuid: string, cpu: string) => ({ apiVersion: "v1", kind: "Node", metadata: { name }, status: { capacity: { cpu }, nodeInfo: { systemUUID: uuid } } });

describe("the nodes' start backlog", () => {
  it("counts pods bound and not yet running, and no others", () => {
    const b = new PodBacklog();
    b.onPod("ADDED", pod("unscheduled", "Pending"));
    b.onPod("ADDED", pod("queued", "Pending", "worker"));
    b.onPod("ADDED", pod("running", "Running", "worker"));
    expect(b.queued().map((p) => p.name)).toEqual(["ns/queued"]);
    b.onPod("MODIFIED", pod("queued", "Running", "worker"));
    expect(b.queued()).toEqual([]);
  });

  it("stops counting a pod stuck on its node past stuckAfterMs", () => {
    let now = 0;
    const b = new PodBacklog(() => now);
    b.onPod("ADDED", pod("stuck", "Pending", "worker"));
    now = stuckAfterMs - 1;
    expect(b.queued()).toHaveLength(1);
    expect(b.nextExpiryMs()).toBe(1);
    now = stuckAfterMs;
    expect(b.queued()).toHaveLength(0);
  });
});

describe("the cores the nodes run on", () => {
  it("counts nodes of one machine (kind's containers share their host's systemUUID) once", () => {
    const kind = [node("cp", "host", "2"), node("w1", "host", "2"), node("w2", "host", "2")];
    expect(machineCores(kind)).toEqual({ cores: 2, machines: 1 });
    expect(backlogLimit(kind)).toBe(4);
    expect(machineCores([node("a", "m1", "4"), node("b", "m2", "8")])).toEqual({ cores: 12, machines: 2 });
  });
});

describe("a paced start", () => {
  it("goes at once with room, and waits for a queued pod to start without it", async () => {
    const b = new PodBacklog();
    expect((await whenNodesHaveRoom(b, 1)).gaveUp).toBe(false);
    b.onPod("ADDED", pod("queued", "Pending", "worker"));
    let started = false;
    const paced = whenNodesHaveRoom(b, 1).then((p) => ((started = true), p));
    await new Promise((r) => setTimeout(r, 1_200));
    expect(started).toBe(false);
    b.onPod("MODIFIED", pod("queued", "Running", "worker"));
    const p = await paced;
    expect(p).toMatchObject({ gaveUp: false, queuedAtAsk: 1, limit: 1 });
  });

  it("gives up after its longest wait and says so", async () => {
    const b = new PodBacklog();
    b.onPod("ADDED", pod("queued", "Pending", "worker"));
    expect(await whenNodesHaveRoom(b, 1, 50)).toMatchObject({ gaveUp: true });
  });

  it("is summed up for the run: who waited, how long, the limit", () => {
    const base = { limit: 4, cores: 2, machines: 1, queuedAtAsk: 5, gaveUp: false };
    expect(pacingOf([{ ...base, test: "a", waitedMs: 100 }, { ...base, test: "b", waitedMs: 9_000 }, { ...base, test: "c", waitedMs: 3_000 }])).toEqual({
      limit: 4,
      cores: 2,
      machines: 1,
      tests: 3,
      waited: 2,
      waitedMs: 12_000,
      longest: { test: "b", ms: 9_000 },
      gaveUp: 0,
    });
    expect(pacingOf([])).toBeUndefined();
  });
});

describe("the pod starts the feed saw, every namespace's", () => {
  const inNs = (ns: string, name: string, phase: string, node?: string) => ({ ...pod(name, phase, node), metadata: { name, namespace: ns, uid: `${ns}/${name}` } });

  it("measures each start from binding to running, and leaves out pods first seen running or gone before they ran", () => {
    let now = 1_000;
    const b = new PodBacklog(() => now);
    b.onPod("ADDED", inNs("local-path-storage", "helper-pod-create-pvc-1", "Pending", "worker"));
    b.onPod("ADDED", inNs("kp-a", "already", "Running", "worker"));
    b.onPod("ADDED", inNs("kp-a", "deleted", "Pending", "worker"));
    now += 14_000;
    b.onPod("DELETED", inNs("kp-a", "deleted", "Pending", "worker"));
    b.onPod("MODIFIED", inNs("local-path-storage", "helper-pod-create-pvc-1", "Succeeded", "worker"));
    expect(b.finishedStarts()).toEqual([{ total: 14_000 }]);
  });

  it("names the slow starts of the namespaces asked for that overlapped a wait, finished or still under way", () => {
    let now = 0;
    const b = new PodBacklog(() => now);
    b.onPod("ADDED", inNs("local-path-storage", "helper-pod-create-pvc-1", "Pending", "worker"));
    b.onPod("ADDED", inNs("kp-a", "mine", "Pending", "worker"));
    b.onPod("ADDED", inNs("kube-system", "quick", "Pending", "worker"));
    now = 2_000;
    b.onPod("MODIFIED", inNs("kube-system", "quick", "Running", "worker"));
    now = 30_000;
    b.onPod("ADDED", inNs("local-path-storage", "helper-pod-delete-pvc-2", "Pending", "worker2"));
    now = 45_000;
    b.onPod("MODIFIED", inNs("local-path-storage", "helper-pod-create-pvc-1", "Succeeded", "worker"));
    now = 60_000;
    const system = (ns: string) => !ns.startsWith("kp-");
    expect(b.slowStarts(system, 10_000, now, 10_000)).toEqual([
      "local-path-storage/helper-pod-create-pvc-1 took 45.0 s from binding to running",
      "local-path-storage/helper-pod-delete-pvc-2 bound to worker2 30.0 s before and not running yet",
    ]);
    // a wait that ended before the first helper had been bound 10 s
    expect(b.slowStarts(system, 3_000, 9_000, 10_000)).toEqual([]);
  });
});
