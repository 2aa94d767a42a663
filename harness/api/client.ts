// A small REST layer over the apiserver. client-node's typed APIs hide the raw Status of a
// failed request; conformance checks need it exactly (code, reason, message), so every call goes
// through here and failures become ApiError with the parsed Status.
import type https from "node:https";
import { admissionRefusal, suiteBlind, type Blame } from "../failures.ts";
import { plainKubeconfig, loadKubeconfig, type Kubeconfig } from "./kubeconfig.ts";
import { Transport, type Opened, type Prepared } from "./transport.ts";

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    generateName?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[];
    creationTimestamp?: string;
    deletionTimestamp?: string;
    finalizers?: string[];
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface KubeList<T = KubeObject> {
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}

export interface Status {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: unknown;
}

/** The field manager every object the suite applies is written under. */
export const fieldManager = "kubeproof";

export class ApiError extends Error {
  readonly method: string;
  readonly path: string;
  readonly code: number;
  readonly status: Status;
  /** Who failed where it is known from the answer alone (an uncaught refusal of another kind is the suite's). */
  readonly blame?: Blame;
  constructor(method: string, path: string, code: number, status: Status) {
    // A 5xx is an API that did not serve the request (an aggregated API whose server is down
    // answers 503): what the suite could not read, never what the cluster answered about a claim.
    const unserved = code >= 500 ? `${suiteBlind.apiUnavailable} ` : "";
    // RBAC's refusal names the user and the verb it may not use: the suite's want of a permission
    // (kubeproof on a cluster that grants it less), not the cluster refusing a tutorial's object.
    const denied = code === 403 && /\bcannot [a-z]+ resource\b/.test(status.message ?? "") ? `${suiteBlind.permissionDenied} ` : "";
    super(`${unserved}${denied}${method} ${path} -> ${code} ${status.reason ?? ""}: ${status.message ?? "(no message)"}`);
    this.name = "ApiError";
    this.method = method;
    this.path = path;
    this.code = code;
    this.status = status;
    if (unserved) this.blame = { on: "suite", failure: "blind" };
    else if (denied) this.blame = { on: "suite", failure: "permission" };
    else if (admissionRefusal(code, status.message)) this.blame = { on: "cluster", evidence: "admission" };
  }
  get reason(): string | undefined {
    return this.status.reason;
  }
}

export interface ResourceInfo {
  /** URL path segment, e.g. "pods". */
  plural: string;
  namespaced: boolean;
  group: string;
  version: string;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /** What to ask the apiserver for (default application/json; a Table: application/json;as=Table;v=v1;g=meta.k8s.io). */
  accept?: string;
}

/** How often a request turned away with 429 is sent again (client-go's default is 10). */
export const throttleRetries = 10;

/** Retry-After in seconds when the server gave one, else a growing delay; with jitter, capped. */
export function retryDelayMs(retryAfter: string | undefined, attempt: number): number {
  const given = retryAfter === undefined || retryAfter.trim() === "" ? NaN : Number(retryAfter);
  const base = Number.isFinite(given) && given >= 0 ? given * 1000 : 250 * 2 ** attempt;
  return Math.min(base, 10_000) * (0.75 + Math.random() / 2);
}

export class Api {
  private readonly discovery = new Map<string, Promise<Map<string, ResourceInfo>>>();
  requests = 0;
  /** Requests the apiserver turned away with 429 and that were sent again. */
  throttled = 0;
  private readonly config: Promise<Kubeconfig>;
  private resolved?: { kubeconfig: Kubeconfig; server: URL; transport: Transport };

  /** A kubeconfig read already, or being read (its errors come out of the first request). */
  constructor(kubeconfig: Kubeconfig | Promise<Kubeconfig>) {
    this.config = Promise.resolve(kubeconfig);
    this.config.catch(() => undefined);
  }

  /** Connections opened (a request on a kept one opens none). */
  get connections(): number {
    return this.resolved?.transport.connections ?? 0;
  }

