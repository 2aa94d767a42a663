import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { schedulerConfig } from "../harness/cluster/scheduler-config.ts";

describe("KUBEPROOF_SCHEDULER_CONFIG", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "kp-scheduler-config-"));
  const file = (name: string, text: string) => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it("is nothing when unset", () => {
    expect(schedulerConfig(undefined)).toBeUndefined();
    expect(schedulerConfig(" ")).toBeUndefined();
  });

  it("gives the absolute path of a KubeSchedulerConfiguration", () => {
    const f = file("ok.yaml", "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n");
    expect(schedulerConfig(path.relative(process.cwd(), f))).toBe(f);
  });

  it("names the file and what it holds instead", () => {
    const f = file("old.yaml", "apiVersion: kubescheduler.config.k8s.io/v1beta3\nkind: KubeSchedulerConfiguration\n");
    expect(() => schedulerConfig(f)).toThrow(`KUBEPROOF_SCHEDULER_CONFIG: ${f} is KubeSchedulerConfiguration of kubescheduler.config.k8s.io/v1beta3; the scheduler takes a KubeSchedulerConfiguration of kubescheduler.config.k8s.io/v1`);
    expect(() => schedulerConfig(path.join(dir, "missing.yaml"))).toThrow(`KUBEPROOF_SCHEDULER_CONFIG: cannot read ${path.join(dir, "missing.yaml")}`);
  });

  it("the self-test's fault file is one the scheduler takes", () => {
    expect(schedulerConfig("scripts/faults/no-resource-fit.scheduler.yaml")).toMatch(/no-resource-fit\.scheduler\.yaml$/);
  });
});
