// k.timeline: questions a spec asks of what the flight recorder saw.
import type { Recorder } from "../record/recorder.ts";
import { lifetimes } from "../record/timeline.ts";
import type { Kube } from "./kube.ts";
import { suiteBlind } from "../failures.ts";

export function timelineOf(rec: Recorder): Kube["timeline"] {
  return {
    caughtUp: (obj) => rec.caughtUp(obj),
    entries: () => rec.trusted(),
    pods: (filter) => lifetimes(rec.trusted(), "Pod", filter),
    of: (kind, filter) => lifetimes(rec.trusted(), kind, filter),
    podsEnded: (filter, atLeast = 1) => {
      const seen = () => lifetimes(rec.trusted(), "Pod", filter);
      return rec.until(
        () => {
          const ls = seen();
          return ls.length >= atLeast && ls.every((l) => l.ended !== undefined) ? ls : undefined;
        },
        () => `${suiteBlind.recorder}${atLeast} matching pods all ended within 30 s: ${seen().map((l) => `${l.name} ${l.states.at(-1)?.state}`).join(", ") || "none seen"}`,
      );
    },
    until: (what, fn) => rec.until(fn, () => `${suiteBlind.recorder}${what} within 30 s`),
    now: () => Date.now() - rec.started,
  };
}
