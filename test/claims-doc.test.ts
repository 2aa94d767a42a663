import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { claims } from "../harness/report/claims.ts";

// docs/claims.md tells each claim in full; harness/report/claims.ts is the table the specs and
// the ledger use. The doc is checked against the table, so neither can gain or lose a claim alone.
const doc = readFileSync(new URL("../docs/claims.md", import.meta.url), "utf8");
const docIds = [...doc.matchAll(/^- ([A-Z]+-\d+) /gm)].map((m) => m[1]);

describe("docs/claims.md and the claims table", () => {
  it("number the same claims, in the same order", () => {
    expect(docIds).toEqual(Object.keys(claims));
  });

  it("group each claim under its topic's heading", () => {
    const topic = (id: string) => id.split("-")[0]!;
    let heading = "";
    const misplaced: string[] = [];
    const sections = new Map<string, string>();
    for (const line of doc.split("\n")) {
      if (line.startsWith("## ")) heading = line.slice(3);
      const m = /^- ([A-Z]+-\d+) /.exec(line);
      if (!m) continue;
      const seen = sections.get(topic(m[1]!));
      if (seen && seen !== heading) misplaced.push(`${m[1]} under "${heading}", its topic's other claims under "${seen}"`);
      sections.set(topic(m[1]!), heading);
    }
    expect(misplaced).toEqual([]);
  });
});
