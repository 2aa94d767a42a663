// What one run left in reports/summary-<project>.json: written by the summary reporter, read by
// the CI's closing line (scripts/summary.ts), the benchmark and the self-test. One type for all.
import { existsSync, readFileSync } from "node:fs";
import type { InfraEvent } from "./infra-events.ts";
import type { Verdict } from "./ledger.ts";
import type { RowFigures } from "./wait-times.ts";
import type { PodStartFigures } from "../record/pod-starts.ts";

export interface TestTime {
  name: string;
  project: string;
  state: string;
  ms: number;
  retries: number;
}

export interface Topic {
  tests: TestTime[];
  requests?: number;
  /** Requests the apiserver turned away with 429 (sent again after its Retry-After). */
  throttled?: number;
  passed: number;
  failed: number;
  skipped: number;
  /** Tests a filter left out (not run: neither skipped nor evidence). */
  unselected: number;
  durationMs: number;
  skips: string[];
  failures: string[];
}

export interface RunSummary {
  project: string;
  finishedAt: string;
  wallMs: number;
  /** The chain of waits nothing can overlap: the slowest test of the parallel groups plus every serial test. */
  criticalPathMs: number;
  /** The run's floor: its slowest test. Wall time is judged as a ratio to it. */
  floorMs: number;
  retries: number;
  passed: number;
  failed: number;
  skipped: number;
  infraEvents: InfraEvent[];
  cluster?: {
    provider?: string;
    kubeVersion?: string;
    startMs?: number;
    phases?: Record<string, number>;
    /** Whether the spec files that change cluster-wide state had clusters of their own (harness/run/projects.ts). */
    ownClustersForSharedState?: boolean;
    /** Whether those files ran beside the others (false: after them, on the one cluster). */
    sharedStateBeside?: boolean;
  };
  claims?: { verdicts: Partial<Record<Verdict, number>>; rows: { claim: string; verdict: Verdict; detail: string }[] };
  waits: Record<string, RowFigures>;
  /** Where pods' starts went, phase by phase (pods a real kubelet started). */
  podStarts?: PodStartFigures;
  /** How test starts were paced to the nodes' start backlog (harness/k/pace.ts), where a real kubelet runs pods. */
  pacing?: Pacing;
  topics: Record<string, Topic>;
}

/** The summary a run wrote, or undefined where the run left none. */
export function readRunSummary(file: string): RunSummary | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as RunSummary) : undefined;
}

export interface Pacing {
  /** Pods that may be queued on the nodes when a test starts, from the cores of their machines. */
  limit: number;
  cores: number;
  machines: number;
  tests: number;
  /** Tests that waited more than 2 s, all they waited, the longest, and those that started without room. */
  waited: number;
  waitedMs: number;
  longest?: { test: string; ms: number };
  gaveUp: number;
}
