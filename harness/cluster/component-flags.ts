// What a component of this Kubernetes version accepts, read from its own --help: its flags, the
// controllers --controllers can name, the feature gates --feature-gates can name, the admission
// plugins. A flag, controller, gate or plugin a version no longer has stops that component at
// start with a line in its log; checked here first, the run fails at once with the name, the
// component's version and what it does know (gates removed in 1.37: JobPodReplacementPolicy,
// JobBackoffLimitPerIndex, JobSuccessPolicy).
import { execFileSync } from "node:child_process";
import type { ExtraArg } from "./extra-args.js";

export interface ComponentHelp {
  flags: Set<string>;
  controllers: Set<string>;
  gates: Set<string>;
  admissionPlugins: Set<string>;
}

/** Parses a kube component's --help text (pure: unit-tested on plain text). */
export function parseHelp(text: string): ComponentHelp {
  const flags = new Set([...text.matchAll(/^\s+(?:-\w, )?--([a-z0-9][a-z0-9-]*)\b/gm)].map((m) => m[1]!));
  const list = (re: RegExp) => new Set((re.exec(text)?.[1] ?? "").split(/,\s*/).map((s) => s.trim()).filter((s) => /^[A-Za-z0-9-]+$/.test(s)));
  return {
    flags,
    controllers: list(/All controllers: ([^\n]+)/),
    // "kube:JobSuccessPolicy=true|false (...)": gates, some with the component prefix 1.31 added
    gates: new Set([...text.matchAll(/^\s+(?:[a-z-]+:)?([A-Z][A-Za-z0-9]+)=true\|false/gm)].map((m) => m[1]!)),
    admissionPlugins: list(/Comma-delimited list of admission plugins: ([^.\n]+)/),
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
    if (a.key === "feature-gates" && help.gates.size) {
      const bad = names(a.value).map((g) => g.split("=")[0]!.replace(/^[a-z-]+:/, "")).filter((g) => !help.gates.has(g));
      if (bad.length) errors.push(`--feature-gates names ${bad.join(", ")}, which ${where} does not have (removed, or never a gate of this component)`);
    }
    if ((a.key === "disable-admission-plugins" || a.key === "enable-admission-plugins") && help.admissionPlugins.size) {
      const bad = names(a.value).filter((p) => !help.admissionPlugins.has(p));
      if (bad.length) errors.push(`--${a.key} names ${bad.join(", ")}, which ${where} does not have (it has: ${[...help.admissionPlugins].join(", ")})`);
    }
  }
  return errors;
}

const helpCache = new Map<string, ComponentHelp>();

/** The component binary's help, read once per binary. */
export function componentHelp(binary: string): ComponentHelp {
  let h = helpCache.get(binary);
  if (!h) {
    // --help prints to stdout and exits 0 on these components; a binary that cannot run throws here.
    h = parseHelp(execFileSync(binary, ["--help"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 }));
    helpCache.set(binary, h);
  }
  return h;
}

/** The kube components whose flags a run can set, as the toolchain names their binaries. */
export const kubeComponents = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"];

/** Throws, naming every problem, when an extra arg is unknown to the version in `bin`. */
export function checkExtraArgs(bin: string, version: string, args: ExtraArg[], source = "KUBEPROOF_EXTRA_ARGS"): void {
  const errors = kubeComponents.flatMap((c) => (args.some((a) => a.component === c) ? unknownToComponent(c, version, componentHelp(`${bin}/${c}`), args) : []));
  if (errors.length) throw new Error(`${source}: ${errors.join("; ")}`);
}
