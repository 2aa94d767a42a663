// Pure analysis of a recorded timeline: what each object went through and when. The recorder
// fills it from watch events; specs ask questions of it (how many pods ran at once, did each pod
// start after the previous one finished) instead of sampling the API.
/** The controlling owner of an object, as its ownerReference names it. */
export interface OwnerRef {
  kind: string;
  name: string;
}

/**
 * What the recorder keeps of an object's state at one moment: facts a spec asks about, and that
 * `render` turns into the line people read (in the timeline text and picture).
 */
export interface Facts {
  /** A Pod's, PV's or PVC's phase; a Node's Ready or NotReady. */
  phase?: string;
  /** Its deletion has been requested (a graceful deletion in progress, finalizers pending). */
  terminating?: boolean;
  /** The node a Pod is bound to. */
  node?: string;
  /** A container waiting for a reason that is news (an image it cannot get, a crash loop). */
  waiting?: { container: string; reason: string };
  /** What the kind counts: a Job's active/succeeded/failed, a DaemonSet's desired/current/ready, a Deployment's replicas/ready, an HPA's current/desired, a CronJob's active Jobs. */
  counts?: Record<string, number>;
  /** A Deployment's or ReplicaSet's spec.replicas. */
  specReplicas?: number;
  /** Its conditions that are True (a Job's Complete, Failed, ...). */
  conditions?: string[];
  /** A CronJob's status.lastScheduleTime. */
  lastSchedule?: string;
  suspended?: boolean;
  unschedulable?: boolean;
  /** A PV's claim, namespace/name. */
  claim?: string;
  /** A PVC's volume. */
  volume?: string;
  /** A ResourceQuota's status.used. */
  used?: Record<string, string>;
  /** An Event: its reason, the object it is about (Kind/name), its message. */
  event?: { reason: string; about: string; message: string };
  /** For kinds the recorder has no facts of: the version it saw. */
  resourceVersion?: string;
}

/** The one line people read for a state ("Running on n1", "active=1 succeeded=2 failed=0 Complete"). */
export function render(f: Facts): string {
  if (f.event) return `${f.event.reason}: ${f.event.about}: ${f.event.message}`;
  const parts: string[] = [];
  if (f.phase) parts.push(f.phase);
  if (f.terminating && f.phase) parts.push("terminating");
  if (f.node) parts.push(`on ${f.node}`);
  if (f.waiting) parts.push(`(${f.waiting.container}: ${f.waiting.reason})`);
  for (const [k, v] of Object.entries(f.counts ?? {})) parts.push(`${k}=${v}`);
  if (f.specReplicas !== undefined) parts.push(`spec=${f.specReplicas}`);
  if (f.lastSchedule) parts.push(`lastSchedule=${f.lastSchedule}`);
  if (f.conditions?.length) parts.push(f.conditions.join(","));
  if (f.claim) parts.push(`claim=${f.claim}`);
  if (f.volume) parts.push(`volume=${f.volume}`);
  if (f.unschedulable) parts.push("unschedulable");
  if (f.suspended) parts.push("suspended");
  if (f.used) parts.push(`used=${JSON.stringify(f.used)}`);
  if (f.resourceVersion) parts.push(f.resourceVersion);
  if (f.terminating && !f.phase) parts.push("terminating");
  return parts.join(" ");
}

export interface TimelineEntry {
  /** Order of arrival across all watches of the test (exact within one kind's watch stream). */
  seq: number;
  /** Milliseconds since the recorder started. */
  t: number;
  type: "SYNC" | "ADDED" | "MODIFIED" | "DELETED";
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  facts: Facts;
  /** The facts rendered (render(facts)): for people, never parsed. */
  state: string;
  owner?: OwnerRef;
}

/** A timeline filter: entries of objects the given object controls. */
export function ownedBy(owner: { kind?: string; metadata: { name?: string } }): (e: TimelineEntry) => boolean {
  return (e) => e.owner !== undefined && e.owner.kind === owner.kind && e.owner.name === owner.metadata.name;
}

export interface Lifetime {
  name: string;
  kind: string;
  owner?: OwnerRef;
  /** First seen (created). */
  created: number;
  createdSeq: number;
  /** First seen Running (pods). */
  running?: number;
  /** First seen in a terminal state (Succeeded/Failed) or deleted. */
  ended?: number;
  endedSeq?: number;
  outcome?: string;
  deleted?: number;
  states: { t: number; state: string; facts: Facts }[];
}

const terminal = new Set(["Succeeded", "Failed"]);

/** Lifetimes of the objects of one kind, in order of creation. */
export function lifetimes(entries: TimelineEntry[], kind = "Pod", filter: (e: TimelineEntry) => boolean = () => true): Lifetime[] {
  const byName = new Map<string, Lifetime>();
  for (const e of entries) {
    if (e.kind !== kind || !filter(e)) continue;
    const key = e.uid ?? e.name;
    let l = byName.get(key);
    if (!l) {
      l = { name: e.name, kind: e.kind, owner: e.owner, created: e.t, createdSeq: e.seq, states: [] };
      byName.set(key, l);
    }
    const phase = e.facts.phase;
    if (l.states.at(-1)?.state !== e.state) l.states.push({ t: e.t, state: e.state, facts: e.facts });
    if (phase === "Running" && l.running === undefined) l.running = e.t;
    // A pod whose deletion began before it finished ended by deletion, whatever phase a real
    // kubelet reports while its containers stop (exit 143 -> Failed, or 0 -> Succeeded).
    const ended = phase !== undefined && terminal.has(phase);
    const terminating = e.facts.terminating === true;
    if (l.ended === undefined && (ended || terminating || e.type === "DELETED")) {
      l.ended = e.t;
      l.endedSeq = e.seq;
      l.outcome = ended && !terminating ? phase : "Deleted";
    }
    if (e.type === "DELETED") l.deleted = e.t;
  }
  return [...byName.values()].sort((a, b) => a.createdSeq - b.createdSeq);
}

