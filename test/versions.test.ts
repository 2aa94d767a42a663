import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseVersions, version } from "../harness/versions.ts";

const images = JSON.parse(readFileSync(new URL("../images.json", import.meta.url), "utf8")) as { cluster: Record<string, { ref: string }> };

describe("the one versions file", () => {
  it("reads NAME=value lines, skipping comments, with KUBEPROOF_<NAME> overriding", () => {
    process.env.KUBEPROOF_B_VERSION = "v9";
    try {
      expect(parseVersions("# pins\nA_VERSION=v1\n\nB_VERSION=v2\n")).toEqual({ A_VERSION: "v1", B_VERSION: "v9" });
    } finally {
      delete process.env.KUBEPROOF_B_VERSION;
    }
  });

  it("names the file and line of anything else", () => {
    expect(() => parseVersions("A_VERSION = v1\n", "versions.env")).toThrow('versions.env:1: expected NAME=value, got "A_VERSION = v1"');
  });

  it("agrees with the image references that carry the same versions", () => {
    expect(images.cluster["metrics-server"]!.ref).toMatch(new RegExp(`:${version("METRICS_SERVER_VERSION")}$`));
    // kind's stock node image for the local provider's minor
    const minor = version("KUBE_VERSION").split(".").slice(0, 2).join(".");
    expect(images.cluster["kind-node"]!.ref).toContain(`kindest/node:${minor}.`);
  });
});
