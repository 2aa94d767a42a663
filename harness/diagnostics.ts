// Evidence attached to the report when a test fails: namespace events in time order, dumps of
// every object the test touched (last observed state), the timeline as text and picture, and
// logs (harness/logs.ts: the pods' containers, or the local control plane's components), and a
// script that does again what the test did (harness/repro.ts).
import { attachment } from "allure-js-commons";
import { stringify } from "yaml";
import type { Recorder } from "./recorder.js";
import type { Transcript } from "./repro.js";
import { timelineSvg } from "./timeline.js";
import { tidy } from "./wait/wait.js";

export async function attachTimeline(rec: Recorder, title: string): Promise<void> {
  await attachment("timeline.svg", timelineSvg(rec.entries, title, Date.now() - rec.started), "image/svg+xml");
  await attachment("timeline.txt", rec.text() || "(no transitions recorded)", "text/plain");
  await attachment("timeline.json", JSON.stringify(rec.entries, null, 1), "application/json");
}

export async function attachDiagnostics(rec: Recorder, title: string, logs?: () => Promise<string>, transcript?: Transcript): Promise<void> {
  await attachment("events.txt", rec.events().join("\n") || "(no events in the namespace)", "text/plain");
  const dumps = [...rec.last.values()]
    .filter((o) => o.kind !== "Event" && o.kind !== "Node")
    .map((o) => stringify(tidy(o)))
    .join("---\n");
  await attachment("objects.yaml", dumps || "(no objects)", "text/yaml");
  await attachTimeline(rec, title);
  if (rec.errors.length) await attachment("recorder-errors.txt", rec.errors.join("\n"), "text/plain");
  if (transcript && !transcript.empty) await attachment("repro.sh", transcript.script(title), "text/x-shellscript");
  if (logs) {
    try {
      await attachment("logs.txt", await logs(), "text/plain");
    } catch (e) {
      await attachment("logs.txt", `could not collect logs: ${String(e)}`, "text/plain");
    }
  }
}
