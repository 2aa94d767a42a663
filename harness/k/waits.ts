// k.wait and k.never: named waits and negatives, each a step in the report and a line in the
// repro script, ended at once as an infrastructure problem when a pod cannot get its image.
import type { Api } from "../api/client.ts";
import { imageTrouble } from "../record/image-trouble.ts";
import { podStarts, podStartScale, podStartsOfFile, slowPodStartMs, slowStarts } from "../record/pod-starts.ts";
import type { PodBacklog } from "../record/pod-backlog.ts";
import type { Recorder } from "../record/recorder.ts";
import type { Transcript } from "../record/repro.ts";
import { recordWait } from "../report/wait-times.ts";
import { podBoundRows, timeoutFor, type TimeoutKind } from "../timeouts.ts";
import { never, timeoutOf, waitFor, WaitError } from "../wait/wait.ts";
import type { Evidence } from "../wait/observability.ts";
import type { Node } from "../api/kinds.ts";
import { readInfraEvents } from "../report/infra-events.ts";
import { addedByTaint } from "../api/ownership.ts";
import { suiteBlind } from "../failures.ts";
import type { Kube } from "./kube.ts";
import { step } from "./step.ts";


/**
 * What the suite could see of the cluster while a wait ran (since `since`): the flight recorder's
 * gaps, the supervisor's infrastructure events, and a node list asked now (the apiserver answers,
 * how fast, nodes Ready). Nodes a test made for itself (their names end with its suffix) are its
 * subject, not the suite's eyes, and are left out.
 */
export function evidenceOf(api: Api, rec: Recorder, suffix: string, helpers?: PodBacklog): (since: number) => Promise<Omit<Evidence, "suiteNeeds" | "notServed">> {
  return async (since) => {
    const gaps = rec.gaps.filter((g) => rec.started + g.t >= since).map((g) => `the flight recorder at ${(g.t / 1000).toFixed(1)} s: ${g.message}`);
    // The metrics servers are add-ons the suite brings: their failures show where they matter, as
    // an API that answers 5xx or an APIService not Available (both the suite's), not in every wait.
    const infrastructure = readInfraEvents()
      .filter((e) => Date.parse(e.at) >= since && !/metrics/.test(e.component))
      .map((e) => `${e.component} ${e.action} at ${e.at}`);
    const t0 = Date.now();
    let nodes: Evidence["nodes"];
    try {
      const list = await api.list<Node>("v1", "Node");
      const ms = Date.now() - t0;
      // A node any test added (joining, leaving, cordoned) is that test's subject: no other test's pods run there.
      const theirs = list.items.filter((n) => !n.metadata.name?.endsWith(suffix) && !n.spec?.taints?.some((t) => t.key === addedByTaint));
      const ready = (n: Node) => n.status?.conditions?.find((x) => x.type === "Ready")?.status === "True";
      nodes = { ms, count: theirs.length, notReady: theirs.filter((n) => !ready(n)).map((n) => n.metadata.name!) };
    } catch (e) {
      nodes = { error: (e as Error).message.split("\n")[0]!.slice(0, 200) };
    }
    // The cluster's own controllers told that an aggregated API the suite brings did not serve them
    // (the HPA's FailedGetResourceMetric "the server is currently unable to handle the request":
    // the aggregator's 503 for metrics-server down): the controller had nothing to act on.
    const unserved = new Map<string, string>();
    for (const e of rec.entries) {
      const ev = e.kind === "Event" && rec.started + e.t >= since ? e.facts.event : undefined;
      if (ev && /the server is currently unable to handle the request/.test(ev.message)) unserved.set(`${ev.about} ${ev.reason}`, ev.message.slice(0, 200));
    }
    const apisUnserved = [...unserved].map(([what, message]) => `${what}: ${message}`);
    const now = Date.now();
    const helperStarts = helpers?.slowStarts((ns) => !ns.startsWith("kp-"), since, now, slowPodStartMs) ?? [];
    return { gaps, nodes, infrastructure, apisUnserved, slowStarts: [...slowStarts(rec.entries, since - rec.started, now - rec.started), ...helperStarts] };
  };
}

