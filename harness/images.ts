// The images a run uses: one list (images.json at the repository root), printed by
// `npm run images`, and the rewrite that points them at a user's own registry.
//
// KUBEPROOF_IMAGE_MIRRORS maps registries to mirrors, like upstream e2e's repo list:
//   KUBEPROOF_IMAGE_MIRRORS="docker.io=mirror.example:5000/hub,registry.k8s.io=mirror.example:5000/k8s"
// turns docker.io/library/busybox:1.37.0 into mirror.example:5000/hub/library/busybox:1.37.0.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface ImageEntry {
  ref: string;
  use: string;
}

interface ImageList {
  test: Record<string, ImageEntry>;
  cluster: Record<string, ImageEntry>;
}

export const imagesFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "images.json");

export function imageList(): ImageList {
  return JSON.parse(readFileSync(imagesFile, "utf8")) as ImageList;
}

/** The references fixtures may name (the "test" section). */
export function testImages(): Set<string> {
  return new Set(Object.values(imageList().test).map((e) => e.ref));
}

/** docker.io/library/busybox:1.37.0 for "busybox:1.37.0", as a container runtime reads it. */
export function normalise(ref: string): string {
  const first = ref.split("/")[0]!;
  const hasRegistry = ref.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasRegistry) return ref;
  return ref.includes("/") ? `docker.io/${ref}` : `docker.io/library/${ref}`;
}

/** Parses KUBEPROOF_IMAGE_MIRRORS ("registry=mirror,..."); throws naming the bad entry. */
export function parseMirrors(spec: string | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of (spec ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf("=");
    const from = part.slice(0, eq).trim();
    const to = part.slice(eq + 1).trim().replace(/\/+$/, "");
    if (eq <= 0 || !to || from.includes("/")) {
      throw new Error(`KUBEPROOF_IMAGE_MIRRORS: "${part}" is not registry=mirror (e.g. docker.io=mirror.example:5000/hub)`);
    }
    m.set(from, to);
  }
  return m;
}

/** The reference a cluster should pull for `ref`, after the mirrors. */
export function rewriteImage(ref: string, mirrors: Map<string, string>): string {
  const full = normalise(ref);
  const slash = full.indexOf("/");
  const mirror = mirrors.get(full.slice(0, slash));
  return mirror ? `${mirror}${full.slice(slash)}` : full;
}

/** Every container of a pod spec or of a pod template anywhere in the object. */
export function containersOf(obj: unknown): { image?: string; name?: string }[] {
  const out: { image?: string; name?: string }[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== "object") return;
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if ((k === "containers" || k === "initContainers" || k === "ephemeralContainers") && Array.isArray(v)) out.push(...(v as { image?: string }[]));
      else visit(v);
    }
  };
  visit(obj);
  return out;
}
