// A test's cleanup, in three rounds: its own defers (newest first), then its namespace (its
// claims and pods go with it), then the cluster-scoped fixture objects, each awaited until gone.
// A bound PV deleted before its claim would wait on pv-protection for nothing.
import { ApiError } from "../api/client.ts";
import { suiteBlind } from "../failures.ts";

interface Step {
  what: string;
  fn: () => Promise<void>;
}

export class Cleanup {
  private readonly own: Step[] = [];
  private readonly clusterScoped: Step[] = [];
  private namespace?: Step;

  /** A step of the test's own (k.defer). */
  defer(what: string, fn: () => Promise<void>): void {
    this.own.push({ what, fn });
  }

  /** The namespace's deletion: after the test's own steps, before the cluster-scoped objects. */
  setNamespace(what: string, fn: () => Promise<void>): void {
    this.namespace = { what, fn };
  }

  /** A cluster-scoped object the namespace's deletion does not take along. */
  afterNamespace(what: string, fn: () => Promise<void>): void {
    this.clusterScoped.push({ what, fn });
  }

  /** Runs every round; every step runs even when one fails, and the failures are reported together. */
  async run(): Promise<void> {
    const errors: string[] = [];
    const steps = [...[...this.own].reverse(), ...(this.namespace ? [this.namespace] : []), ...[...this.clusterScoped].reverse()];
    for (const s of steps) {
      try {
        await s.fn();
      } catch (e) {
        errors.push(`${s.what}: ${String(e)}`);
      }
    }
    if (errors.length) throw new Error(`${suiteBlind.cleanup}\n${errors.join("\n")}`);
  }
}

/** For deletions: an object already gone is what was wanted. */
export function ignoreNotFound(e: unknown): void {
  if (e instanceof ApiError && e.code === 404) return;
  throw e;
}
