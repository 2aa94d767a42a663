// Where a kubeconfig sends requests and what it adds to each. A kubeconfig whose user is a client
// certificate or a token (what kind and kwokctl write, and most CI clusters) is read here; any other
// (an exec or auth-provider plugin, a proxy, basic auth, anything this does not know) is read by
// client-node's KubeConfig, with all its auth plugins. The split is for the processes that never
// meet such a kubeconfig: client-node's bundle costs each of them 40 ms of CPU and 10 MiB to load
// (vitest's main process and every test worker, 2026-12-07, polyglot).
import { readFileSync } from "node:fs";
import type https from "node:https";
import path from "node:path";
import { parse } from "../deps/yaml.ts";

export interface Kubeconfig {
  /** The current context's name. */
  readonly context: string;
  readonly server: string;
  /** Requests go through a proxy (HTTP/1.1, client-node's agent). */
  readonly proxied: boolean;
  /** Adds the TLS identity and the auth headers to a request's options. */
  apply(opts: https.RequestOptions): Promise<void>;
}

/** The kubeconfig of one file: read here when it is plain, by client-node otherwise. */
export async function loadKubeconfig(file: string): Promise<Kubeconfig> {
  return plainKubeconfig(file) ?? clientNodeKubeconfig(file);
}

/** client-node's reading of a kubeconfig file. */
async function clientNodeKubeconfig(file: string): Promise<Kubeconfig> {
  const { KubeConfig } = await import("../deps/client-node.ts");
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return fromKubeConfig(kc);
}

/** A kubeconfig client-node has read (or built: unit tests' listeners). */
export function fromKubeConfig(kc: import("../deps/client-node.ts").KubeConfig): Kubeconfig {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("kubeconfig has no current cluster");
  return { context: kc.getCurrentContext(), server: cluster.server, proxied: Boolean(cluster.proxyUrl), apply: (opts) => kc.applyToHTTPSOptions(opts) };
}

const plainCluster = new Set(["server", "certificate-authority", "certificate-authority-data", "insecure-skip-tls-verify", "tls-server-name"]);
const plainUser = new Set(["client-certificate", "client-certificate-data", "client-key", "client-key-data", "token"]);

/** The parts of a kubeconfig file read here. */
interface KubeconfigFile {
  "current-context"?: string;
  contexts?: { name: string; context?: { cluster?: string; user?: string } }[];
  clusters?: { name: string; cluster?: Record<string, unknown> }[];
  users?: { name: string; user?: Record<string, unknown> }[];
}

/** The kubeconfig read here, or undefined when it is not plain (client-node reads it then). */
export function plainKubeconfig(file: string): Kubeconfig | undefined {
  let doc: KubeconfigFile | null;
  try {
    doc = parse(readFileSync(file, "utf8")) as KubeconfigFile | null;
  } catch {
    return undefined; // client-node says what is wrong with it
  }
  if (!doc) return undefined;
  const current = doc["current-context"];
  const context = doc.contexts?.find((c) => c.name === current)?.context;
  const cluster = doc.clusters?.find((c) => c.name === context?.cluster)?.cluster;
  const user = doc.users?.find((u) => u.name === context?.user)?.user ?? {};
  if (!context || !cluster || typeof cluster.server !== "string") return undefined;
  if (!Object.keys(cluster).every((k) => plainCluster.has(k)) || !Object.keys(user).every((k) => plainUser.has(k))) return undefined;
  // Relative paths in a kubeconfig are relative to the file (as kubectl reads them).
  const material = (data: unknown, pathKey: unknown): Buffer | undefined => {
    if (typeof data === "string") return Buffer.from(data, "base64");
    if (typeof pathKey === "string") return readFileSync(path.resolve(path.dirname(file), pathKey));
    return undefined;
  };
  const ca = material(cluster["certificate-authority-data"], cluster["certificate-authority"]);
  const cert = material(user["client-certificate-data"], user["client-certificate"]);
  const key = material(user["client-key-data"], user["client-key"]);
  const insecure = cluster["insecure-skip-tls-verify"] === true;
  const servername = typeof cluster["tls-server-name"] === "string" ? cluster["tls-server-name"] : undefined;
  const token = typeof user.token === "string" ? user.token : undefined;
  return {
    context: current!,
    server: cluster.server,
    proxied: false,
    async apply(opts) {
      Object.assign(opts, { ...(ca && !insecure ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}), ...(servername ? { servername } : {}), ...(insecure ? { rejectUnauthorized: false } : {}) });
      if (token) opts.headers = { ...(opts.headers as Record<string, string>), Authorization: `Bearer ${token}` };
    },
  };
}
