// Copied into each action folder by scripts/rehearse/rehearse.ts (act runs an action from a copy of
// its folder alone), so the stand-ins import it as ./ (../ from a sub-action).
// What every stand-in action shares: its inputs, outputs, state and PATH through the files and
// variables the runner gives an action (GITHUB_PATH, GITHUB_OUTPUT, GITHUB_STATE, INPUT_*), and
// the rehearsal's folders (KUBEPROOF_REHEARSAL_DIR: the caches, artifacts and tools the
// rehearsal's jobs share, as GitHub's services would).
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export function input(name, fallback = "") {
  const v = process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`];
  return v === undefined || v === "" ? fallback : v;
}

/** A multi-line input's lines, trimmed, blank ones dropped. */
export const lines = (s) => s.split("\n").map((l) => l.trim()).filter(Boolean);

export function rehearsalDir(...parts) {
  const root = process.env.KUBEPROOF_REHEARSAL_DIR;
  if (!root) throw new Error("KUBEPROOF_REHEARSAL_DIR is not set: this stand-in runs inside `npm run rehearse` only");
  return path.join(root, ...parts);
}

/** This rehearsal's own folder (its artifacts, its Pages site). */
export const runDir = (...parts) => rehearsalDir("runs", process.env.KUBEPROOF_REHEARSAL_RUN ?? "0", ...parts);

export const addPath = (dir) => appendFileSync(process.env.GITHUB_PATH, `${dir}\n`);
export const setOutput = (name, value) => appendFileSync(process.env.GITHUB_OUTPUT, `${name}=${value}\n`);
export const saveState = (name, value) => appendFileSync(process.env.GITHUB_STATE, `${name}=${value}\n`);
export const state = (name) => process.env[`STATE_${name}`] ?? "";

/** ~ as the runner's home, relative to the workspace. */
export function resolvePath(p) {
  const home = p === "~" || p.startsWith("~/") ? path.join(os.homedir(), p.slice(1)) : p;
  return path.resolve(process.env.GITHUB_WORKSPACE ?? process.cwd(), home);
}

export function copyInto(src, dst) {
  mkdirSync(path.dirname(dst), { recursive: true });
  cpSync(src, dst, { recursive: true, force: true, verbatimSymlinks: true });
}

export function replaceWith(src, dst) {
  rmSync(dst, { recursive: true, force: true });
  copyInto(src, dst);
}

export const isDir = (p) => existsSync(p) && statSync(p).isDirectory();
export const list = (dir) => (isDir(dir) ? readdirSync(dir) : []);

export function log(action, message) {
  console.log(`[stand-in ${action}] ${message}`);
}

export function fail(action, message) {
  console.log(`::error::[stand-in ${action}] ${message}`);
  process.exit(1);
}
