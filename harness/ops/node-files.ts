// Files on a node, for hostPath and emptyDir checks: where a volume's data really lives. On the
// local provider the controller manager (hostPath provisioner, deleter) runs on this host, so
// node:fs sees its files; on kind a node is a container and the files are reached through
// `docker exec`, and the controller manager's own files (it runs in a shell-less container on the
// control-plane node) through /proc/<pid>/root of its process there. Specs call requires first.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Api } from "../api/client.ts";
import { nodeOps, type NodeOps } from "../cluster/node-ops.ts";
import type { ClusterInfo } from "../cluster/types.ts";
import { timeoutFor, type TimeoutKind } from "../timeouts.ts";


export interface NodeFiles {
  /** Whether the path exists on the node. */
  exists(p: string): Promise<boolean>;
  /** Writes a file (parents created). */
  write(p: string, content: string): Promise<void>;
  /** Removes a file or directory tree (no error if absent). */
  remove(p: string): Promise<void>;
  /** A fresh directory under /tmp (so the hostPath deleter may remove it), removed after the test. */
  scratchDir(label: string): Promise<string>;
  /**
   * Whether the path still exists once a whole timeout-table window has passed: for "the data is
   * kept", where the actor that would remove it (the PV deleter) acts on its own period. Removal
   * cannot be undone, so a look at the end of the window sees a removal at any time in it.
   */
  existsAfter(p: string, window: TimeoutKind): Promise<boolean>;
}

interface Owner {
  readonly cluster: ClusterInfo;
  readonly api: Api;
  defer(what: string, fn: () => Promise<void>): void;
}

/**
 * The filesystem of a node. Without a node name: the host of the controller manager (where the
 * in-tree hostPath provisioner creates and the deleter removes directories).
 */
export function nodeFiles(k: Owner, node?: string): NodeFiles {
  const mode = k.cluster.capabilities.nodeFilesystem;
  if (mode === "none") throw new Error(`provider ${k.cluster.provider} gives no access to node files (call k.requires("nodeFilesystem", ...) first)`);
  if (mode === "host") return withScratch(k, hostOps());
  const ops = nodeOps(k.cluster, k.api);
  return withScratch(k, shellOps(ops, node ?? ops.controlPlane));
}

/**
 * The filesystem the kube-controller-manager process sees: where the in-tree hostPath provisioner
 * creates directories and the deleter removes them.
 */
export function controllerManagerFiles(k: Owner): NodeFiles {
  if (!k.cluster.capabilities.controllerManagerFiles) {
    throw new Error(`provider ${k.cluster.provider} gives no access to the controller manager's files (call k.requires("controllerManagerFiles", ...) first)`);
  }
  if (k.cluster.capabilities.nodeFilesystem === "host") return withScratch(k, hostOps());
  // comm is cut to 15 characters: "kube-controller". The pid is looked up per call (a restarted
  // controller manager has a new one).
  const root = 'pid=; for p in /proc/[0-9]*; do [ "$(cat "$p/comm" 2>/dev/null)" = kube-controller ] && pid=${p#/proc/} && break; done; [ -n "$pid" ] || { echo "no kube-controller-manager process on the node" >&2; exit 2; }; r=/proc/$pid/root; ';
  const ops = nodeOps(k.cluster, k.api);
  return withScratch(k, shellOps(ops, ops.controlPlane, root, "$r"));
}

function withScratch(k: Owner, ops: Ops): NodeFiles {
  return {
    ...ops,
    async existsAfter(p, window) {
      await new Promise((r) => setTimeout(r, timeoutFor(window)));
      return ops.exists(p);
    },
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

/** Files through a shell on the node. `prelude` may set up a root directory that `root` (a shell expression) then prefixes to paths. */
function shellOps(ops: NodeOps, node: string, prelude = "", root = ""): Ops {
  const sh = async (script: string, ...args: string[]) => ({ stdout: await ops.exec(node, ["sh", "-c", prelude + script, "sh", ...args]) });
  return {
    async exists(p) {
      const r = await sh(`test -e "${root}$1" && echo yes || echo no`, p);
      return r.stdout.trim() === "yes";
    },
    async write(p, content) {
      await sh(`mkdir -p "$(dirname "${root}$1")" && printf %s "$2" > "${root}$1"`, p, content);
    },
    mkdir: async (p) => void (await sh(`mkdir -p "${root}$1"`, p)),
    remove: async (p) => void (await sh(`rm -rf "${root}$1"`, p)),
  };
}
