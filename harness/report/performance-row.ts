// `npm run bench -- N --record`: the bench writes its own row into docs/performance.md, with the
// date, the machine and the command that produced it, so figures of one machine are never
// copied by hand as if they held everywhere.
import os from "node:os";

export interface BenchRow {
  date: string;
  machine: string;
  command: string;
  result: string;
  wall: string;
}

/** The machine as a reader compares it with theirs: cores, memory, CPU model, cgroup version. */
export function machineLine(cgroupV2: boolean): string {
  const cpus = os.cpus();
  const gib = Math.round(os.totalmem() / 2 ** 30);
  return `${os.hostname()}: ${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown CPU"}), ${gib} GiB, cgroup ${cgroupV2 ? "v2" : "v1"}`;
}

/** The row as Markdown table cells (pipes in the text escaped). */
export function rowMarkdown(r: BenchRow): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return `| ${[r.date, r.machine, r.command, r.result, r.wall].map(cell).join(" | ")} |`;
}

/**
 * `markdown` with `row` inserted as the first row of the table under the heading `section`; an
 * error naming the file and the heading when there is no such table.
 */
export function insertRow(markdown: string, section: string, row: string, file = "docs/performance.md"): string {
  const lines = markdown.split("\n");
  const at = lines.findIndex((l) => l.trim() === section);
  if (at < 0) throw new Error(`${file}: no heading "${section}" to record the bench's row under`);
  const sep = lines.findIndex((l, i) => i > at && /^\|(\s*-+\s*\|)+\s*$/.test(l));
  const nextHeading = lines.findIndex((l, i) => i > at && l.startsWith("#"));
  if (sep < 0 || (nextHeading >= 0 && sep > nextHeading)) throw new Error(`${file}: the section "${section}" has no table to record the bench's row in`);
  lines.splice(sep + 1, 0, row);
  return lines.join("\n");
}
