// Who failed, carried as data. The places that know (a named wait, the fixture apply, the API
// client) put a `blame` on the errors they throw; the test fixture reads the test's error and
// writes it to the report as labels (harness/test.ts); the ledger reads the labels. A failure is
// the cluster's only with positive evidence: everything without it is the suite's, inconclusive.
// The message beginnings below are for people, and the same source names the classes.

/**
 * Beginnings of failures that say the suite could not see the claim through. Each is also the
 * suite's by its blame; the words are for a person reading the message.
 */
export const suiteBlind = {
  /** A pod could not get its image, or the like: the cluster could not run the test. */
  infrastructure: "Infrastructure problem:",
  /** A wait ran out while the suite could not observe (a watch gap, the API not answering, a node not Ready). */
  timedOut: "Timed out after ",
  /** A watch had a hole, so a window or a timeline proves nothing. */
  lostWatch: "Lost the watch",
  /** The test's own objects could not be removed. */
  cleanup: "cleanup failed:",
  /** The flight recorder fell behind the waits. */
  recorder: "the flight recorder did not see ",
  /** An API the suite reads answered 5xx (the metrics API with its server down, say): the suite could not read it. */
  apiUnavailable: "API unavailable:",
  /**
   * The cluster's authorization refused the suite a request it needs (RBAC: "User ... cannot list
   * resource ..."): what the suite may not do there, never a behaviour of the tutorial. A quota's or
   * an admission policy's 403 is the cluster's answer and reads as such.
   */
  permissionDenied: "Permission denied:",
  /** vitest's own test timeout: the suite gave up, with no wait to say why. */
  testTimeout: "Test timed out in ",
} as const;

/** Beginnings of failures that are the cluster's: what a named wait saw, with the suite able to see. */
export const clusterFailed = {
  deadline: "Deadline passed:",
  gaveUp: "Gave up waiting for ",
  measured: "Measured otherwise:",
} as const;

/**
 * The evidence that makes a failure the cluster's:
 * - deadline: a named wait's deadline passed while the suite could observe (watch whole, API
 *   answering, nodes Ready, nothing of its own missing);
 * - terminal-state: a wait saw a state the cluster does not leave (a Job Failed, pods orphaned);
 * - unexpected-change: a negative ("never") saw the thing happen, its watch whole;
 * - measured: a measurement over a whole watch (intervals between evaluations) is not the claim's;
 * - assertion: an expectation on what the suite read from the cluster failed;
 * - admission: the apiserver refused an object by a quota, policy or webhook.
 */
const clusterEvidence = ["deadline", "terminal-state", "unexpected-change", "measured", "assertion", "admission"] as const;
export type ClusterEvidence = (typeof clusterEvidence)[number];

/**
 * What of the suite's failed: it could not see (a wait ran out blind, a watch lost, the recorder
 * behind, an API it reads not serving, a pod without its image), it was not allowed (RBAC), a
 * fixture the apiserver refused as invalid, a tool or process of its own, vitest's timeout, or
 * any other exception (a TypeError in a spec or the harness).
 */
const suiteFailures = ["blind", "permission", "fixture", "tool", "cleanup", "test-timeout", "exception"] as const;
export type SuiteFailure = (typeof suiteFailures)[number];

export type Blame = { on: "cluster"; evidence: ClusterEvidence } | { on: "suite"; failure: SuiteFailure };

/** The Allure labels the blame travels in, from the test to the ledger. */
export const blameLabels = { on: "blame", kind: "blame-kind" } as const;

/** A blame as an error carries it (own property, so it survives vitest's serialisation). */
export function isBlame(b: unknown): b is Blame {
  if (!b || typeof b !== "object") return false;
  const x = b as Record<string, unknown>;
  return (x.on === "cluster" && (clusterEvidence as readonly unknown[]).includes(x.evidence)) || (x.on === "suite" && (suiteFailures as readonly unknown[]).includes(x.failure));
}

/** Puts a blame on an error where it is known; returns the error. */
export function blamed<E extends Error>(error: E, blame: Blame): E & { blame: Blame } {
  return Object.assign(error, { blame });
}

/**
 * An apiserver refusal by admission (a quota, a ValidatingAdmissionPolicy, a webhook): the
 * cluster's answer. A schema or validation refusal of the suite's own object is the suite's.
 */
const admissionDenied = /\bexceeded quota\b|ValidatingAdmissionPolicy '[^']+' with binding '[^']+' denied request|admission webhook "[^"]+" denied the request/;

export function admissionRefusal(code: number, message: string | undefined): boolean {
  const m = message ?? "";
  if (admissionDenied.test(m)) return true;
  // A 403 that is neither RBAC's nor a namespace being deleted (the test's own teardown racing it) is a policy's.
  return code === 403 && !/\bcannot [a-z]+ resource\b|because it is being terminated/.test(m);
}

