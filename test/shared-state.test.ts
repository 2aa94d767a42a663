import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { sharedStateFiles, type SharedState } from "../harness/run/projects.ts";

// The spec files that change shared state run beside the others, and the leak check compares that
// state only around them. Both rest on this: no other spec file touches it. Read from the specs
// and fixtures themselves, so a new test that would break it fails here, not in a run.
const root = path.resolve(import.meta.dirname, "..");
const files = (dir: string, ext: string): string[] =>
  readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(ext))
    .map((f) => path.join(dir, f));
const specs = files("specs", ".spec.ts").map((f) => ({ file: f, text: readFileSync(path.join(root, f), "utf8") }));

interface Doc {
  kind?: string;
  metadata?: { annotations?: Record<string, string> };
  spec?: { storageClassName?: string | null };
}
/** Fixtures (by the name specs use, e.g. "storage/claim-without-class.yaml") holding an object the predicate picks. */
function fixturesWith(pick: (d: Doc) => boolean): string[] {
  return files("fixtures", ".yaml").filter((f) =>
    parseAllDocuments(readFileSync(path.join(root, f), "utf8")).some((d) => {
      const o = d.toJS() as Doc | null;
      return o !== null && pick(o);
    }),
  ).map((f) => path.relative("fixtures", f));
}

/** The spec files, other than those declared to change `state`, whose text matches one of the patterns. */
function touching(state: SharedState, patterns: (string | RegExp)[]): string[] {
  return specs
    .filter((s) => sharedStateFiles[s.file] !== state)
    .filter((s) => patterns.some((p) => (typeof p === "string" ? s.text.includes(p) : p.test(s.text))))
    .map((s) => s.file);
}

describe("shared state is touched only by the spec files declared to change it", () => {
  it("declares files that exist and run their tests one at a time", () => {
    for (const file of Object.keys(sharedStateFiles)) {
      const spec = specs.find((s) => s.file === file);
      expect(spec, file).toBeDefined();
      expect(spec!.text, `${file} must say describe(..., { concurrent: false })`).toMatch(/describe\([^,]+, \{ concurrent: false \}/);
    }
  });

  it("nodes: only the nodes file adds, cordons or labels them", () => {
    expect(touching("nodes", ["ops/nodes.js", "unschedulable: true", /\.patch\(\s*\{[^}]*kind: "Node"/])).toEqual([]);
  });

  it("the default StorageClass: only its file changes it or makes a claim that would take it", () => {
    const defaultClasses = fixturesWith((d) => d.kind === "StorageClass" && d.metadata?.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true");
    // A claim without storageClassName gets the default class (admission, or later the PV
    // controller's retroactive assignment), so it depends on which class is default.
    const classless = fixturesWith((d) => d.kind === "PersistentVolumeClaim" && (d.spec?.storageClassName === undefined || d.spec.storageClassName === null));
    expect(defaultClasses.length + classless.length, "the storage-class spec's own fixtures are found").toBeGreaterThan(0);
    expect(touching("defaultStorageClass", ["is-default-class", "defaultClassAnnotation", /storageClassName\s*(=\s*undefined|:\s*undefined)|delete [\w.!?]*storageClassName/, ...defaultClasses, ...classless])).toEqual([]);
  });
});
