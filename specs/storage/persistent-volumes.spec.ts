import { describe, expect } from "vitest";
import { test } from "../../harness/test.ts";
import { deleted, eventAbout, matches, podPhase, podReady, pvcBound, pvcPhase, pvPhase, schedulableNodes } from "../../harness/wait/index.ts";
import type { KubeObject } from "../../harness/api/kinds.ts";
import type { PersistentVolume, PersistentVolumeClaim, Pod } from "../../harness/api/kinds.ts";
import { controllerManagerFiles, nodeFiles } from "../../harness/ops/node-files.ts";

// Every static PV here has a StorageClass of its own fixture (renamed per test), so claims of
// tests running beside it cannot bind it, and its claims cannot bind theirs.

/** A fixture mutation that only touches PersistentVolumes. */
const eachPV = (f: (pv: PersistentVolume) => void) => (o: KubeObject) => {
  if (o.kind === "PersistentVolume") f(o as PersistentVolume);
};
const reclaim = (policy: "Retain" | "Recycle" | "Delete", path?: string) =>
  eachPV((pv) => {
    pv.spec!.persistentVolumeReclaimPolicy = policy;
    if (path) pv.spec!.hostPath!.path = path;
  });

/** The phases an object went through, from the flight recorder, repeats collapsed. */
const phasesOf = (states: { facts: { phase?: string } }[]) => states.map((s) => s.facts.phase).filter((p, i, all) => p !== all[i - 1]);

const terminating = (o: KubeObject) => Boolean(o.metadata.deletionTimestamp);
const noRuntime = "needs a real kubelet to mount the volume and run the container; the local provider simulates the kubelet";

