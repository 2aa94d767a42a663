// Who failed, read from how a failure message begins. The emitters (waits, the flight recorder,
// cleanup, the image check) start their messages with these words and the ledger reads them
// back: one list, so an emitter cannot drift from what the ledger matches.

/**
 * Beginnings of failures that say the suite could not see the claim through: the ledger reads
 * them as inconclusive. Every other failure (an assertion, a terminal wrong state, a deadline the
 * cluster let pass while the suite was watching) reads as the cluster's doing: contradicted.
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

/** Beginnings of failures that are the cluster's: the deadline a named wait carries passed while the suite could observe. */
export const clusterFailed = {
  deadline: "Deadline passed:",
  gaveUp: "Gave up waiting for ",
} as const;

/** True when the failure says the suite, not the cluster, could not finish. */
export function suiteFailure(message: string | undefined): boolean {
  const m = (message ?? "").trimStart();
  return Object.values(suiteBlind).some((p) => m.startsWith(p));
}