/**
 * Who failed, from the error a test ended with (the thrown error, or vitest's serialised copy of
 * it). Only positive evidence blames the cluster: the error's own blame, or an assertion (vitest's
 * expect, on what the test read from the cluster). Everything else is the suite's.
 */
export function blameOf(error: unknown): Blame {
  if (!error || typeof error !== "object") return { on: "suite", failure: "exception" };
  const e = error as { blame?: unknown; name?: unknown; message?: unknown };
  if (isBlame(e.blame)) return e.blame;
  const message = String(e.message ?? "").trimStart();
  if (message.startsWith(suiteBlind.testTimeout)) return { on: "suite", failure: "test-timeout" };
  if (message.startsWith(suiteBlind.cleanup)) return { on: "suite", failure: "cleanup" };
  if (message.startsWith(suiteBlind.permissionDenied)) return { on: "suite", failure: "permission" };
  if (Object.values(suiteBlind).some((p) => message.startsWith(p))) return { on: "suite", failure: "blind" };
  if (e.name === "AssertionError") return { on: "cluster", evidence: "assertion" };
  return { on: "suite", failure: "exception" };
}

/** The class within the side: the cluster's evidence, or what of the suite's failed. */
export const blameKind = (b: Blame): ClusterEvidence | SuiteFailure => (b.on === "cluster" ? b.evidence : b.failure);

/** The blame as report labels. */
export function blameToLabels(b: Blame): { name: string; value: string }[] {
  return [
    { name: blameLabels.on, value: b.on },
    { name: blameLabels.kind, value: blameKind(b) },
  ];
}

/** The blame a result's labels carry; a failure without one is the suite's (nothing showed it was the cluster's). */
export function blameFromLabels(labels: { name: string; value: string }[]): Blame {
  const on = labels.find((l) => l.name === blameLabels.on)?.value;
  const kind = labels.find((l) => l.name === blameLabels.kind)?.value;
  const b = on === "cluster" ? { on, evidence: kind } : { on, failure: kind };
  return isBlame(b) ? b : { on: "suite", failure: "exception" };
}

/** How the ledger and the report name a blame, for people. */
export const blameWords: Record<ClusterEvidence | SuiteFailure, string> = {
  deadline: "a deadline passed while the suite could see the cluster",
  "terminal-state": "a wait saw a wrong state the cluster does not leave",
  "unexpected-change": "the cluster did what must not happen, the watch whole",
  measured: "a measurement over a whole watch differs from the claim",
  assertion: "an assertion on what the cluster showed",
  admission: "the apiserver refused an object by admission (a quota, policy or webhook)",
  blind: "the suite could not see the cluster through",
  permission: "the suite was not allowed a request it needs",
  fixture: "the apiserver refused a fixture of the suite's as invalid",
  tool: "a tool or process of the suite's failed",
  cleanup: "the suite could not remove its objects",
  "test-timeout": "vitest's timeout ended the test before any named wait did",
  exception: "an exception of the suite's own",
};

/**
 * Allure's categories, from the same beginnings: a person's grouping of failures in the report
 * (first match wins). The verdict itself is read from the blame labels, never from these.
 */
export const allureCategories = [
  { name: "Image pull", messageRegex: ".*(ErrImagePull|ImagePullBackOff).*" },
  { name: "Scheduling", messageRegex: ".*(FailedScheduling|Unschedulable).*" },
  { name: "Missing metrics API", messageRegex: ".*metrics.k8s.io.*" },
  { name: "Deadline passed (the cluster did not act in time)", messageRegex: `(?s)^${clusterFailed.deadline}.*` },
  { name: "Measured otherwise (a period or interval the claim does not allow)", messageRegex: `(?s)^${clusterFailed.measured}.*` },
  { name: "The suite could not see (a wait ran out, an API answered 5xx, a watch lost events)", messageRegex: `(?s)^(${suiteBlind.timedOut}|${suiteBlind.apiUnavailable}|${suiteBlind.lostWatch}).*` },
  { name: "Terminal wrong state", messageRegex: `(?s).*${clusterFailed.gaveUp}.*` },
  { name: "API contract", messageRegex: "(?s).*to be refused with.*" },
  { name: "Admission refusal (a quota, policy or webhook)", messageRegex: `(?s).*(${admissionDenied.source}).*` },
  { name: "Assertion mismatch", matchedStatuses: ["failed"] },
  { name: "The suite failed (an exception, a tool, a fixture refused as invalid, vitest's timeout)", matchedStatuses: ["broken"] },
];
