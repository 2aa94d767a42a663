// List-then-watch over one collection: the current objects, then every change from the list's
// resourceVersion. A 410 Gone (history compacted) re-lists. This is the only place that talks to
// the watch API; waits and the flight recorder both stand on it.
import { Watch } from "../api/client-node.js";
import { retryDelayMs, type Api, type KubeObject } from "../api/client.js";

export interface Selection {
  apiVersion: string;
  kind: string;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "SYNC";

export interface Observer {
  /** Called with each change; SYNC is the initial list (or a re-list after 410), one per object. */
  onEvent(type: WatchEventType, obj: KubeObject): void;
  onError?(err: unknown): void;
  /** After every complete list (the first and each re-list): objects not delivered since are gone. */
  onListed?(): void;
  /**
   * Events were missed: the watch could not resume from its resourceVersion (410 Gone, history
   * compacted) and re-lists. State is right again after the list; what happened in between is
   * lost. (A watch that merely ends or fails resumes from its resourceVersion and misses nothing.)
   */
  onGap?(why: string): void;
}

export interface Observation {
  stop(): void;
  /** Resolves once the initial list has been delivered. */
  ready: Promise<void>;
}

const watchSeconds = 300;

export function observe(api: Api, sel: Selection, observer: Observer): Observation {
  let stopped = false;
  let abort: AbortController | undefined;
  let resolveReady!: () => void;
  let rejectReady!: (e: unknown) => void;
  const ready = new Promise<void>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  ready.catch(() => undefined);
  let first = true;

  const run = async (): Promise<void> => {
    while (!stopped) {
      let rv: string | undefined;
      try {
        const list = await api.list(sel.apiVersion, sel.kind, sel);
        rv = list.metadata.resourceVersion;
        for (const item of list.items) observer.onEvent("SYNC", { ...item, apiVersion: sel.apiVersion, kind: sel.kind });
        observer.onListed?.();
        if (first) {
          first = false;
          resolveReady();
        }
      } catch (e) {
        if (first) {
          rejectReady(e);
          return;
        }
        observer.onError?.(e);
        await new Promise((r) => setTimeout(r, 1000)); // apiserver blip: back off before re-listing
        continue;
      }
      // Watch until the server closes, then resume from the last seen resourceVersion.
      let gone = false;
      let throttled = 0;
      while (!stopped && !gone) {
        const path = await api.path(sel.apiVersion, sel.kind, sel.namespace);
        const w = new Watch(api.kc);
        // client-node 2 ends a watch after 30 s without a byte (a field it keeps private); a quiet
        // collection is normal and the server ends the watch at timeoutSeconds anyway, so each
        // quiet watch would cost a request every 30 s for nothing.
        (w as unknown as { requestTimeoutMs: number }).requestTimeoutMs = (watchSeconds + 30) * 1000;
        api.requests++;
        await new Promise<void>((resolve) => {
          w.watch(
            path,
            {
              resourceVersion: rv,
              allowWatchBookmarks: true,
              labelSelector: sel.labelSelector,
              fieldSelector: sel.fieldSelector,
              timeoutSeconds: watchSeconds,
            },
            (type, obj: KubeObject & { code?: number }) => {
              if (type === "BOOKMARK") {
                rv = obj.metadata?.resourceVersion ?? rv;
                return;
              }
              if (type === "ERROR") {
                if (obj.code === 410) gone = true;
                else observer.onError?.(new Error(`watch error: ${JSON.stringify(obj)}`));
                return;
              }
              rv = obj.metadata?.resourceVersion ?? rv;
              observer.onEvent(type as WatchEventType, { ...obj, apiVersion: sel.apiVersion, kind: sel.kind });
            },
            (err: unknown) => {
              const code = (err as { statusCode?: number; code?: number } | null)?.statusCode;
              if (code === 410) gone = true;
              else if (code === 429) throttled++; // turned away by API Priority and Fairness: back off, then again
              else if (err && !stopped && !isAbort(err)) observer.onError?.(err);
              if (code !== 429) throttled = 0;
              resolve();
            },
          )
            .then((a) => {
              abort = a;
              if (stopped) a.abort();
            })
            .catch((err: unknown) => {
              if (!stopped) observer.onError?.(err);
              resolve();
            });
        });
        if (gone && !stopped) observer.onGap?.("the watch's resourceVersion was compacted away (410 Gone): re-listing");
        if (throttled) api.throttled++;
        if (!stopped && !gone) await new Promise((r) => setTimeout(r, throttled ? retryDelayMs(undefined, throttled) : 200));
      }
    }
  };
  void run();
  return {
    ready,
    stop() {
      stopped = true;
      abort?.abort();
    },
  };
}

function isAbort(err: unknown): boolean {
  const e = err as { name?: string; type?: string; message?: string };
  return e?.name === "AbortError" || e?.type === "aborted" || /aborted/i.test(e?.message ?? "");
}