describe("PersistentVolumes and claims", () => {
  test(
    "a new hostPath PV of 10Gi, ReadWriteMany, reclaim policy Recycle is Available",
    { meta: { claims: ["PV-3", "PV-2"], upstream: ["[sig-storage] PersistentVolumes CSI Conformance should run through the lifecycle of a PV and a PVC"] } },
    async ({ k }) => {
      const fx = await k.apply("storage/pv-hostpath.yaml");
      const pv = await k.wait(pvPhase(fx.get("PersistentVolume").ref, "Available"));

      expect(pv.spec).toMatchObject({
        storageClassName: fx.get("StorageClass").metadata.name,
        capacity: { storage: "10Gi" },
        accessModes: ["ReadWriteMany"],
        persistentVolumeReclaimPolicy: "Recycle",
        hostPath: { path: "/tmp/kubeproof-pv-10g" },
      });
      expect(pv.spec!.claimRef).toBeUndefined();
    },
  );

  test(
    "a claim binds to a PV of its class with enough capacity and its access mode; the PV names <namespace>/<claim>",
    {
      meta: {
        claims: ["PV-4", "PV-2"],
        upstream: ["[sig-storage] PersistentVolumes NFS with Single PV - PVC pairs should create a non-pre-bound PV and PVC: test write access"],
      },
    },
    async ({ k }) => {
      const fx = await k.apply("storage/pv-and-claim.yaml");
      const created = fx.get("PersistentVolume");

      const bound = await k.wait(pvcBound(fx.get("PersistentVolumeClaim").ref));
      // The claim gets the whole PV: 10Gi, though it asked for 5Gi.
      expect(bound).toMatchObject({
        spec: { volumeName: created.metadata.name },
        status: { phase: "Bound", capacity: { storage: "10Gi" }, accessModes: ["ReadWriteMany"] },
      });
      const pv = await k.wait(pvPhase(created.ref, "Bound"));
      expect(pv.spec!.claimRef).toMatchObject({ kind: "PersistentVolumeClaim", namespace: k.ns, name: "data", uid: bound.metadata.uid });
    },
  );

  test(
    "claims the PV cannot satisfy by size, access mode or class stay Pending",
    { meta: { claims: ["PV-4"], upstream: ["[sig-storage] PersistentVolumes NFS with multiple PVs and PVCs all in same ns should create 2 PVs and 4 PVCs: test write access"] } },
    async ({ k }) => {
      const fx = await k.apply("storage/pv-mismatches.yaml");
      const created = fx.get("PersistentVolume").ref;
      const misfits = ["too-large", "wrong-mode", "wrong-class"].map((name) => fx.get("PersistentVolumeClaim", name).ref);
      await k.wait(pvPhase(created, "Available"));

      await Promise.all(misfits.map((c) => k.never(pvcPhase(c, "Bound"), "binderPeriod")));
      expect(await k.get<PersistentVolume>(created)).toMatchObject({ status: { phase: "Available" } });

      // The PV was bindable all along: a claim that fits takes it.
      const fits = await k.applyOne<PersistentVolumeClaim>("storage/claim.yaml", (c) => {
        c.metadata.name = "fits";
        c.spec!.storageClassName = fx.get("StorageClass", "manual").metadata.name;
      });
      expect(await k.wait(pvcBound(fits.ref))).toMatchObject({ spec: { volumeName: created.name } });
    },
  );

  test(
    "a claim gets the smallest PV that satisfies it",
    { meta: { claims: ["PV-4"], upstream: ["[sig-storage] PersistentVolumes NFS with multiple PVs and PVCs all in same ns should create 3 PVs and 3 PVCs: test write access"] } },
    async ({ k }) => {
      const fx = await k.apply("storage/pv-sizes.yaml");
      const named = (name: string) => fx.get("PersistentVolume", name).ref;
      const [pv1g, pv20g, pv5g] = [named("pv-1g"), named("pv-20g"), named("pv-5g")];
      // All three Available first: the binder picks among the PVs it has seen, and a claim that
      // arrives with them can beat one into its cache (seen in CI: the 20Gi PV taken).
      await Promise.all([pv1g, pv20g, pv5g].map((pv) => k.wait(pvPhase(pv, "Available"))));
      const claim = await k.applyOne<PersistentVolumeClaim>("storage/claim.yaml", (c) => {
        c.spec!.storageClassName = fx.get("StorageClass").metadata.name;
        c.spec!.accessModes = ["ReadWriteOnce"];
        c.spec!.resources!.requests = { storage: "3Gi" };
      });

      const bound = await k.wait(pvcBound(claim.ref));
      expect(bound.spec!.volumeName).toBe(pv5g.name);
      expect(await k.get(pv1g)).toMatchObject({ status: { phase: "Available" } });
      expect(await k.get(pv20g)).toMatchObject({ status: { phase: "Available" } });
    },
  );

  test(
    "a claim in use by a pod stays Terminating until the pod is gone",
    { meta: { claims: ["PV-1"], upstream: ["[sig-storage] PVC Protection Verify that PVC in active use by a pod is not removed immediately"] } },
    async ({ k }) => {
      const claim = (await k.apply("storage/pv-and-claim.yaml")).get("PersistentVolumeClaim").ref;
      await k.wait(pvcBound(claim));
      const pod = await k.applyOne("storage/pod-using-claim.yaml");
      await k.wait(podPhase(pod.ref, "Running"));
      expect((await k.get(claim)).metadata).toMatchObject({ finalizers: expect.arrayContaining(["kubernetes.io/pvc-protection"]) });

      await k.delete(claim);
      await k.wait(matches(claim, "to be Terminating", terminating, "api"));
      await k.never(deleted(claim));

      await k.delete(pod.ref);
      await k.wait(deleted(pod.ref, "podTermination"));
      await k.wait(deleted(claim));
    },
  );

  test(
    "a PV bound to a claim stays Terminating until the claim is gone",
    { meta: { claims: ["PV-1"], upstream: ["[sig-storage] PV Protection Verify that PV bound to a PVC is not removed immediately"] } },
    async ({ k }) => {
      const fx = await k.apply("storage/pv-and-claim.yaml");
      const [p, c] = [fx.get("PersistentVolume").ref, fx.get("PersistentVolumeClaim").ref];
      await k.wait(pvcBound(c));
      const pv = await k.wait(pvPhase(p, "Bound"));
      expect(pv.metadata).toMatchObject({ finalizers: expect.arrayContaining(["kubernetes.io/pv-protection"]) });

      await k.delete(p);
      await k.wait(matches(p, "to be Terminating", terminating, "api"));
      await k.never(deleted(p));
      expect(await k.get(c)).toMatchObject({ status: { phase: "Bound" } });

      // Released (Retain) is no longer in use: the protection lets go.
      await k.delete(c);
      await k.wait(deleted(p, "volume"));
    },
  );

  // One at a time: the in-tree hostPath recycler builds every recycler pod from one shared pod
  // template, so two recycles at once can race (kubernetes/kubernetes#97827: a PV left Released,
  // its recycler never started; seen here when these two ran side by side).
  describe("reclaim policy Recycle", { concurrent: false }, () => {
    test(
      "with reclaim policy Recycle the PV is scrubbed and becomes Available again by itself after its claim is deleted",
      {
        meta: {
          claims: ["PV-7", "PV-2"],
          upstream: ["[sig-storage] PersistentVolumes NFS when invoking the Recycle reclaim policy should test that a PV becomes Available and is clean after the PVC is deleted."],
        },
      },
      async ({ k }) => {
        const fx = await k.apply("storage/pv-and-claim.yaml", reclaim("Recycle"));
        const [p, c] = [fx.get("PersistentVolume").ref, fx.get("PersistentVolumeClaim").ref];
        await k.wait(pvcBound(c));

        await k.delete(c);
        // No administrator acts here: the controller runs a recycler pod, then frees the PV.
        const pv = await k.wait(matches<PersistentVolume>(p, "to be Available with no claim", (v) => v.status?.phase === "Available" && !v.spec?.claimRef, "volume"));
        expect(pv.spec!.claimRef).toBeUndefined();
        // Released came first (the recycler pod runs in between), as the flight recorder saw it.
        await k.timeline.caughtUp(pv);
        const [life] = k.timeline.of("PersistentVolume", (e) => e.name === p.name);
        const phases = phasesOf(life!.states);
        expect(phases.slice(phases.indexOf("Bound"), phases.indexOf("Bound") + 2)).toEqual(["Bound", "Released"]);

        // And it is bindable again.
        const again = await k.applyOne<PersistentVolumeClaim>("storage/claim.yaml", (cl) => {
          cl.metadata.name = "again";
          cl.spec!.storageClassName = fx.get("StorageClass").metadata.name;
        });
        expect(await k.wait(pvcBound(again.ref))).toMatchObject({ spec: { volumeName: p.name } });
      },
    );

    test(
      "the recycler pod scrubs the volume: the files in its directory are gone, the directory stays",
      { meta: { claims: ["PV-7"], upstream: ["[sig-storage] PersistentVolumes NFS when invoking the Recycle reclaim policy should test that a PV becomes Available and is clean after the PVC is deleted."] } },
      async ({ k }) => {
        k.requires("containerRuntime", "the recycler is a pod that really runs rm on the node (the local provider simulates it)");
        k.requires("nodeFilesystem", "the test writes into the volume's directory on the nodes and looks again afterwards");
        // The recycler pod may land on any node that takes plain pods: the volume's directory, with
        // a file in it, on each of them.
        const dir = `/tmp/kubeproof-recycle-${k.suffix}`;
        const nodes = (await k.wait(schedulableNodes())).map((n) => nodeFiles(k, n.metadata.name!));
        for (const node of nodes) {
          k.defer(`node directory ${dir}`, () => node.remove(dir));
          await node.write(`${dir}/data.txt`, "kubeproof");
        }

        const fx = await k.apply("storage/pv-and-claim.yaml", reclaim("Recycle", dir));
        const [p, c] = [fx.get("PersistentVolume").ref, fx.get("PersistentVolumeClaim").ref];
        await k.wait(pvcBound(c));
        await k.delete(c);
        await k.wait(matches<PersistentVolume>(p, "to be Available with no claim", (v) => v.status?.phase === "Available" && !v.spec?.claimRef, "volume"));

        const after = await Promise.all(nodes.map(async (n) => ({ dir: await n.exists(dir), file: await n.exists(`${dir}/data.txt`) })));
        await k.observed("directory and file per node after recycling", JSON.stringify(after));
        // Where the recycler ran the directory is there and empty; nowhere is the directory gone.
        expect(after).toContainEqual({ dir: true, file: false });
        expect(after.every((a) => a.dir)).toBe(true);
      },
    );
  });

  test(
    "with reclaim policy Retain the PV stays Released, still naming its claim, until an administrator clears the claimRef",
    {
      meta: {
        claims: ["PV-7", "PV-2"],
        upstream: ["[sig-storage] PersistentVolumes NFS with Single PV - PVC pairs create a PVC and non-pre-bound PV: test write access"],
      },
    },
    async ({ k }) => {
      const fx = await k.apply("storage/pv-and-claim.yaml", reclaim("Retain"));
      const [p, c] = [fx.get("PersistentVolume").ref, fx.get("PersistentVolumeClaim").ref];
      const claim = await k.wait(pvcBound(c));

      await k.delete(c);
      await k.wait(pvPhase(p, "Released"));
      await k.never(pvPhase(p, "Available"), "binderPeriod");
      expect((await k.get<PersistentVolume>(p)).spec!.claimRef).toMatchObject({ namespace: k.ns, name: "data", uid: claim.metadata.uid });

      // The administrator's part: drop the reference to the deleted claim.
      await k.patch(p, { spec: { claimRef: null } }, "merge");
      await k.wait(pvPhase(p, "Available"));
    },
  );

  test(
    "with reclaim policy Delete, deleting the claim deletes a hostPath PV under /tmp and its directory",
    { meta: { claims: ["PV-8", "PV-1"], upstream: [] } },
    async ({ k }) => {
      k.requires("controllerManagerFiles", "the in-tree deleter removes the directory on the controller manager's host, which the test must see");
      const cm = controllerManagerFiles(k);
      const dir = await cm.scratchDir("pv-delete");
      await cm.write(`${dir}/data.txt`, "kubeproof");

      const fx = await k.apply("storage/pv-and-claim.yaml", reclaim("Delete", dir));
      const [p, c] = [fx.get("PersistentVolume").ref, fx.get("PersistentVolumeClaim").ref];
      await k.wait(pvcBound(c));
      await k.delete(c);

      await k.wait(deleted(p, "volume"));
      expect(await cm.exists(dir)).toBe(false);
    },
  );

  test(
    "with reclaim policy Delete, a hostPath PV outside /tmp is not deleted but Failed with a VolumeFailedDelete event",
    { meta: { claims: ["PV-8", "PV-2"], upstream: [] } },
    async ({ k }) => {
      // The in-tree deleter matches /tmp/.+ anywhere in the path (unanchored): /var/tmp/x would be
      // removed too. This path has no "/tmp/" in it, and nothing ever creates it.
      const outside = `/var/lib/kubeproof-outside-tmp-${k.suffix}`;
      const fx = await k.apply("storage/pv-and-claim.yaml", reclaim("Delete", outside));
      const [p, c] = [fx.get("PersistentVolume").ref, fx.get("PersistentVolumeClaim").ref];
      await k.wait(pvcBound(c));
      await k.delete(c);

      const pv = await k.wait(pvPhase(p, "Failed"));
      expect(pv.status).toMatchObject({ phase: "Failed", message: expect.stringContaining("/tmp/.+") });
      const event = await k.wait(eventAbout(p, "VolumeFailedDelete", { timeout: "volume" }));
      expect(event).toMatchObject({ type: "Warning", message: expect.stringContaining(outside) });
    },
  );

  test(
    "a PV deleted by hand leaves the data behind it, even with reclaim policy Delete",
    { meta: { claims: ["PV-9"], upstream: [] } },
    async ({ k }) => {
      k.requires("controllerManagerFiles", "the test checks the PV's directory where the in-tree deleter would act: the controller manager's filesystem");
      const cm = controllerManagerFiles(k);
      const dir = await cm.scratchDir("pv-by-hand");
      await cm.write(`${dir}/keep.txt`, "kubeproof");
      // Under /tmp, so the deleter would remove it if Kubernetes ran it on a manual delete.
      const p = (await k.apply("storage/pv-hostpath.yaml", reclaim("Delete", dir))).get("PersistentVolume").ref;
      await k.wait(pvPhase(p, "Available"));

      await k.delete(p);
      await k.wait(deleted(p, "volume"));
      // The deleter, were it to act, would do so within the binder's period.
      expect(await cm.existsAfter(`${dir}/keep.txt`, "binderPeriod")).toBe(true);
    },
  );

  test(
    "a pod using the claim writes into the PV's directory on its node",
    { meta: { claims: ["PV-5"], upstream: ["[sig-storage] PersistentVolumes NFS with Single PV - PVC pairs create a PVC and a pre-bound PV: test write access"] } },
    async ({ k }) => {
      k.requires("containerRuntime", noRuntime);
      k.requires("nodeFilesystem", "the test reads the file on the node");
      const dir = `/tmp/kubeproof-pv-write-${k.suffix}`;
      const c = (await k.apply("storage/pv-and-claim.yaml", eachPV((pv) => (pv.spec!.hostPath = { path: dir, type: "DirectoryOrCreate" })))).get("PersistentVolumeClaim").ref;
      await k.wait(pvcBound(c));
      const writer = await k.applyOne<Pod>("storage/pod-using-claim.yaml");
      const pod = await k.wait(podReady(writer.ref));

      const node = nodeFiles(k, pod.spec!.nodeName);
      k.defer(`node directory ${dir}`, () => node.remove(dir));
      expect(await node.exists(`${dir}/hello.txt`)).toBe(true);
    },
  );

  test(
    "deleting the pod keeps the binding and the data; a new pod using the claim sees the data",
    { meta: { claims: ["PV-6"], upstream: ["[sig-storage] PersistentVolumes NFS with Single PV - PVC pairs create a PV and a pre-bound PVC: test write access"] } },
    async ({ k }) => {
      k.requires("containerRuntime", noRuntime);
      k.requires("nodeFilesystem", "the test removes the PV's directory from the node afterwards");
      const dir = `/tmp/kubeproof-pv-reuse-${k.suffix}`;
      const fx = await k.apply("storage/pv-and-claim.yaml", eachPV((pv) => (pv.spec!.hostPath = { path: dir, type: "DirectoryOrCreate" })));
      const [p, c] = [fx.get("PersistentVolume").ref, fx.get("PersistentVolumeClaim").ref];
      await k.wait(pvcBound(c));
      const writer = await k.applyOne<Pod>("storage/pod-using-claim.yaml");
      const first = await k.wait(podReady(writer.ref));
      const node = nodeFiles(k, first.spec!.nodeName);
      k.defer(`node directory ${dir}`, () => node.remove(dir));

      await k.delete(writer.ref);
      await k.wait(deleted(writer.ref, "podTermination"));
      expect(await k.get(c)).toMatchObject({ status: { phase: "Bound" }, spec: { volumeName: p.name } });

      // hostPath data lives on one node: the reader goes where the writer was.
      const reader = await k.applyOne<Pod>("storage/pod-reading-claim.yaml", (r) => {
        r.spec!.nodeName = first.spec!.nodeName;
      });
      await k.wait(podPhase(reader.ref, "Succeeded"));
    },
  );
});
