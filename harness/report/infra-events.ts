// The run's infrastructure events (reports/infra-events.jsonl): what happened to the cluster that
// was not a test's doing, e.g. a control-plane process the supervisor restarted. Written by the
// provider, counted by the run summary apart from test retries.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { reportsDir } from "../cluster/paths.ts";

export interface InfraEvent {
  at: string;
  cluster: string;
  component: string;
  pid: number;
  action: string;
  logTail: string[];
}

export const infraEventsFile = () => path.join(reportsDir, "infra-events.jsonl");

export function readInfraEvents(): InfraEvent[] {
  const f = infraEventsFile();
  if (!existsSync(f)) return [];
  return readFileSync(f, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as InfraEvent);
}
