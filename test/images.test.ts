// The one image list, the mirror rewrite, and the fixtures' use of both (plain data, no cluster).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseFixture, place, fixturesDir } from "../harness/fixtures.ts";
import { containersOf, normalise, parseMirrors, rewriteImage, testImages } from "../harness/images.ts";

const isNamespaced = async () => true;
const pod = (image: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: main, image: "${image}"}\n`;

function fixtureFiles(dir = fixturesDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? fixtureFiles(path.join(dir, e.name)) : e.name.endsWith(".yaml") ? [path.join(dir, e.name)] : []));
}

describe("images", () => {
  it("reads references the way a container runtime does", () => {
    expect(normalise("busybox:1.37.0")).toBe("docker.io/library/busybox:1.37.0");
    expect(normalise("kindest/node:v1.34.0")).toBe("docker.io/kindest/node:v1.34.0");
    expect(normalise("registry.k8s.io/pause:3.10")).toBe("registry.k8s.io/pause:3.10");
    expect(normalise("localhost:5000/x:1")).toBe("localhost:5000/x:1");
  });

  it("rewrites a registry to its mirror and leaves the others", () => {
    const m = parseMirrors("docker.io=mirror.example:5000/hub, registry.k8s.io=mirror.example:5000/k8s/");
    expect(rewriteImage("docker.io/library/busybox:1.37.0", m)).toBe("mirror.example:5000/hub/library/busybox:1.37.0");
    expect(rewriteImage("busybox:1.37.0", m)).toBe("mirror.example:5000/hub/library/busybox:1.37.0");
    expect(rewriteImage("registry.k8s.io/metrics-server/metrics-server:v0.8.0", m)).toBe("mirror.example:5000/k8s/metrics-server/metrics-server:v0.8.0");
    expect(rewriteImage("quay.io/x/y:1", m)).toBe("quay.io/x/y:1");
  });

  it("names a malformed mirror entry", () => {
    expect(() => parseMirrors("docker.io")).toThrow('KUBEPROOF_IMAGE_MIRRORS: "docker.io" is not registry=mirror');
    expect(() => parseMirrors("docker.io/library=x")).toThrow("is not registry=mirror");
  });

  it("every fixture names only listed images, pinned, with the default pull policy", () => {
    const listed = testImages();
    let containers = 0;
    for (const file of fixtureFiles()) {
      const text = readFileSync(file, "utf8");
      expect(text, file).not.toMatch(/imagePullPolicy:\s*Never/);
      for (const d of parseFixture(text, file)) {
        for (const c of containersOf(d.obj)) {
          containers++;
          expect(listed.has(c.image!), `${file}: ${c.image}`).toBe(true);
          expect(c.image, file).not.toMatch(/:latest$|^[^:]*$/);
        }
      }
    }
    expect(containers).toBeGreaterThan(20);
  });

  it("refuses a fixture with an image that is not listed, naming file, object and image", () => {
    expect(() => parseFixture(pod("kubeproof/toolbox:1"), "p.yaml")).toThrow(/^p\.yaml, document 1 \(Pod p\): container "main" uses image "kubeproof\/toolbox:1", which is not in images\.json/);
  });

  it("applies the mirrors to every container, init containers and templates included", async () => {
    process.env.KUBEPROOF_IMAGE_MIRRORS = "docker.io=mirror.example:5000/hub";
    try {
      const job = parseFixture(
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      initContainers: [{name: i, image: docker.io/library/busybox:1.37.0}]\n      containers: [{name: c, image: docker.io/library/busybox:1.37.0}]\n",
        "j.yaml",
      );
      const [placed] = await place(job, { namespace: "ns", suffix: "s", isNamespaced });
      expect(containersOf(placed!.obj).map((c) => c.image)).toEqual(["mirror.example:5000/hub/library/busybox:1.37.0", "mirror.example:5000/hub/library/busybox:1.37.0"]);
      expect(containersOf(job[0]!.obj)[0]!.image).toBe("docker.io/library/busybox:1.37.0");
    } finally {
      delete process.env.KUBEPROOF_IMAGE_MIRRORS;
    }
  });
});

describe("registry mirror", () => {
  it("serves each image at its repository path, the registry's host dropped", async () => {
    const { mirrorPath } = await import("../harness/cluster/registry.ts");
    expect(mirrorPath("docker.io/library/busybox:1.37.0")).toBe("library/busybox:1.37.0");
    expect(mirrorPath("registry.k8s.io/metrics-server/metrics-server:v0.8.0")).toBe("metrics-server/metrics-server:v0.8.0");
  });

  it("every image it may serve has a distinct repository path (one mirror serves docker.io and registry.k8s.io)", async () => {
    const { mirrorPath } = await import("../harness/cluster/registry.ts");
    const { imageList } = await import("../harness/images.ts");
    const l = imageList();
    const refs = [...Object.values(l.test), ...Object.values(l.cluster)].map((e) => e.ref);
    const paths = refs.map((r) => mirrorPath(r).split(":")[0]);
    expect(new Set(paths).size).toBe(paths.length);
  });
});
