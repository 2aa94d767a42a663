// The kind nodes' throttle as the environment asks for it: bad values stop the run before a
// cluster is made, with the variable and the value named.
import { describe, expect, it } from "vitest";
import { describeThrottle, nodeThrottleFromEnv } from "../harness/cluster/node-throttle.ts";

describe("kind node throttle", () => {
  it("is off unless asked", () => {
    expect(nodeThrottleFromEnv({})).toBeUndefined();
  });

  it("takes a CPU count, a CPU list, or both", () => {
    expect(nodeThrottleFromEnv({ KUBEPROOF_KIND_NODE_CPUS: "0.5" })).toEqual({ cpus: 0.5, cpuset: undefined });
    expect(nodeThrottleFromEnv({ KUBEPROOF_KIND_NODE_CPUSET: "0" })).toEqual({ cpus: undefined, cpuset: "0" });
    expect(nodeThrottleFromEnv({ KUBEPROOF_KIND_NODE_CPUS: "1", KUBEPROOF_KIND_NODE_CPUSET: "0-1,3" })).toEqual({ cpus: 1, cpuset: "0-1,3" });
  });

  it("refuses what docker would refuse, naming the variable and the value", () => {
    expect(() => nodeThrottleFromEnv({ KUBEPROOF_KIND_NODE_CPUS: "half" })).toThrow(/KUBEPROOF_KIND_NODE_CPUS .*"half"/);
    expect(() => nodeThrottleFromEnv({ KUBEPROOF_KIND_NODE_CPUS: "0" })).toThrow(/positive/);
    expect(() => nodeThrottleFromEnv({ KUBEPROOF_KIND_NODE_CPUSET: "first" })).toThrow(/KUBEPROOF_KIND_NODE_CPUSET .*"first"/);
  });

  it("says what it did", () => {
    expect(describeThrottle({ cpuset: "0" })).toBe("onto CPU 0 together (KUBEPROOF_KIND_NODE_CPUSET)");
    expect(describeThrottle({ cpus: 0.5, cpuset: "0-1" })).toBe("to 0.5 CPUs each (KUBEPROOF_KIND_NODE_CPUS) and onto CPUs 0-1 together (KUBEPROOF_KIND_NODE_CPUSET)");
  });
});