  /** The kubeconfig of a file: a plain one read at once, any other by client-node (harness/api/kubeconfig.ts). */
  static fromFile(file: string): Api {
    return new Api(plainKubeconfig(file) ?? loadKubeconfig(file));
  }

  /** Where requests go and how, once the kubeconfig is read. */
  private async ready(): Promise<NonNullable<Api["resolved"]>> {
    if (this.resolved) return this.resolved;
    const kubeconfig = await this.config;
    const server = new URL(kubeconfig.server);
    return (this.resolved ??= { kubeconfig, server, transport: new Transport(server, kubeconfig.proxied) });
  }

  /** The TLS identity and headers of one request, as the kubeconfig gives them (tokens renewed). */
  private async prepared(kubeconfig: Kubeconfig, accept: string): Promise<Prepared> {
    const opts: https.RequestOptions = { headers: { Accept: accept } };
    await kubeconfig.apply(opts);
    return opts as Prepared;
  }

  private url(server: URL, path: string, query: RequestOptions["query"]): URL {
    const url = new URL(path, server);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const { kubeconfig, server, transport } = await this.ready();
    const url = this.url(server, path, opts.query);
    const prepared = await this.prepared(kubeconfig, opts.accept ?? "application/json");
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    if (payload !== undefined) prepared.headers["Content-Type"] = opts.contentType ?? "application/json";
    const send = () => {
      this.requests++;
      return transport.exchange(method, url, prepared, payload, 60_000);
    };
    let { code, text, retryAfter } = await send();
    // API Priority and Fairness turns requests away with 429 when its queues for this user are
    // full (kind's admin is not exempt: a burst of test starts filled them, and a flight recorder
    // that could not list went blind). A 429 was never executed, so any method may be sent again;
    // client-go does the same, after the Retry-After the server gave.
    for (let attempt = 1; code === 429 && attempt <= throttleRetries; attempt++) {
      this.throttled++;
      await new Promise((r) => setTimeout(r, retryDelayMs(retryAfter, attempt)));
      ({ code, text, retryAfter } = await send());
    }
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = { message: text };
    }
    if (code < 200 || code >= 300) {
      throw new ApiError(method, url.pathname + url.search, code, (parsed as Status) ?? { message: text });
    }
    return parsed as T;
  }

  /** Discovery of one group/version, cached: kind -> resource. */
  private resources(apiVersion: string): Promise<Map<string, ResourceInfo>> {
    let p = this.discovery.get(apiVersion);
    if (!p) {
      const [group, version] = apiVersion.includes("/") ? (apiVersion.split("/") as [string, string]) : ["", apiVersion];
      const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
      p = this.request<{ resources: { name: string; kind: string; namespaced: boolean }[] }>("GET", path).then((r) => {
        const m = new Map<string, ResourceInfo>();
        for (const res of r.resources) {
          if (res.name.includes("/")) continue; // subresources
          m.set(res.kind, { plural: res.name, namespaced: res.namespaced, group, version });
        }
        return m;
      });
      p.catch(() => this.discovery.delete(apiVersion));
      this.discovery.set(apiVersion, p);
    }
    return p;
  }

  /** Whether the cluster serves the kind in that version (discovery; other errors are thrown). */
  async serves(apiVersion: string, kind: string): Promise<boolean> {
    try {
      return (await this.resources(apiVersion)).has(kind);
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return false;
      throw e;
    }
  }

  async resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    let m: Map<string, ResourceInfo>;
    try {
      m = await this.resources(apiVersion);
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) throw new Error(`unknown apiVersion "${apiVersion}" (the cluster does not serve it)`, { cause: e });
      throw e;
    }
    const info = m.get(kind);
    if (!info) throw new Error(`unknown kind "${kind}" in ${apiVersion} (the cluster serves: ${[...m.keys()].sort().join(", ")})`);
    return info;
  }

  /** The collection path of a kind, optionally in a namespace, optionally of one object. */
  async path(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> {
    const r = await this.resource(apiVersion, kind);
    const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
    const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
    return `${base}${ns}/${r.plural}${name ? `/${encodeURIComponent(name)}` : ""}`;
  }

  /**
   * Opens a watch of a collection path: each line of the stream (one event) goes to `onLine`.
   * Resolves once the server answered; an answer other than 200 (410 Gone, 429) comes back whole.
   * A stream `idleMs` without a byte is closed as over (the server sends bookmarks; a quiet one
   * is resumed by its caller).
   */
  async openWatch(path: string, query: RequestOptions["query"], onLine: (line: string) => void, idleMs: number): Promise<Opened> {
    const { kubeconfig, server, transport } = await this.ready();
    this.requests++;
    return transport.stream(this.url(server, path, { ...query, watch: true }), await this.prepared(kubeconfig, "application/json"), onLine, idleMs);
  }

  async get<T extends KubeObject>(apiVersion: string, kind: string, name: string, namespace?: string): Promise<T> {
    return this.request<T>("GET", await this.path(apiVersion, kind, namespace, name));
  }

  async getOrNull<T extends KubeObject>(apiVersion: string, kind: string, name: string, namespace?: string): Promise<T | null> {
    try {
      return await this.get<T>(apiVersion, kind, name, namespace);
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return null;
      throw e;
    }
  }

  async list<T extends KubeObject>(
    apiVersion: string,
    kind: string,
    opts: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {},
  ): Promise<KubeList<T>> {
    return this.request<KubeList<T>>("GET", await this.path(apiVersion, kind, opts.namespace), {
      query: { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector },
    });
  }

  async create<T extends KubeObject>(obj: T, query?: RequestOptions["query"]): Promise<T> {
    const { apiVersion, kind } = typeOf(obj);
    return this.request<T>("POST", await this.path(apiVersion, kind, obj.metadata.namespace), { body: obj, query });
  }

  /** Server-side apply under one field manager; `force` takes over conflicting fields. */
  async apply<T extends KubeObject>(obj: T, opts: { fieldManager: string; dryRun?: boolean }): Promise<T> {
    const { apiVersion, kind } = typeOf(obj);
    if (!obj.metadata.name) throw new Error(`${kind}: server-side apply needs metadata.name`);
    return this.request<T>("PATCH", await this.path(apiVersion, kind, obj.metadata.namespace, obj.metadata.name), {
      body: obj,
      contentType: "application/apply-patch+yaml",
      query: { fieldManager: opts.fieldManager, force: true, dryRun: opts.dryRun ? "All" : undefined, fieldValidation: "Strict" },
    });
  }

  async patch<T extends KubeObject>(
    ref: { apiVersion: string; kind: string; name: string; namespace?: string },
    body: unknown,
    type: "merge" | "json" | "strategic" = "merge",
    subresource?: string,
  ): Promise<T> {
    const ct = { merge: "application/merge-patch+json", json: "application/json-patch+json", strategic: "application/strategic-merge-patch+json" }[type];
    const p = await this.path(ref.apiVersion, ref.kind, ref.namespace, ref.name);
    return this.request<T>("PATCH", subresource ? `${p}/${subresource}` : p, { body, contentType: ct });
  }

  /**
   * Deletes one object. `propagationPolicy` undefined sends no DeleteOptions body at all, which is
   * what a plain API client does (and differs from kubectl's default for some kinds).
   */
  async delete(
    ref: { apiVersion: string; kind: string; name: string; namespace?: string },
    propagationPolicy?: "Background" | "Foreground" | "Orphan",
  ): Promise<void> {
    const p = await this.path(ref.apiVersion, ref.kind, ref.namespace, ref.name);
    await this.request("DELETE", p, propagationPolicy ? { body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy } } : {});
  }
}

export function typeOf(obj: KubeObject): { apiVersion: string; kind: string } {
  if (!obj.apiVersion || !obj.kind) throw new Error(`object ${obj.metadata?.name ?? "(unnamed)"} has no apiVersion/kind`);
  return { apiVersion: obj.apiVersion, kind: obj.kind };
}

