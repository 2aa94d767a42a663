// Which tests the specs have for each claim, read from the spec sources themselves, so the
// ledger can tell a claim whose tests all reported from one whose tests never ran (a file that
// failed to load, a filter, a crash): a missing result makes a claim incomplete, never confirmed.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../cluster/paths.ts";

export interface SpecTest {
  file: string;
  test: string;
  claims: string[];
}

const testWithClaims = /\btest\(\s*"((?:[^"\\]|\\.)*)",\s*\{\s*meta:\s*\{\s*claims:\s*\[([^\]]*)\]/g;

/** The tests of one spec file that name claims; throws if a claims list belongs to no test it can read. */
export function specClaims(text: string, file: string): SpecTest[] {
  const found = [...text.matchAll(testWithClaims)].map((m) => ({
    file,
    test: JSON.parse(`"${m[1]!}"`) as string,
    claims: [...m[2]!.matchAll(/"([A-Z]+-\d+)"/g)].map((c) => c[1]!),
  }));
  // Only a list that names a claim must be attributable; a test of no claim (claims: []) may be
  // named any way (a template, a loop).
  const naming = (text.match(/\bclaims:\s*\[\s*"/g) ?? []).length;
  const read = found.filter((t) => t.claims.length).length;
  if (naming !== read) {
    throw new Error(`${file}: ${naming} claims lists name claims but ${read} read as test("name", { meta: { claims: [...] } }); write each test that way so the ledger knows it`);
  }
  return found;
}

/** Every spec test that names a claim, by claim. */
export function expectedTests(dir = path.join(repoRoot, "specs")): Map<string, SpecTest[]> {
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".spec.ts"));
  const byClaim = new Map<string, SpecTest[]>();
  for (const f of files.sort()) {
    for (const t of specClaims(readFileSync(path.join(dir, f), "utf8"), path.join("specs", f))) {
      for (const c of t.claims) byClaim.set(c, [...(byClaim.get(c) ?? []), t]);
    }
  }
  return byClaim;
}
