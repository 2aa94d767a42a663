// The bench's own row in docs/performance.md: where it goes, and a clear error where it cannot.
import { describe, expect, it } from "vitest";
import { insertRow, rowMarkdown } from "../harness/report/performance-row.ts";

const doc = ["# Performance", "", "## Runs, warm caches", "", "| date | machine | command | result | wall |", "|---|---|---|---|---|", "| old | m | c | r | w |", "", "## Next"].join("\n");

describe("the bench's row", () => {
  it("goes first in the section's table, its pipes escaped", () => {
    const row = rowMarkdown({ date: "2026-12-03", machine: "polyglot: 2 cores", command: "`npm run bench -- 3` (kind)", result: "a | b", wall: "median 1 s" });
    const out = insertRow(doc, "## Runs, warm caches", row).split("\n");
    expect(out[6]).toBe("| 2026-12-03 | polyglot: 2 cores | `npm run bench -- 3` (kind) | a \\| b | median 1 s |");
    expect(out[7]).toBe("| old | m | c | r | w |");
  });

  it("names the file and the heading where there is no such table", () => {
    expect(() => insertRow(doc, "## Set-up, cold", "| x |")).toThrow('docs/performance.md: no heading "## Set-up, cold"');
    expect(() => insertRow("## Runs, warm caches\n\ntext\n## Next\n| a |\n|---|", "## Runs, warm caches", "| x |")).toThrow("has no table");
  });
});
