// What a component of this Kubernetes version accepts, read from the binary itself: its flags, the
// controllers --controllers can name and the admission plugins from its --help, a --feature-gates
// value from the binary parsing it (its help leaves GA gates out). A flag, controller, gate or
// plugin a version no longer has stops that component at start with a line in its log; checked
// here first, the run fails at once with the name, the component's version and what it does know
// (gates removed in 1.37: JobPodReplacementPolicy, JobBackoffLimitPerIndex, JobSuccessPolicy).
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ExtraArg } from "./extra-args.ts";
import { cacheDir } from "./paths.ts";

export interface ComponentHelp {
  flags: Set<string>;
  controllers: Set<string>;
  admissionPlugins: Set<string>;
  /**
   * What the component says of a --feature-gates value, undefined when it takes it. Its help lists
   * only gates not yet GA, so a GA gate that still exists would read as unknown there: the binary
   * parses the value itself (`--feature-gates=<value> --version`).
   */
  gateError: (value: string) => string | undefined;
}

/** Parses a kube component's --help text (pure: unit-tested on plain text). */
export function parseHelp(text: string, gateError: ComponentHelp["gateError"] = () => undefined): ComponentHelp {
  const flags = new Set([...text.matchAll(/^\s+(?:-\w, )?--([a-z0-9][a-z0-9-]*)\b/gm)].map((m) => m[1]!));
  const list = (re: RegExp) => new Set((re.exec(text)?.[1] ?? "").split(/,\s*/).map((s) => s.trim()).filter((s) => /^[A-Za-z0-9-]+$/.test(s)));
  return {
    flags,
    controllers: list(/All controllers: ([^\n]+)/),
    admissionPlugins: list(/Comma-delimited list of admission plugins: ([^.\n]+)/),
    gateError,
  };
}

/** What is wrong with these extra args for a component, per its help (empty when all is known). */
export function unknownToComponent(component: string, version: string, help: ComponentHelp, args: ExtraArg[]): string[] {
  const errors: string[] = [];
  const where = `${component} ${version}`;
  const names = (value: string) => value.split(",").map((s) => s.trim()).filter(Boolean);
  for (const a of args.filter((x) => x.component === component)) {
    if (!help.flags.has(a.key)) {
      errors.push(`${where} has no flag --${a.key}`);
      continue;
    }
    if (a.key === "controllers" && help.controllers.size) {
      const bad = names(a.value).map((n) => n.replace(/^-/, "")).filter((n) => n !== "*" && !help.controllers.has(n));
      if (bad.length) errors.push(`--controllers names ${bad.join(", ")}, which ${where} does not have (it has: ${[...help.controllers].join(", ")})`);
    }
    if (a.key === "feature-gates") {
      const said = help.gateError(a.value);
      if (said) errors.push(`--feature-gates=${a.value}: ${where} says "${said}"`);
    }
    if ((a.key === "disable-admission-plugins" || a.key === "enable-admission-plugins") && help.admissionPlugins.size) {
      const bad = names(a.value).filter((p) => !help.admissionPlugins.has(p));
      if (bad.length) errors.push(`--${a.key} names ${bad.join(", ")}, which ${where} does not have (it has: ${[...help.admissionPlugins].join(", ")})`);
    }
  }
  return errors;
}

const helpCache = new Map<string, ComponentHelp>();

/**
 * A binary's --help text, kept on disk: a binary's help never changes, and running it cost a run
 * on a kept cluster 40 ms of CPU per component. A rebuilt binary has another size or time.
 */
function helpText(binary: string, run: (args: string[]) => SpawnSyncReturns<string>): string {
  let file: string | undefined;
  try {
    const st = statSync(binary);
    file = path.join(cacheDir, "component-help", `${createHash("sha256").update(`${realpathSync(binary)}\0${st.size}\0${st.mtimeMs}`).digest("hex").slice(0, 16)}.txt`);
    return readFileSync(file, "utf8");
  } catch {
    /* not kept yet (or no such binary: running it says so) */
  }
  // --help prints to stdout and exits 0 on these components; a binary that cannot run throws here.
  const help = run(["--help"]);
  if (help.error || help.status !== 0) throw new Error(`${binary} --help did not run: ${help.error?.message ?? help.stderr.trim().split("\n").pop()}`);
  if (file) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.${process.pid}`, help.stdout);
    renameSync(`${file}.${process.pid}`, file);
  }
  return help.stdout;
}

/** The component binary's help, read once per binary. */
export function componentHelp(binary: string): ComponentHelp {
  let h = helpCache.get(binary);
  if (!h) {
    const run = (args: string[]) => spawnSync(binary, args, { encoding: "utf8", timeout: 30_000 });
    h = parseHelp(helpText(binary, run), (value) => {
      // Gates are parsed with the flags, before --version prints; an unknown or locked one is refused there.
      const r = run([`--feature-gates=${value}`, "--version"]);
      return /(unrecognized feature gate|cannot set feature gate)[^"]*/.exec(r.stderr)?.[0];
    });
    helpCache.set(binary, h);
  }
  return h;
}

/** The kube components whose flags a run can set, as the toolchain names their binaries. */
export const kubeComponents = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"];

/** Every problem of these args with the kube components in `bin` (empty when all is known). */
export function argProblems(bin: string, version: string, args: ExtraArg[]): string[] {
  return kubeComponents.flatMap((c) => (args.some((a) => a.component === c) ? unknownToComponent(c, version, componentHelp(`${bin}/${c}`), args) : []));
}

/** Throws, naming every problem, when an extra arg is unknown to the version in `bin`. */
export function checkExtraArgs(bin: string, version: string, args: ExtraArg[], source = "KUBEPROOF_EXTRA_ARGS"): void {
  const errors = argProblems(bin, version, args);
  if (errors.length) throw new Error(`${source}: ${errors.join("; ")}`);
}
