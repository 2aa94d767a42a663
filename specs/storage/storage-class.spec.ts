import { describe, expect } from "vitest";
import { test, type Kube } from "../../harness/test.ts";
import {
  admissionSettled,
  defaultClassAnnotation,
  defaultStorageClasses,
  deleted,
  eventAbout,
  currentDefaultClasses,
  matches,
  podPhase,
  pvcBound,
  pvcClassAssigned,
  pvcPhase,
  type Ref,
} from "../../harness/wait/index.ts";
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from "../../harness/api/kinds.ts";
import { controllerManagerFiles } from "../../harness/ops/node-files.ts";
import { printedNames } from "../../harness/ops/printed-columns.ts";

// Serial group (vitest.config.ts): some tests change which class is the cluster's default. The
// group's sequence.concurrent=false is not applied per project by vitest (it reads the root
// config), so the suite says sequential itself.

const pvNamed = (name: string) => ({ apiVersion: "v1", kind: "PersistentVolume", name });
// A cluster may simply have no default class: a precondition the claim needs, not the claim.
const noDefault = "this cluster has no default StorageClass, so a claim without storageClassName has none to get";


/**
 * The class a claim created without one got: from the DefaultStorageClass admission plugin at
 * creation, else from the PV controller afterwards (retroactive assignment, 1.28 on). The verdict
 * notes which, and when.
 */
async function classGiven(k: Kube, claim: PersistentVolumeClaim & { ref: Ref }, className: string): Promise<string | undefined> {
  if (claim.spec?.storageClassName) {
    await k.noted(`${claim.spec.storageClassName} was given at creation by the DefaultStorageClass admission plugin`);
    return claim.spec.storageClassName;
  }
  const started = Date.now();
  const assigned = await k.wait(pvcClassAssigned(claim.ref, className));
  await k.noted(`${className} was assigned by the PV controller ${((Date.now() - started) / 1000).toFixed(1)} s after creation (admission gave none)`);
  return assigned.spec?.storageClassName;
}
const noHostPath = "the class is served by the in-tree kubernetes.io/host-path provisioner";

/** The current default class(es); their default annotation is put back after the test. */
async function keepDefaults(k: Kube): Promise<StorageClass[]> {
  const defaults = await k.wait(defaultStorageClasses(1));
  defaults.forEach((sc) =>
    k.defer(`default annotation of StorageClass ${sc.metadata.name}`, async () => {
      await k.patch(sc, { metadata: { annotations: { [defaultClassAnnotation]: "true" } } }, "merge");
    }),
  );
  return defaults;
}

