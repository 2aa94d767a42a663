// npm run rehearse -- [--job ID] [--matrix KEY:VALUE]... [--event push|pull_request] [--keep-home] [--keep]
// Runs .github/workflows/conformance.yml as GitHub would, here, with an existing engine (nektos/act,
// built from the Go module proxy) in its self-hosted mode: every job, matrix entry, `needs`, `if`
// and env of the workflow as written, each `run:` step on this machine as a non-root user `runner`
// with passwordless sudo (scripts/rehearse/runner.sh). Each `uses:` action is a stand-in under its
// public name (scripts/rehearse/actions/, docs/rehearsal.md): what it does for this workflow, with
// the rehearsal's folders in place of GitHub's services. The workflow runs on a clone of the
// committed HEAD. Ends with each job's result and time; exits 1 if a job failed. Needs root.
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../../harness/cluster/paths.ts";
import { version } from "../../harness/versions.ts";
import { jobResults, standInsFor, summaryLines } from "./act-output.ts";

const actVersion = version("ACT_VERSION");
const args = process.argv.slice(2);
const flag = (name: string) => args.flatMap((a, i) => (a === name && args[i + 1] ? [args[i + 1]!] : []));
const event = flag("--event")[0] ?? "push";
if (event !== "push" && event !== "pull_request") throw new Error(`--event ${event}: rehearse push (to main) or pull_request`);
const workflowFile = path.join(".github", "workflows", "conformance.yml");
const dir = process.env.KUBEPROOF_REHEARSAL_DIR ?? "/var/tmp/kubeproof-rehearsal";
const run = new Date().toISOString().replace(/[:.]/g, "-");
const runDir = path.join(dir, "runs", run);
const say = (m: string) => process.stderr.write(`[rehearse] ${m}\n`);

execFileSync("bash", [path.join(repoRoot, "scripts", "rehearse", "runner.sh"), dir, ...(args.includes("--keep-home") ? ["--keep-home"] : [])], { stdio: "inherit" });
execFileSync("bash", [path.join(repoRoot, "scripts", "rehearse", "tools.sh"), dir, actVersion, version("KIND_VERSION")], { stdio: "inherit" });

// The image links its default Go into /usr/bin: here the machine's Go stands in for it (a test that
// hides Go by PATH=/usr/bin:/bin must still not find one).
const goLink = "/usr/bin/go";
const madeGoLink = !existsSync(goLink);
if (madeGoLink) symlinkSync(execFileSync("bash", ["-c", "command -v go"], { encoding: "utf8" }).trim(), goLink);

mkdirSync(runDir, { recursive: true });
const repo = path.join(runDir, "repo");
execFileSync("git", ["clone", "--quiet", "--no-hardlinks", repoRoot, repo]);
// act copies each action's repository folder alone: the modules the stand-ins share go into each.
const actions = path.join(runDir, "actions");
const standIns = path.join(repoRoot, "scripts", "rehearse", "actions");
cpSync(standIns, actions, { recursive: true });
for (const owner of readdirSync(actions, { withFileTypes: true }).filter((d) => d.isDirectory())) {
  for (const repo of readdirSync(path.join(actions, owner.name))) for (const shared of ["lib.mjs", "cache-store.mjs"]) cpSync(path.join(standIns, shared), path.join(actions, owner.name, repo, shared));
}
const eventFile = path.join(runDir, "event.json");
writeFileSync(eventFile, JSON.stringify(event === "push" ? { ref: "refs/heads/main", repository: { default_branch: "main" } } : { number: 1, pull_request: { number: 1, head: { ref: "rehearsal" }, base: { ref: "main" } }, repository: { default_branch: "main" } }));
execFileSync("chown", ["-R", "runner:runner", runDir]);

const workflow = readFileSync(path.join(repo, workflowFile), "utf8");

/**
 * The node images the workflow pins by digest, mapped to one assembled here for the same
 * Kubernetes minor where this machine has one: no registry here serves the stock digests.
 */
