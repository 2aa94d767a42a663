import { describe, expect, it } from "vitest";
import { addressable, parseFixture, place, readFixture, FixtureError } from "../harness/fixtures.ts";

const isNamespaced = async (_v: string, kind: string) => !["PersistentVolume", "StorageClass", "Node"].includes(kind);

describe("fixture loading", () => {
  it("reads every document of a multi-document file and skips empty ones", () => {
    const docs = parseFixture("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: b}\n---\n", "x.yaml");
    expect(docs.map((d) => d.obj.kind)).toEqual(["ConfigMap", "Secret"]);
  });

  it("names file and document when YAML does not parse", () => {
    expect(() => parseFixture("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: [unclosed\n", "bad.yaml")).toThrow(/^bad\.yaml, document 2: not valid YAML/);
  });

  it("names the object and the missing field", () => {
    expect(() => parseFixture("apiVersion: v1\nkind: Pod\nmetadata: {}\n", "p.yaml")).toThrow("p.yaml, document 1 (Pod ?): metadata.name is missing");
    expect(() => parseFixture("kind: Pod\nmetadata: {name: x}\n", "p.yaml")).toThrow("(Pod x): apiVersion is missing");
    expect(() => parseFixture("- a\n- b\n", "l.yaml")).toThrow("expected a Kubernetes object (a mapping), got a list");
  });

  it("refuses a file with no objects", () => {
    expect(() => parseFixture("# nothing\n", "e.yaml")).toThrow(FixtureError);
  });

  it("names a fixture that does not exist", () => {
    expect(() => readFixture("no/such.yaml")).toThrow(/no\/such\.yaml: no such fixture/);
  });

  it("every fixture in the repository parses", async () => {
    const { readdirSync, statSync } = await import("node:fs");
    const path = await import("node:path");
    const { fixturesDir } = await import("../harness/fixtures.ts");
    const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(path.join(d, f)).isDirectory() ? walk(path.join(d, f)) : [path.join(d, f)]));
    const files = walk(fixturesDir).filter((f) => f.endsWith(".yaml"));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(() => readFixture(path.relative(fixturesDir, f))).not.toThrow();
  });
});

describe("fixture placement", () => {
  it("puts namespaced objects in the test namespace and renames cluster-scoped ones with their references", async () => {
    const docs = parseFixture(
      [
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: slow}\nprovisioner: x",
        "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv1}\nspec: {storageClassName: slow}",
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec: {storageClassName: slow, volumeName: pv1}",
      ].join("\n---\n"),
      "f.yaml",
    );
    const placed = await place(docs, { namespace: "t1", suffix: "abc", isNamespaced, labels: { run: "r" } });
    expect(placed.map((d) => d.obj.metadata)).toMatchObject([{ name: "slow-abc" }, { name: "pv1-abc" }, { name: "c", namespace: "t1", labels: { run: "r" } }]);
    expect(placed[1]!.obj.spec).toEqual({ storageClassName: "slow-abc" });
    expect(placed[2]!.obj.spec).toEqual({ storageClassName: "slow-abc", volumeName: "pv1-abc" });
    expect(docs[0]!.obj.metadata.name).toBe("slow"); // the loaded documents stay untouched
  });

  it("refuses a fixture that hard-codes another namespace", async () => {
    const docs = parseFixture("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: prod}\n", "ns.yaml");
    await expect(place(docs, { namespace: "t1", suffix: "x", isNamespaced })).rejects.toThrow('ns.yaml, document 1 (ConfigMap a): metadata.namespace "prod" is set');
  });

  it("hands back the applied objects by kind and by the fixture's name, with their refs", async () => {
    const loaded = readFixture("storage/pv-mismatches.yaml");
    const placed = await place(loaded, { namespace: "ns1", suffix: "abc", isNamespaced });
    const fx = addressable("storage/pv-mismatches.yaml", loaded, placed.map((d) => d.obj));
    expect(fx.get("PersistentVolume").ref).toEqual({ apiVersion: "v1", kind: "PersistentVolume", name: "pv-10g-abc", namespace: undefined });
    expect(fx.get("StorageClass", "other").metadata.name).toBe("other-abc");
    expect(fx.get("PersistentVolumeClaim", "wrong-mode").ref).toMatchObject({ name: "wrong-mode", namespace: "ns1" });
    expect(() => fx.get("PersistentVolumeClaim")).toThrow("storage/pv-mismatches.yaml (PersistentVolumeClaim): it holds 3 PersistentVolumeClaim: too-large, wrong-mode, wrong-class: name the one you mean");
    expect(() => fx.get("Pod")).toThrow("(Pod): no such object: it holds no Pod (it holds StorageClass, PersistentVolume, PersistentVolumeClaim)");
    expect(() => fx.get("StorageClass", "gold")).toThrow("(StorageClass gold): no such object: it holds 2 StorageClass: manual, other");
  });
});
