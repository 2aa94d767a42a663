import { describe, expect } from "vitest";
import { test } from "../../harness/test.ts";
import { printedColumns } from "../../harness/ops/printed-columns.ts";

// The headers the tutorial shows for `kubectl get` (2019, Kubernetes 1.15), and which of its
// columns today's apiserver no longer prints: kubectl's header is the apiserver's Table (server-side
// printing), read here directly. Columns added since are reported, not asserted: they vary by version.
const printed = [
  { kind: "Job", apiVersion: "batch/v1", tutorial: "NAME COMPLETIONS DURATION AGE", gone: [] },
  { kind: "CronJob", apiVersion: "batch/v1", tutorial: "NAME SCHEDULE SUSPEND ACTIVE LAST SCHEDULE AGE", gone: [] },
  { kind: "DaemonSet", apiVersion: "apps/v1", tutorial: "NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE", gone: [] },
  // Replaced by READY ("ready/desired") in 1.15's successors.
  { kind: "Deployment", apiVersion: "apps/v1", tutorial: "NAME DESIRED CURRENT UP-TO-DATE AVAILABLE AGE", gone: ["DESIRED", "CURRENT"] },
  // Now TARGETS, one entry per metric.
  { kind: "HorizontalPodAutoscaler", apiVersion: "autoscaling/v2", tutorial: "NAME REFERENCE TARGET MINPODS MAXPODS REPLICAS AGE", gone: ["TARGET"] },
  { kind: "PersistentVolume", apiVersion: "v1", tutorial: "NAME CAPACITY ACCESS MODES RECLAIM POLICY STATUS CLAIM STORAGECLASS REASON AGE", gone: [] },
  { kind: "PersistentVolumeClaim", apiVersion: "v1", tutorial: "NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS AGE", gone: [] },
];

/** The tutorial's header split into column names (some names have a space: ACCESS MODES). */
const columnsOf = (header: string) => header.replace(/(ACCESS|RECLAIM|LAST|NODE) (MODES|POLICY|SCHEDULE|SELECTOR)/g, "$1_$2").split(" ").map((c) => c.replace("_", " "));

describe("kubectl get, as the tutorial printed it", () => {
  for (const p of printed) {
    test(
      `kubectl get ${p.kind}: the tutorial's columns are printed today${p.gone.length ? `, except ${p.gone.join(" and ")}` : ""}`,
      { meta: { claims: [], upstream: [] } },
      async ({ k }) => {
        const today = await printedColumns(k, p.apiVersion, p.kind);
        const tutorial = columnsOf(p.tutorial);
        await k.observed("printed today", today.join(" | "));
        await k.observed("new since the tutorial", today.filter((c) => !tutorial.includes(c)).join(", ") || "none");
        expect(today[0]).toBe("NAME");
        expect(tutorial.filter((c) => !today.includes(c))).toEqual(p.gone);
      },
    );
  }
});
