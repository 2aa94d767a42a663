// Fixtures: multi-document YAML under fixtures/. Loading is pure (parse, shape checks, namespace
// injection, unique cluster-scoped names); validation against the cluster is a server-side dry
// run done by apply. Every error names the file, the document, the object and what is wrong.
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "./deps/yaml.ts";
import type { KubeObject } from "./api/client.ts";
import type { Blame } from "./failures.ts";
import { containersOf, imagesFile, parseMirrors, rewriteImage, testImages } from "./images.ts";
import { refTo, type Ref } from "./wait/conditions.ts";

export const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

export class FixtureError extends Error {
  readonly file: string;
  readonly doc: number | undefined;
  readonly object: string | undefined;
  readonly problem: string;
  /** A fixture the suite could not read or the apiserver found invalid is the suite's; one refused by admission is the cluster's answer. */
  readonly blame: Blame;
  constructor(file: string, doc: number | undefined, object: string | undefined, problem: string, blame: Blame = { on: "suite", failure: "fixture" }) {
    super(`${file}${doc !== undefined ? `, document ${doc + 1}` : ""}${object ? ` (${object})` : ""}: ${problem}`);
    this.name = "FixtureError";
    this.file = file;
    this.doc = doc;
    this.object = object;
    this.problem = problem;
    this.blame = blame;
  }
}

export interface LoadedDoc {
  file: string;
  index: number;
  obj: KubeObject;
}

/** Parses a fixture file into objects, checking the shape every Kubernetes object must have. */
export function parseFixture(text: string, file: string): LoadedDoc[] {
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const out: LoadedDoc[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      throw new FixtureError(file, index, undefined, `not valid YAML: ${e.message.split("\n")[0]}`);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return; // empty document (e.g. trailing ---)
    if (typeof value !== "object" || Array.isArray(value)) {
      throw new FixtureError(file, index, undefined, `expected a Kubernetes object (a mapping), got ${Array.isArray(value) ? "a list" : typeof value}`);
    }
    const obj = value as Partial<KubeObject>;
    const name = (obj.metadata as { name?: string } | undefined)?.name;
    const label = `${obj.kind ?? "?"} ${name ?? "?"}`;
    if (typeof obj.apiVersion !== "string" || obj.apiVersion === "") throw new FixtureError(file, index, label, "apiVersion is missing");
    if (typeof obj.kind !== "string" || obj.kind === "") throw new FixtureError(file, index, label, "kind is missing");
    if (!obj.metadata || typeof obj.metadata !== "object") throw new FixtureError(file, index, label, "metadata is missing");
    if (!name) throw new FixtureError(file, index, label, "metadata.name is missing (server-side apply needs a name)");
    checkImages(obj, file, index, label);
    out.push({ file, index, obj: obj as KubeObject });
  });
  if (out.length === 0) throw new FixtureError(file, undefined, undefined, "contains no objects");
  return out;
}

/** A fixture names only images of the one list (images.json), so `npm run images` is complete. */
function checkImages(obj: unknown, file: string, index: number, label: string): void {
  const allowed = testImages();
  for (const c of containersOf(obj)) {
    if (!c.image) throw new FixtureError(file, index, label, `container "${c.name ?? "?"}" has no image`);
    if (!allowed.has(c.image)) {
      throw new FixtureError(file, index, label, `container "${c.name ?? "?"}" uses image "${c.image}", which is not in ${path.basename(imagesFile)} (its "test" section lists what fixtures may use: ${[...allowed].join(", ")})`);
    }
  }
}

export function readFixture(name: string): LoadedDoc[] {
  const file = path.join(fixturesDir, name);
  const shown = path.relative(process.cwd(), file) || file;
  if (!existsSync(file)) throw new FixtureError(shown, undefined, undefined, `no such fixture (looked in ${fixturesDir})`);
  return parseFixture(readFileSync(file, "utf8"), shown);
}

/** Fields that refer to cluster-scoped objects by name; renamed together with their targets. */
const referenceKeys = new Set(["storageClassName", "volumeName", "nodeName", "priorityClassName"]);