/**
 * Rows whose waits can stand on the cluster's own helper pods, outside the test's namespace: kind's
 * local-path provisioner makes each volume's directory with a pod in its own namespace, and on slow
 * nodes that pod's start was the whole wait (kind pinned to one core: a claim not Bound in 90 s
 * while its provisioner's helper pod waited for a sandbox, read as the cluster contradicting SC-1).
 */
const helperPodRows: ReadonlySet<TimeoutKind> = new Set(["volume"]);

export function waitsOf(c: { api: Api; rec: Recorder; backlog: PodBacklog; transcript: Transcript; test: string; suffix: string }): Pick<Kube, "wait" | "never"> {
  const ownEvidence = evidenceOf(c.api, c.rec, c.suffix);
  const helperEvidence = evidenceOf(c.api, c.rec, c.suffix, c.backlog);
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
      // A wait on pod starts follows the measured pod starts (bounded): a slow machine's nodes get
      // the time they need; past the bound the wait says the nodes were too slow. The scale is
      // taken when the wait starts and again when it runs out blind, from the file's own pods or
      // every pod its feed saw start on the nodes (the run's other files', the cluster's own),
      // whichever is slower: a file's first tests would otherwise start from no figure at all.
      // Rows whose waits stand on pods starting or stopping (harness/timeouts.ts); volume too, for a
      // provisioner's helper pods (98% of its 90 s on kind pinned to one core).
      const stretchable = podBoundRows.has(cond.timeout) && !cond.deadline;
      const base = timeoutOf(cond);
      const evidence = helperPodRows.has(cond.timeout) ? helperEvidence : ownEvidence;
      const scaleNow = () => {
        if (!stretchable) return { factor: 1, medianMs: 0, pods: 0 };
        const file = podStartScale([...podStartsOfFile(), ...podStarts(c.rec.entries)]);
        const nodes = podStartScale(c.backlog.finishedStarts());
        return nodes.factor > file.factor ? nodes : file;
      };
      let scale = scaleNow().factor;
      let timeoutMs = Math.round(base * scale);
      c.transcript.waited(cond.description, timeoutMs);
      return step(`wait for ${cond.description}`, async () => {
        const started = Date.now();
        let met = false;
        try {
          for (;;) {
            const left = timeoutMs - (Date.now() - started);
            try {
              const r = await whileImagesArrive((signal) => waitFor(c.api, cond, { signal, evidence, timeoutMs: left }));
              met = true;
              return r;
            } catch (e) {
              // Ran out while the suite could not tell, and the pods measured since say the nodes
              // are slower than when it started: it gets the stretched time, once per new figure.
              const now = scaleNow();
              const more = Math.round(base * now.factor);
              if (!(e instanceof WaitError && e.category === "timeout") || more <= timeoutMs) {
                // The last stretch's own length is not the wait's: the message gives the whole.
                if (e instanceof WaitError && e.category === "timeout") e.message = e.message.replace(/^Timed out after [\d.]+ s/, `${suiteBlind.timedOut}${((Date.now() - started) / 1000).toFixed(1)} s`);
                if (e instanceof WaitError && scale > 1) e.message += `\n(The wait had ${(timeoutMs / 1000).toFixed(1)} s in all: its row's ${(base / 1000).toFixed(1)} s stretched ${scale.toFixed(2)} x by this run's measured pod starts, median ${(now.medianMs / 1000).toFixed(1)} s over ${now.pods} pods.)`;
                throw e;
              }
              scale = now.factor;
              timeoutMs = more;
            }
          }
        } catch (e) {
          // A wait that ran out says what the cluster complained about meanwhile, when it did.
          const warnings = c.rec.warnings();
          if (e instanceof WaitError && (e.category === "timeout" || e.category === "deadline") && warnings.length) e.message += `\nWarning events: ${warnings.join("; ")}`;
          throw e;
        } finally {
          recordWait({ row: cond.timeout, what: cond.description, test: c.test, ms: Date.now() - started, timeoutMs, met, scale });
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