function nodeImages(text: string): Record<string, string> {
  const here = execFileSync("docker", ["images", "kubeproof/node", "--format", "{{.Repository}}:{{.Tag}}"], { encoding: "utf8" }).split("\n").filter(Boolean);
  const out: Record<string, string> = {};
  for (const [ref, minor] of text.matchAll(/kindest\/node:v(\d+\.\d+)\.\d+@sha256:[0-9a-f]{64}/g)) {
    const local = here.find((h) => h.startsWith(`kubeproof/node:v${minor}.`));
    if (local) out[ref] = local;
  }
  return out;
}
const local = standInsFor(workflow, actions);
const image = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
const actArgs = [
  event,
  "-W", workflowFile,
  "-e", eventFile,
  "-P", "ubuntu-24.04=-self-hosted",
  "--action-offline-mode",
  "--concurrent-jobs", "1",
  "--defaultbranch", "main",
  ...local.flatMap((l) => ["--local-repository", l]),
  "--env", `KUBEPROOF_REHEARSAL_DIR=${dir}`,
  "--env", `KUBEPROOF_REHEARSAL_RUN=${run}`,
  "--env", `KUBEPROOF_REHEARSAL_GOROOT=${execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim()}`,
  "--env", `KUBEPROOF_REHEARSAL_NODE_IMAGES=${JSON.stringify(nodeImages(workflow))}`,
  ...flag("--job").flatMap((j) => ["-j", j]),
  ...flag("--matrix").flatMap((m) => ["--matrix", m]),
];
say(`run ${run}: act ${actArgs.join(" ")}`);
const started = Date.now();
const log: { t: number; line: string }[] = [];
// How this machine reaches the network (its CA bundle, proxies, Go's module proxy settings) goes
// to the runner user too, as a GitHub runner reaches its own: sudo would drop it.
const network = /^(NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|CURL_CA_BUNDLE|GIT_SSL_CAINFO|REQUESTS_CA_BUNDLE|https?_proxy|HTTPS?_PROXY|no_proxy|NO_PROXY|GOPROXY|GOSUMDB|GONOSUMDB|GOPRIVATE|GOFLAGS|GOTOOLCHAIN)$/;
const passed = Object.entries(process.env).filter(([k, v]) => network.test(k) && v !== undefined).map(([k, v]) => `${k}=${v}`);
const child = spawn("sudo", ["-u", "runner", "-H", "env", ...passed, `PATH=${[path.join(dir, "tools", "image-bin"), ...image].join(":")}`, path.join(dir, "tools", `act-${actVersion}`, "act"), ...actArgs], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
for (const stream of [child.stdout, child.stderr]) {
  let rest = "";
  stream.on("data", (d: Buffer) => {
    const parts = (rest + d.toString()).split("\n");
    rest = parts.pop() ?? "";
    for (const line of parts) {
      log.push({ t: Date.now() - started, line });
      process.stdout.write(`${line}\n`);
    }
  });
}
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? 1)));
if (madeGoLink) unlinkSync(goLink);

const results = jobResults(log);
const out = path.join(repoRoot, "reports", "rehearsal");
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, `${run}.log`), log.map((l) => `${(l.t / 1000).toFixed(1).padStart(7)} ${l.line}`).join("\n"));
writeFileSync(path.join(out, "summary.json"), JSON.stringify({ run, event, act: actVersion, exit: code, wallSeconds: (Date.now() - started) / 1000, jobs: results }, null, 2));
for (const l of summaryLines(results, Date.now() - started)) console.log(l);
if (!args.includes("--keep")) rmSync(repo, { recursive: true, force: true });
const failed = results.filter((r) => r.result !== "succeeded").length;
console.log(`rehearsal: ${results.length - failed} passed, ${failed} failed`);
process.exit(code === 0 && failed === 0 && results.length > 0 ? 0 : 1);