export interface Placement {
  namespace: string;
  /** Appended to the name of every cluster-scoped object so parallel runs and tests never collide. */
  suffix: string;
  isNamespaced: (apiVersion: string, kind: string) => Promise<boolean>;
  /** Extra mutation per object (labels for ownership, for instance). */
  labels?: Record<string, string>;
}

/**
 * Puts fixture objects in the test's place: namespaced objects into the test namespace,
 * cluster-scoped ones renamed `<name>-<suffix>`, and references between them rewritten.
 */
export async function place(docs: LoadedDoc[], p: Placement): Promise<LoadedDoc[]> {
  const renames = new Map<string, string>();
  const placed: LoadedDoc[] = [];
  const mirrors = parseMirrors(process.env.KUBEPROOF_IMAGE_MIRRORS);
  for (const d of docs) {
    const obj = structuredClone(d.obj);
    for (const c of containersOf(obj)) if (c.image) c.image = rewriteImage(c.image, mirrors);
    const namespaced = await p.isNamespaced(obj.apiVersion!, obj.kind!);
    obj.metadata.labels = { ...(obj.metadata.labels ?? {}), ...(p.labels ?? {}) };
    if (namespaced) {
      if (obj.metadata.namespace && obj.metadata.namespace !== p.namespace) {
        throw new FixtureError(d.file, d.index, `${obj.kind} ${obj.metadata.name}`, `metadata.namespace "${obj.metadata.namespace}" is set; fixtures must leave it out (each test gets its own namespace)`);
      }
      obj.metadata.namespace = p.namespace;
    } else {
      delete obj.metadata.namespace;
      const unique = `${obj.metadata.name}-${p.suffix}`;
      renames.set(obj.metadata.name!, unique);
      obj.metadata.name = unique;
    }
    placed.push({ ...d, obj });
  }
  for (const d of placed) rewriteRefs(d.obj, renames);
  return placed;
}

function rewriteRefs(node: unknown, renames: Map<string, string>): void {
  if (Array.isArray(node)) {
    node.forEach((n) => rewriteRefs(n, renames));
    return;
  }
  if (!node || typeof node !== "object") return;
  const rec = node as Record<string, unknown>;
  for (const [k, v] of Object.entries(rec)) {
    if (referenceKeys.has(k) && typeof v === "string" && renames.has(v)) rec[k] = renames.get(v);
    else rewriteRefs(v, renames);
  }
  // claimRef-like references from a PV to a PVC keep the test namespace; nothing to rename.
}

/**
 * What k.apply returns: the objects as the apiserver answered, in the fixture's order, and each
 * by its kind and the name the fixture gives it (before a cluster-scoped name is made unique).
 */
export type Applied<T extends KubeObject = KubeObject> = T[] & {
  /** The fixture's object of this kind (and name, where it holds several of the kind), with its ref. */
  get<K extends KubeObject = T>(kind: string, name?: string): K & { ref: Ref };
};

export function addressable<T extends KubeObject>(fixture: string, docs: LoadedDoc[], objs: T[]): Applied<T> {
  const get = <K extends KubeObject>(kind: string, name?: string): K & { ref: Ref } => {
    const ofKind = docs.map((d, i) => ({ name: d.obj.metadata.name, i })).filter(({ i }) => docs[i]!.obj.kind === kind);
    const found = name === undefined ? ofKind : ofKind.filter((d) => d.name === name);
    if (found.length !== 1) {
      const held = ofKind.length ? `it holds ${ofKind.length} ${kind}: ${ofKind.map((d) => d.name).join(", ")}` : `it holds no ${kind} (it holds ${[...new Set(docs.map((d) => d.obj.kind))].join(", ")})`;
      throw new FixtureError(fixture, undefined, `${kind}${name ? ` ${name}` : ""}`, name === undefined && ofKind.length > 1 ? `${held}: name the one you mean` : `no such object: ${held}`);
    }
    const o = objs[found[0]!.i]! as unknown as K;
    return Object.assign(o, { ref: refTo(o) });
  };
  return Object.assign(objs, { get });
}
