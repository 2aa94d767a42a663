// Evidence attached to the report when a test fails: the timeline picture, the Warning events,
// namespace events in time order, dumps of every object the test touched (last observed state),
// the timeline as text, and logs (harness/record/logs.ts: the pods' containers, or the local control plane's components), and a
// script that does again what the test did (harness/record/repro.ts).
import { attachment, step } from "allure-js-commons";
import { stringify } from "../deps/yaml.ts";
import type { Recorder } from "./recorder.ts";
import type { Transcript } from "./repro.ts";
import { timelineSvg } from "./timeline.ts";
import { tidy } from "../wait/wait.ts";

export async function attachTimeline(rec: Recorder, title: string): Promise<void> {
  await attachment("timeline.svg", timelineSvg(rec.entries, title, Date.now() - rec.started), "image/svg+xml");
  await rawTimeline(rec);
}

async function rawTimeline(rec: Recorder): Promise<void> {
  await attachment("timeline.txt", rec.text() || "(no transitions recorded)", "text/plain");
  await attachment("timeline.json", JSON.stringify(rec.entries, null, 1), "application/json");
}

/**
 * A failed test's evidence, cause first: the timeline picture, the Warning events of its
 * namespace, every event; then, inside a step a reader opens on purpose, the raw material
 * (object dumps, the timeline as text and JSON, watch errors, the repro script, logs).
 */
export async function attachDiagnostics(rec: Recorder, title: string, logs?: () => Promise<string>, transcript?: Transcript): Promise<void> {
  await attachment("timeline.svg", timelineSvg(rec.entries, title, Date.now() - rec.started), "image/svg+xml");
  const warnings = rec.warnings(Infinity);
  await attachment("warning-events.txt", warnings.join("\n") || "(no Warning events about the test's objects)", "text/plain");
  await attachment("events.txt", rec.events().join("\n") || "(no events in the namespace)", "text/plain");
  await step("raw evidence: objects, timeline, watch errors, repro script, logs", async () => {
    const dumps = [...rec.last.values()]
      .filter((o) => o.kind !== "Event" && o.kind !== "Node")
      .map((o) => stringify(tidy(o)))
      .join("---\n");
    await attachment("objects.yaml", dumps || "(no objects)", "text/yaml");
    await rawTimeline(rec);
    if (rec.errors.length) await attachment("recorder-errors.txt", rec.errors.join("\n"), "text/plain");
    if (transcript && !transcript.empty) await attachment("repro.sh", transcript.script(title), "text/x-shellscript");
    if (logs) {
      try {
        await attachment("logs.txt", await logs(), "text/plain");
      } catch (e) {
        await attachment("logs.txt", `could not collect logs: ${String(e)}`, "text/plain");
      }
    }
  });
}
