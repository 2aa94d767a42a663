// Spec files hold fixtures, named waits and expectations only. This check keeps plumbing out:
// no sleeps or polling loops, no raw client, no direct API calls. Exits 1 naming file and line.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const rules: [RegExp, string][] = [
  [/\bsetTimeout\b|\bsetInterval\b|\bsleep\s*\(/, "sleeps and timers belong in harness waits (use a named wait or k.never)"],
  [/\bwhile\s*\(|\bfor\s*\(\s*;\s*;|\bdo\s*\{/, "polling loops belong in harness waits"],
  [/@kubernetes\/client-node/, "no raw client in specs (types come from harness/api/kinds)"],
  [/\bk\.api\b|\bnew Api\b|\.request\(/, "no raw API calls in specs (use k.apply, k.patch, k.delete, named waits)"],
  [/from\s+["']zx["']|child_process/, "no shell in specs (provider plumbing lives in harness/cluster)"],
  [/const \[[^\]]*\]\s*=\s*(await )?k\.apply\(|\.map\(refTo\)/, "no fixture objects picked by position (use fx.get(kind, name) and its .ref)"],
];

export function lintSpec(text: string, file: string): string[] {
  const problems: string[] = [];
  text.split("\n").forEach((line, i) => {
    if (/^\s*\/\//.test(line)) return;
    for (const [re, why] of rules) if (re.test(line)) problems.push(`${file}:${i + 1}: ${why}\n    ${line.trim()}`);
  });
  return problems;
}

const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(path.join(d, f)).isDirectory() ? walk(path.join(d, f)) : [path.join(d, f)]));
const files = walk("specs").filter((f) => f.endsWith(".spec.ts"));
const problems = files.flatMap((f) => lintSpec(readFileSync(f, "utf8"), f));
if (problems.length) {
  console.error(`spec lint: ${problems.length} problem(s)\n${problems.join("\n")}`);
  process.exit(1);
}
console.log(`spec lint: ${files.length} spec files clean`);
