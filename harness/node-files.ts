// Files on a node, for hostPath and emptyDir checks: where a volume's data really lives. On the
// local provider the controller manager (hostPath provisioner, deleter) runs on this host, so
// node:fs sees its files; on kind a node is a container and the files are reached through
// `docker exec` (not exercised yet: no kind provider on this machine). Specs call requires first.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { ClusterInfo } from "./cluster/types.js";

const run = promisify(execFile);

export interface NodeFiles {
  /** Whether the path exists on the node. */
  exists(p: string): Promise<boolean>;
  /** Writes a file (parents created). */
  write(p: string, content: string): Promise<void>;
  /** Removes a file or directory tree (no error if absent). */
  remove(p: string): Promise<void>;
  /** A fresh directory under /tmp (so the hostPath deleter may remove it), removed after the test. */
  scratchDir(label: string): Promise<string>;
}

interface Owner {
  readonly cluster: ClusterInfo;
  defer(what: string, fn: () => Promise<void>): void;
}

/**
 * The filesystem of a node. Without a node name: the host of the controller manager (where the
 * in-tree hostPath provisioner creates and the deleter removes directories).
 */
export function nodeFiles(k: Owner, node?: string): NodeFiles {
  const mode = k.cluster.capabilities.nodeFilesystem;
  if (mode === "none") throw new Error(`provider ${k.cluster.provider} gives no access to node files (call k.requires("nodeFilesystem", ...) first)`);
  const ops = mode === "host" ? hostOps() : dockerOps(node ?? `${k.cluster.name}-control-plane`);
  return {
    ...ops,
    async scratchDir(label) {
      const dir = path.posix.join("/tmp", `kubeproof-${label}-${randomBytes(4).toString("hex")}`);
      await ops.mkdir(dir);
      k.defer(`node directory ${dir}`, () => ops.remove(dir));
      return dir;
    },
  };
}

interface Ops {
  exists(p: string): Promise<boolean>;
  write(p: string, content: string): Promise<void>;
  mkdir(p: string): Promise<void>;
  remove(p: string): Promise<void>;
}

function hostOps(): Ops {
  return {
    exists: async (p) => existsSync(p),
    async write(p, content) {
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, content);
    },
    mkdir: async (p) => void mkdirSync(p, { recursive: true }),
    remove: async (p) => rmSync(p, { recursive: true, force: true }),
  };
}

function dockerOps(container: string): Ops {
  const sh = (script: string, ...args: string[]) => run("docker", ["exec", container, "sh", "-c", script, "sh", ...args]);
  return {
    async exists(p) {
      const r = await sh('test -e "$1" && echo yes || echo no', p);
      return r.stdout.trim() === "yes";
    },
    async write(p, content) {
      await sh('mkdir -p "$(dirname "$1")" && printf %s "$2" > "$1"', p, content);
    },
    mkdir: async (p) => void (await sh('mkdir -p "$1"', p)),
    remove: async (p) => void (await sh('rm -rf "$1"', p)),
  };
}
