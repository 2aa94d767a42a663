// Where a pod's start goes, read from a test's timeline (what the watches saw, when): from the
// pod's creation to its binding (the scheduler), to the kubelet's first image event (the kubelet
// admitting it and creating its sandbox), to the image being there (a pull, or "already
// present"), to the container started, to the Running phase reaching the apiserver (the kubelet's
// status report). Only pods a real kubelet started have every step; simulated ones have none.
import type { TimelineEntry } from "./timeline.ts";
import { maxPodStartScale } from "../timeouts.ts";

export const podStartPhases = ["schedule", "sandbox", "image", "start", "status"] as const;
export type PodStartPhase = (typeof podStartPhases)[number];

export interface PodStart {
  pod: string;
  /** Milliseconds of each phase; they add up to total. */
  phases: Record<PodStartPhase, number>;
  total: number;
}

/** Every pod of the timeline that went from creation to Running with each step seen. */
export function podStarts(entries: readonly TimelineEntry[]): PodStart[] {
  const out: PodStart[] = [];
  const pods = new Set(entries.filter((e) => e.kind === "Pod" && e.type === "ADDED").map((e) => e.name));
  for (const pod of pods) {
    const mine = entries.filter((e) => e.kind === "Pod" && e.name === pod);
    const events = entries.filter((e) => e.kind === "Event" && e.type !== "DELETED" && e.facts.event?.about === `Pod/${pod}`);
    const first = (xs: readonly TimelineEntry[], pick: (e: TimelineEntry) => boolean) => xs.find(pick)?.t;
    const created = first(mine, (e) => e.type === "ADDED");
    const bound = first(mine, (e) => e.facts.node !== undefined);
    const imageAsked = first(events, (e) => e.facts.event!.reason === "Pulling" || e.facts.event!.reason === "Pulled");
    const imageThere = first(events, (e) => e.facts.event!.reason === "Pulled");
    const started = first(events, (e) => e.facts.event!.reason === "Started");
    const running = first(mine, (e) => e.facts.phase === "Running" || e.facts.phase === "Succeeded" || e.facts.phase === "Failed");
    const steps = [created, bound, imageAsked, imageThere, started, running];
    if (steps.some((t) => t === undefined)) continue;
    // Each step no earlier than the one before: an Event can reach the watch after the status it
    // led to (the kubelet sends events in batches); that phase then counts as zero.
    const at = steps.map((t, i) => Math.max(t!, ...steps.slice(0, i).map((x) => x!)));
    const phases = Object.fromEntries(podStartPhases.map((p, i) => [p, at[i + 1]! - at[i]!])) as Record<PodStartPhase, number>;
    out.push({ pod, phases, total: at[5]! - at[0]! });
  }
  return out;
}

const starts: PodStart[] = [];

/** Adds a test's pod starts to this spec file's (module state is per file: vitest isolates files). */
export function recordPodStarts(list: readonly PodStart[]): void {
  starts.push(...list);
}

export function podStartsOfFile(): readonly PodStart[] {
  return starts;
}

export interface PodStartFigures {
  pods: number;
  median: Record<PodStartPhase | "total", number>;
  p90: Record<PodStartPhase | "total", number>;
}

/** Median and 90th percentile of each phase and of the total, over all pods; undefined for none. */
export function podStartFigures(all: readonly PodStart[]): PodStartFigures | undefined {
  if (all.length === 0) return undefined;
  const q = (xs: number[], p: number) => {
    // nearest rank
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.max(0, Math.ceil(p * s.length) - 1)]!;
  };
  const of = (p: number) =>
    Object.fromEntries([...podStartPhases.map((ph) => [ph, q(all.map((s) => s.phases[ph]), p)] as const), ["total", q(all.map((s) => s.total), p)] as const]) as Record<PodStartPhase | "total", number>;
  return { pods: all.length, median: of(0.5), p90: of(0.9) };
}

/**
 * A pod start (binding to Running) longer than this is a slow node: a kubelet starts a pod whose
 * image is there in a few seconds (kind on a developer's 2 cores: median 5-8 s under a full run,
 * 90th percentile about 20 s). A wait that ran out while such starts were under way could not
 * tell a slow machine from a cluster that failed to act.
 */
export const slowPodStartMs = 10_000;

/**
 * The pods of a timeline whose start (from binding to Running) overlapped [from, to] (timeline
 * ms) and took, or by `to` had taken, longer than slowPodStartMs: each with what was seen. Pods
 * not bound yet are the scheduler's, not a slow node's; pods gone before Running are not counted.
 */
export function slowStarts(entries: readonly TimelineEntry[], from: number, to: number): string[] {
  const out: string[] = [];
  const uids = new Set(entries.filter((e) => e.kind === "Pod").map((e) => e.uid ?? e.name));
  for (const uid of uids) {
    const mine = entries.filter((e) => e.kind === "Pod" && (e.uid ?? e.name) === uid);
    const bound = mine.find((e) => e.facts.node !== undefined);
    if (!bound) continue;
    const running = mine.find((e) => e.facts.phase === "Running" || e.facts.phase === "Succeeded" || e.facts.phase === "Failed");
    const gone = mine.find((e) => e.type === "DELETED");
    if (!running && gone) continue;
    const end = running?.t ?? to;
    if (end < from || bound.t > to || end - bound.t <= slowPodStartMs) continue;
    out.push(running ? `${bound.name} took ${((end - bound.t) / 1000).toFixed(1)} s from binding to ${running.facts.phase}` : `${bound.name} bound to ${bound.facts.node} ${((to - bound.t) / 1000).toFixed(1)} s before and not Running yet`);
  }
  return out;
}

/** A pod start on a healthy node with its image there, under a full run (kind, 2 cores): the reference the scale is taken against. */
export const healthyPodStartMs = 5_000;
// The most a wait on pod starts is stretched lives in the timeout table, which vitest's timeouts come from.
export { maxPodStartScale };

/**
 * How much the waits that stand on pod starts (podStart, jobCompletion, podTermination, volume) are
 * stretched, from the median pod start this spec file has measured so far: 1 on a fast cluster or
 * before any pod started, up to maxPodStartScale. Simulated pods start in no time and leave it 1.
 */
export function podStartScale(all: readonly Pick<PodStart, "total">[]): { factor: number; medianMs: number; pods: number } {
  if (all.length === 0) return { factor: 1, medianMs: 0, pods: 0 };
  const sorted = all.map((s) => s.total).sort((a, b) => a - b);
  const medianMs = sorted[(sorted.length - 1) >> 1]!;
  return { factor: Math.min(maxPodStartScale, Math.max(1, medianMs / healthyPodStartMs)), medianMs, pods: all.length };
}
