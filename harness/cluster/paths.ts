import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const cacheDir = process.env.KUBEPROOF_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "kubeproof");
export const reportsDir = path.resolve(repoRoot, process.env.KUBEPROOF_REPORTS_DIR ?? "reports");
