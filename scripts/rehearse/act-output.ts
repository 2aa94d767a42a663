// What a rehearsal reads and writes around act: the stand-ins a workflow needs, and each job's
// result and time from act's output. Plain functions (test/rehearse.test.ts).
import { existsSync } from "node:fs";
import path from "node:path";

/**
 * `--local-repository` arguments for every action the workflow uses: owner/repo@ref=<its stand-in>.
 * actions/checkout is act's own (it copies the workspace). An action without a stand-in stops the
 * rehearsal before anything runs, naming it.
 */
export function standInsFor(workflow: string, actionsDir: string): string[] {
  const used = [...workflow.matchAll(/^\s*(?:-\s+)?uses:\s*([\w.-]+)\/([\w.-]+)(?:\/[\w./-]+)?@([\w.-]+)/gm)].map(([, owner, repo, ref]) => ({ owner: owner!, repo: repo!, ref: ref! }));
  const out = new Set<string>();
  for (const u of used) {
    if (u.owner === "actions" && u.repo === "checkout") continue;
    const dir = path.join(actionsDir, u.owner, u.repo);
    if (!existsSync(path.join(dir, "action.yml"))) throw new Error(`the workflow uses ${u.owner}/${u.repo}@${u.ref}, which has no stand-in in scripts/rehearse/actions/${u.owner}/${u.repo}/`);
    out.add(`${u.owner}/${u.repo}@${u.ref}=${dir}`);
  }
  return [...out].sort();
}

export interface JobResult {
  job: string;
  result: "succeeded" | "failed" | "no end seen";
  seconds: number;
}

/** Each job act ran (its log prefix, "workflow/job-entry"), with how it ended and how long it ran. */
export function jobResults(log: { t: number; line: string }[]): JobResult[] {
  const jobs = new Map<string, { first: number; last: number; result: JobResult["result"] }>();
  for (const { t, line } of log) {
    const m = /^\[([^\]]+)\]\s+(.*)$/.exec(line);
    if (!m) continue;
    const name = m[1]!.trim();
    const j = jobs.get(name) ?? { first: t, last: t, result: "no end seen" as const };
    j.last = t;
    if (/🏁\s+Job succeeded/.test(m[2]!)) j.result = "succeeded";
    else if (/🏁\s+Job failed/.test(m[2]!)) j.result = "failed";
    jobs.set(name, j);
  }
  return [...jobs].map(([job, j]) => ({ job, result: j.result, seconds: Math.round((j.last - j.first) / 100) / 10 }));
}

export function summaryLines(results: JobResult[], wallMs: number): string[] {
  const width = Math.max(20, ...results.map((r) => r.job.length));
  return [
    "",
    `rehearsal of the workflow: ${results.length} job${results.length === 1 ? "" : "s"} in ${(wallMs / 60_000).toFixed(1)} min`,
    ...results.map((r) => `  ${r.job.padEnd(width)}  ${r.result.padEnd(11)}  ${(r.seconds / 60).toFixed(1)} min`),
  ];
}
