// What a spec holds as `k`: its test's namespace on the run's one cluster, fixtures, named waits
// and negatives, API error expectations, the flight recorder's timeline, and cleanup.
import type { Api, ApiError, KubeObject } from "../api/client.ts";
import type { ExpectedError } from "../api/expected-error.ts";
import type { Capabilities, ClusterInfo } from "../cluster/types.ts";
import type { Applied } from "../fixtures.ts";
import type { Lifetime, TimelineEntry } from "../record/timeline.ts";
import type { TimeoutKind } from "../timeouts.ts";
import type { Ref } from "../wait/conditions.ts";
import type { Condition } from "../wait/wait.ts";

export interface Kube {
  readonly api: Api;
  readonly ns: string;
  readonly cluster: ClusterInfo;
  /** Unique per test; appended to the names of cluster-scoped objects. */
  readonly suffix: string;
  /** Applies a fixture file (server-side dry run first); its deletion is registered for the end. The result is addressable by kind and name: `.get("PersistentVolumeClaim")`. */
  apply<T extends KubeObject = KubeObject>(fixture: string, mutate?: (obj: T) => void): Promise<Applied<T>>;
  /** Applies a fixture holding exactly one object. */
  applyOne<T extends KubeObject = KubeObject>(fixture: string, mutate?: (obj: T) => void): Promise<T & { ref: Ref }>;
  /** A one-object fixture as `applyOne` would send it, not sent: for conditions that ask the apiserver what it would make of it (a server-side dry run). */
  placed<T extends KubeObject = KubeObject>(fixture: string): Promise<T>;
  delete(obj: KubeObject | Ref, propagation?: "Background" | "Foreground" | "Orphan"): Promise<void>;
  patch<T extends KubeObject>(obj: KubeObject | Ref, body: unknown, type?: "merge" | "json" | "strategic", subresource?: string): Promise<T>;
  get<T extends KubeObject>(obj: KubeObject | Ref): Promise<T>;
  wait<R>(cond: Condition<R>): Promise<R>;
  /** The condition stays unmet for the window: a row of the timeout table (default quietPeriod) or a clock in ms. */
  never<R>(cond: Condition<R>, window?: TimeoutKind | number): Promise<void>;
  expectApiError(op: Promise<unknown>, expected: ExpectedError, what?: string): Promise<ApiError>;
  /** Records what the cluster did, beside the test's result in the report (an Allure parameter). */
  observed(what: string, value: string): Promise<void>;
  /** What the claim's verdict should say besides pass or fail (which component did it, and when): shown in the ledger's detail. */
  noted(finding: string): Promise<void>;
  /** Runs kubectl as a user types it, in the test's namespace; resolves with its output. */
  kubectl(...args: string[]): Promise<string>;
  /** Registers a cleanup step (run in reverse order after the test). */
  defer(what: string, fn: () => Promise<void>): void;
  /**
   * Before a test makes containers spin CPU: takes that much (millicores) of the run's CPU budget
   * (harness/run/cpu-budget.ts), waiting while other tests hold it, and gives it back at the end.
   * Does nothing where usage is only simulated.
   */
  burnsCpu(millicores: number, what: string): Promise<void>;
  /** Skips the test, with the reason, where the provider lacks a capability. */
  requires(cap: keyof Capabilities, why: string): void;
  /**
   * True when the cluster runs Kubernetes `minor` ("1.37") or later: where upstream changed a
   * behaviour, the test expects what the cluster's version does. `change` names the upstream
   * change; the report and the ledger's column for this version say which expectation held.
   */
  fromVersion(minor: string, change: string): boolean;
  /** Skips the test with the reason (in the report and the ledger) when `unmet` is a string: what this run lacks. */
  skipIf(unmet: string | undefined): void;
  timeline: {
    /** Resolves once the recorder has seen the object as given (call after a wait, before reading). */
    caughtUp(obj: KubeObject): Promise<void>;
    entries(): TimelineEntry[];
    pods(filter?: (e: TimelineEntry) => boolean): Lifetime[];
    of(kind: string, filter?: (e: TimelineEntry) => boolean): Lifetime[];
    /**
     * The lifetimes of the matching pods once at least `atLeast` were seen and every one has ended:
     * the recorder watches apart from the wait that just returned, and may be a few events behind.
     */
    podsEnded(filter: (e: TimelineEntry) => boolean, atLeast?: number): Promise<Lifetime[]>;
    /** Resolves with `fn`'s first defined answer, asked again as each event arrives; fails after 30 s naming `what`. */
    until<T>(what: string, fn: () => T | undefined): Promise<T>;
    /** Milliseconds since the recorder started: the clock of the entries' `t`. */
    now(): number;
  };
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
}