/** The most lifetimes active at one moment (active: created and not yet ended), by event order. */
export function maxConcurrent(ls: Lifetime[]): number {
  const points: { seq: number; d: number }[] = [];
  for (const l of ls) {
    points.push({ seq: l.createdSeq, d: +1 });
    if (l.endedSeq !== undefined) points.push({ seq: l.endedSeq, d: -1 });
  }
  // An end and a start carried by the same event cannot happen; ends first on ties anyway.
  points.sort((a, b) => a.seq - b.seq || a.d - b.d);
  let cur = 0;
  let max = 0;
  for (const p of points) {
    cur += p.d;
    max = Math.max(max, cur);
  }
  return max;
}

/** Pairs (previous, next) where the next was created before the previous one ended. */
export function overlaps(ls: Lifetime[]): { previous: string; next: string }[] {
  const out: { previous: string; next: string }[] = [];
  for (let i = 1; i < ls.length; i++) {
    const prev = ls[i - 1]!;
    const next = ls[i]!;
    if (prev.endedSeq === undefined || next.createdSeq < prev.endedSeq) out.push({ previous: prev.name, next: next.name });
  }
  return out;
}

/** Was every lifetime created only after the previous one ended with the given outcome? */
export function strictlySequential(ls: Lifetime[], outcome = "Succeeded"): { ok: boolean; why?: string } {
  for (let i = 1; i < ls.length; i++) {
    const prev = ls[i - 1]!;
    const next = ls[i]!;
    if (prev.endedSeq === undefined) return { ok: false, why: `${next.name} was created while ${prev.name} had not ended` };
    if (next.createdSeq < prev.endedSeq) return { ok: false, why: `${next.name} was created before ${prev.name} ended` };
    if (prev.outcome !== outcome) return { ok: false, why: `${prev.name} ended ${prev.outcome}, not ${outcome}` };
  }
  return { ok: true };
}

const colours: Record<string, string> = {
  Pending: "#b0b7c3",
  Running: "#3b82f6",
  Succeeded: "#22c55e",
  Failed: "#ef4444",
  Bound: "#3b82f6",
  Available: "#22c55e",
  Released: "#f59e0b",
};

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

/**
 * A picture a person reads at a glance: one bar per object, coloured by state over time, a cross
 * where it was deleted. Pure SVG, no scripts or external references.
 */
export function timelineSvg(entries: TimelineEntry[], title: string, endMs?: number): string {
  const kinds = ["Pod", "PersistentVolume", "PersistentVolumeClaim", "Job"];
  const rows = kinds.flatMap((k) => lifetimes(entries, k));
  const end = Math.max(1, endMs ?? 0, ...entries.map((e) => e.t));
  const labelW = 300;
  const w = 1000;
  const rowH = 20;
  const top = 40;
  const h = top + rows.length * rowH + 40;
  const x = (t: number) => labelW + ((w - labelW - 20) * t) / end;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="18" font-size="13" font-weight="bold">${esc(title)}</text>`,
  ];
  for (let s = 0; s <= end / 1000; s += Math.max(1, Math.ceil(end / 1000 / 10))) {
    parts.push(`<line x1="${x(s * 1000)}" y1="${top - 8}" x2="${x(s * 1000)}" y2="${h - 30}" stroke="#eee"/>`);
    parts.push(`<text x="${x(s * 1000)}" y="${h - 16}" text-anchor="middle" fill="#666">${s}s</text>`);
  }
  rows.forEach((l, i) => {
    const y = top + i * rowH;
    parts.push(`<text x="8" y="${y + 13}">${esc(`${l.kind === "Pod" ? "" : l.kind + " "}${l.name}`.slice(0, 48))}</text>`);
    l.states.forEach((s, j) => {
      const until = l.states[j + 1]?.t ?? l.deleted ?? end;
      const phase = s.facts.phase ?? "";
      parts.push(
        `<rect x="${x(s.t)}" y="${y + 3}" width="${Math.max(2, x(until) - x(s.t))}" height="${rowH - 6}" fill="${colours[phase] ?? "#a78bfa"}"><title>${esc(`${l.name}: ${s.state} at ${(s.t / 1000).toFixed(2)} s`)}</title></rect>`,
      );
    });
    if (l.deleted !== undefined) parts.push(`<text x="${x(l.deleted) + 2}" y="${y + 14}" fill="#111">✕</text>`);
  });
  const legend = Object.entries(colours).slice(0, 4);
  legend.forEach(([k, c], i) => {
    parts.push(`<rect x="${labelW + i * 110}" y="${h - 12}" width="10" height="10" fill="${c}"/><text x="${labelW + i * 110 + 14}" y="${h - 3}">${k}</text>`);
  });
  parts.push(`</svg>`);
  return parts.join("\n");
}
