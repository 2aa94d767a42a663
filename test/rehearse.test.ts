// The rehearsal's reading of a workflow and of act's output, on plain text.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { jobResults, standInsFor, summaryLines } from "../scripts/rehearse/act-output.ts";

describe("the rehearsal", () => {
  it("maps every action the workflow uses to its stand-in, and refuses one that has none", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "kp-actions-"));
    for (const a of ["actions/setup-node", "actions/cache"]) {
      mkdirSync(path.join(dir, a), { recursive: true });
      writeFileSync(path.join(dir, a, "action.yml"), "name: x\n");
    }
    const workflow = "steps:\n  - uses: actions/checkout@v6\n  - uses: actions/setup-node@v6\n    with: {}\n  - uses: actions/cache/restore@v5\n  - uses: actions/cache@v5\n";
    expect(standInsFor(workflow, dir)).toEqual([`actions/cache@v5=${dir}/actions/cache`, `actions/setup-node@v6=${dir}/actions/setup-node`]);
    expect(() => standInsFor(`${workflow}  - uses: docker/login-action@v3\n`, dir)).toThrow("the workflow uses docker/login-action@v3, which has no stand-in");
  });

  it("reads each job's end and time from act's output; a job without an end is not a success", () => {
    const log = [
      { t: 0, line: "[conformance/checks-1] ⭐ Run Set up job" },
      { t: 1_000, line: "[conformance/checks-2] ⭐ Run Set up job" },
      { t: 61_000, line: "[conformance/checks-1] 🏁  Job succeeded" },
      { t: 90_000, line: "[conformance/checks-2]   ❌  Failure - Main npm run check" },
      { t: 91_000, line: "[conformance/checks-2] 🏁  Job failed" },
      { t: 92_000, line: "[conformance/report  ] ⭐ Run Set up job" },
      { t: 93_000, line: "unprefixed noise" },
    ];
    const results = jobResults(log);
    expect(results).toEqual([
      { job: "conformance/checks-1", result: "succeeded", seconds: 61 },
      { job: "conformance/checks-2", result: "failed", seconds: 90 },
      { job: "conformance/report", result: "no end seen", seconds: 0 },
    ]);
    expect(summaryLines(results, 93_000)).toContain("  conformance/checks-1  succeeded    1.0 min");
  });
});
