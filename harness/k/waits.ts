// k.wait and k.never: named waits and negatives, each a step in the report and a line in the
// repro script, ended at once as an infrastructure problem when a pod cannot get its image.
import type { Api } from "../api/client.js";
import { imageTrouble } from "../record/image-trouble.js";
import type { Recorder } from "../record/recorder.js";
import type { Transcript } from "../record/repro.js";
import { recordWait } from "../report/wait-times.js";
import { timeoutFor } from "../timeouts.js";
import { never, waitFor, WaitError } from "../wait/wait.js";
import type { Kube } from "./kube.js";
import { step } from "./step.js";

export function waitsOf(c: { api: Api; rec: Recorder; transcript: Transcript; test: string }): Pick<Kube, "wait" | "never"> {
  /** Runs a wait that ends at once, as an infrastructure problem, if a pod of the test cannot get its image. */
  const whileImagesArrive = async <T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const ac = new AbortController();
    const check = () => {
      const trouble = ac.signal.aborted ? undefined : imageTrouble(c.rec.last.values());
      if (trouble) ac.abort(trouble);
    };
    const off = c.rec.onChange(check);
    check();
    try {
      return await run(ac.signal);
    } finally {
      off();
    }
  };
  return {
    wait: (cond) => {
      const timeoutMs = timeoutFor(cond.timeout);
      c.transcript.waited(cond.description, timeoutMs);
      return step(`wait for ${cond.description}`, async () => {
        const started = Date.now();
        let met = false;
        try {
          const r = await whileImagesArrive((signal) => waitFor(c.api, cond, { signal }));
          met = true;
          return r;
        } catch (e) {
          // A wait that ran out says what the cluster complained about meanwhile, when it did.
          const warnings = c.rec.warnings();
          if (e instanceof WaitError && e.category === "timeout" && warnings.length) e.message += `\nWarning events: ${warnings.join("; ")}`;
          throw e;
        } finally {
          recordWait({ row: cond.timeout, what: cond.description, test: c.test, ms: Date.now() - started, timeoutMs, met });
        }
      });
    },
    never: (cond, window) => {
      const windowMs = typeof window === "number" ? window : timeoutFor(window ?? "quietPeriod");
      c.transcript.watchedFor(cond.description, windowMs);
      return step(`make sure ${cond.description} does not happen`, () => whileImagesArrive((signal) => never(c.api, cond, windowMs, signal)));
    },
  };
}
