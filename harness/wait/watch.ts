// List-then-watch over one collection: the current objects, then every change from the list's
// resourceVersion. A 410 Gone (history compacted) re-lists. This is the only place that talks to
// the watch API; waits and the flight recorder both stand on it.
import { retryDelayMs, type Api, type KubeObject } from "../api/client.ts";

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
  let close: (() => void) | undefined;
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
        const onLine = (line: string) => {
          let event: { type: string; object: KubeObject & { code?: number } };
          try {
            event = JSON.parse(line) as typeof event;
          } catch {
            observer.onError?.(new Error(`watch of ${sel.kind}: a line that is not JSON: ${line.slice(0, 200)}`));
            return;
          }
          const { type, object: obj } = event;
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
        };
        try {
          // The server ends the watch at timeoutSeconds; a stream quiet for longer than that (and
          // its bookmarks) is closed here and resumed.
          const opened = await api.openWatch(
            path,
            { resourceVersion: rv, allowWatchBookmarks: true, labelSelector: sel.labelSelector, fieldSelector: sel.fieldSelector, timeoutSeconds: watchSeconds },
            onLine,
            (watchSeconds + 30) * 1000,
          );
          if (opened.code === 410) gone = true;
          else if (opened.code === 429) throttled++; // turned away by API Priority and Fairness: back off, then again
          else if (opened.code !== 200 && !stopped) observer.onError?.(new Error(`watch of ${sel.kind} answered ${opened.code}: ${opened.text.slice(0, 300)}`));
          if (opened.code !== 429) throttled = 0;
          close = opened.close;
          if (stopped) opened.close();
          const broke = await opened.ended;
          if (broke && !stopped) observer.onError?.(broke);
        } catch (err) {
          if (!stopped) observer.onError?.(err);
        }
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
      close?.();
    },
  };
}