describe("StorageClass", { concurrent: false }, () => {
  test(
    "a claim naming a class gets a PV from that class's provisioner, with reclaim policy Delete",
    { meta: { claims: ["SC-1", "SC-2"], upstream: ["[sig-storage] Dynamic Provisioning DynamicProvisioner External should let an external dynamic provisioner create and delete persistent volumes [Slow]"] } },
    async ({ k }) => {
      k.requires("hostPathProvisioner", noHostPath);
      const fx = await k.apply("storage/class-hostpath.yaml");

      const claim = await k.wait(pvcBound(fx.get("PersistentVolumeClaim").ref));
      const pv = await k.get<PersistentVolume>(pvNamed(claim.spec!.volumeName!));
      expect(pv).toMatchObject({
        metadata: { annotations: { "pv.kubernetes.io/provisioned-by": "kubernetes.io/host-path" } },
        spec: {
          storageClassName: fx.get("StorageClass").metadata.name,
          persistentVolumeReclaimPolicy: "Delete",
          capacity: { storage: "1Gi" },
          claimRef: { namespace: k.ns, name: "data" },
          hostPath: { path: expect.stringMatching(/^\/tmp\/hostpath_pv\/.+/) },
        },
        status: { phase: "Bound" },
      });
    },
  );

  test(
    "deleting a dynamically provisioned claim deletes its PV and the directory behind it",
    { meta: { claims: ["SC-2", "PV-8"], upstream: ["[sig-storage] Dynamic Provisioning DynamicProvisioner Default should create and delete default persistent volumes [Slow]"] } },
    async ({ k }) => {
      k.requires("hostPathProvisioner", noHostPath);
      k.requires("controllerManagerFiles", "the in-tree provisioner creates the directory on the controller manager's host, which the test must see");
      const claim = await k.wait(pvcBound((await k.apply("storage/class-hostpath.yaml")).get("PersistentVolumeClaim").ref));
      const pv = await k.get<PersistentVolume>(pvNamed(claim.spec!.volumeName!));
      const cm = controllerManagerFiles(k);
      expect(await cm.exists(pv.spec!.hostPath!.path)).toBe(true);

      await k.delete(claim);
      await k.wait(deleted(pvNamed(pv.metadata.name!), "volume"));
      expect(await cm.exists(pv.spec!.hostPath!.path)).toBe(false);
    },
  );

  test(
    "the cluster has exactly one default class and a claim without storageClassName gets it",
    { meta: { claims: ["SC-3"], upstream: ["[sig-storage] Dynamic Provisioning DynamicProvisioner Default should create and delete default persistent volumes [Slow]"] } },
    async ({ k }) => {
      k.skipIf((await k.wait(currentDefaultClasses())).length === 0 ? noDefault : undefined);
      const [standard] = await k.wait(defaultStorageClasses(1));
      if (k.cluster.provider === "local") expect(standard!.metadata.name).toBe("standard");
      if (standard!.provisioner === "kubernetes.io/host-path") k.requires("hostPathProvisioner", noHostPath);

      // The tutorial says only that the claim gets the default: at creation by the DefaultStorageClass
      // admission plugin, or, where admission did not, by the PV controller (retroactive assignment, 1.28 on).
      const claim = await k.applyOne<PersistentVolumeClaim>("storage/claim-without-class.yaml");
      expect(await classGiven(k, claim, standard!.metadata.name!), "the class the claim got").toBe(standard!.metadata.name);

      // And that class's provisioner serves it (a pod using it covers WaitForFirstConsumer classes).
      await k.applyOne("storage/pod-using-claim.yaml");
      const bound = await k.wait(pvcBound(claim.ref));
      const pv = await k.get<PersistentVolume>(pvNamed(bound.spec!.volumeName!));
      expect(pv).toMatchObject({
        metadata: { annotations: { "pv.kubernetes.io/provisioned-by": standard!.provisioner } },
        spec: { storageClassName: standard!.metadata.name },
      });
    },
  );

  test(
    "the DefaultStorageClass admission plugin fills in the default class as the claim is created",
    { meta: { beyond: ["SC-3"], upstream: [] } },
    async ({ k }) => {
      k.skipIf((await k.wait(currentDefaultClasses())).length === 0 ? noDefault : undefined);
      const [standard] = await k.wait(defaultStorageClasses(1));
      const claim = await k.applyOne<PersistentVolumeClaim>("storage/claim-without-class.yaml");
      expect(claim.spec!.storageClassName, "the storageClassName admission gave the claim at creation").toBe(standard!.metadata.name);
    },
  );

  test(
    "with two default classes a claim without storageClassName gets the newest",
    { meta: { claims: ["SC-3"], upstream: [] } },
    async ({ k }) => {
      const [standard] = await keepDefaults(k);
      const added = await k.applyOne<StorageClass>("storage/class-default.yaml");
      const both = await k.wait(defaultStorageClasses(2));
      expect(both.map((sc) => sc.metadata.name).sort()).toEqual([standard!.metadata.name, added.metadata.name].sort());

      // Admission reads classes from the apiserver's own cache, which can trail the watch above;
      // where it gives none, the PV controller assigns the same newest default afterwards.
      await k.wait(admissionSettled(await k.placed("storage/claim-without-class.yaml"), added.metadata.name!));
      const claim = await k.applyOne<PersistentVolumeClaim>("storage/claim-without-class.yaml");
      expect(await classGiven(k, claim, added.metadata.name!), "the class the claim got, of two defaults").toBe(added.metadata.name);

      // The tutorial reads the default off `kubectl get storageclass`: "standard (default)".
      const marked = (await printedNames(k, "storage.k8s.io/v1", "StorageClass")).filter((n) => n.endsWith(" (default)"));
      await k.observed("kubectl get storageclass marks", marked.join(", "));
      if (k.fromVersion("1.37", "kubectl get storageclass marks only the effective default, the newest of several, and a single class's get shows no marker (kubernetes/kubernetes#135964)")) {
        expect(marked).toEqual([`${added.metadata.name} (default)`]);
        expect(await printedNames(k, "storage.k8s.io/v1", "StorageClass", added.metadata.name)).toEqual([added.metadata.name]);
      } else {
        expect(marked.sort()).toEqual([`${standard!.metadata.name} (default)`, `${added.metadata.name} (default)`].sort());
      }
    },
  );

  test(
    "without a default class a claim without storageClassName stays Pending; a default class created later is assigned to it",
    {
      meta: {
        claims: ["SC-3"],
        upstream: [
          "[sig-storage] Dynamic Provisioning DynamicProvisioner Default should be disabled by removing the default annotation [Serial] [Disruptive]",
          "[sig-storage] Persistent Volume Claim and StorageClass Retroactive StorageClass assignment should assign default SC to PVCs that have no SC set",
        ],
      },
    },
    async ({ k }) => {
      k.requires("hostPathProvisioner", noHostPath);
      const defaults = await keepDefaults(k);
      await Promise.all(defaults.map((sc) => k.patch(sc, { metadata: { annotations: { [defaultClassAnnotation]: null } } }, "merge")));
      await k.wait(defaultStorageClasses(0));

      const claim = await k.applyOne<PersistentVolumeClaim>("storage/claim-without-class.yaml");
      expect(claim.spec!.storageClassName).toBeUndefined();
      await k.never(matches<PersistentVolumeClaim>(claim.ref, "to get a class or a volume", (c) => Boolean(c.spec?.storageClassName) || c.status?.phase === "Bound"), "binderPeriod");

      const added = await k.applyOne<StorageClass>("storage/class-default.yaml");
      await k.wait(pvcClassAssigned(claim.ref, added.metadata.name!));
      await k.wait(pvcBound(claim.ref));
    },
  );

  test(
    "a class whose provisioner is not running leaves its claim Pending with an ExternalProvisioning event",
    { meta: { claims: ["SC-4"], upstream: ["[sig-storage] Dynamic Provisioning DynamicProvisioner External should let an external dynamic provisioner create and delete persistent volumes [Slow]"] } },
    async ({ k }) => {
      const claim = (await k.apply("storage/class-no-provisioner-running.yaml")).get("PersistentVolumeClaim").ref;

      const [, event] = await Promise.all([
        k.never(pvcPhase(claim, "Bound"), "binderPeriod"),
        k.wait(eventAbout(claim, "ExternalProvisioning", { message: /example\.com\/not-running/, timeout: "volume" })),
      ]);
      expect(event).toMatchObject({ type: "Normal", involvedObject: { kind: "PersistentVolumeClaim", name: "data" } });
      expect(await k.get(claim)).toMatchObject({ status: { phase: "Pending" } });
    },
  );

  test(
    "an Immediate claim is bound before any pod exists; a WaitForFirstConsumer claim waits for the first pod using it",
    { meta: { claims: ["SC-1"], upstream: [] } },
    async ({ k }) => {
      k.requires("hostPathProvisioner", noHostPath);
      const fx = await k.apply("storage/binding-modes.yaml");
      const [early, late] = [fx.get("PersistentVolumeClaim", "early").ref, fx.get("PersistentVolumeClaim", "data").ref];

      await k.wait(pvcBound(early));
      await Promise.all([k.never(pvcPhase(late, "Bound"), "binderPeriod"), k.wait(eventAbout(late, "WaitForFirstConsumer", { timeout: "volume" }))]);

      const pod = await k.applyOne("storage/pod-using-claim.yaml");
      const bound = await k.wait(pvcBound(late));
      const running = await k.wait(podPhase(pod.ref, "Running"));
      expect(bound.metadata.annotations).toMatchObject({ "volume.kubernetes.io/selected-node": running.spec!.nodeName });
    },
  );
});
