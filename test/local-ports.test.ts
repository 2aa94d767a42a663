// The local provider's control-plane ports: a port another cluster has in its saved configuration
// is taken even while nothing listens on it (its component down, waiting for a restart), and two
// creations on one host take turns.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hostLock } from "../harness/cluster/host-lock.ts";
import { listenable, pickPorts, portOptions, reservedPorts } from "../harness/cluster/local-ports.ts";

/** A kwok.yaml as kwokctl's binary runtime saves it: ports in the options and as components' ports. */
function cluster(dir: string, name: string, options: Record<string, number>, componentPorts: number[]) {
  mkdirSync(path.join(dir, name), { recursive: true });
  const components = componentPorts.map((port, i) => `  - name: c${i}\n    ports:\n      - name: https\n        port: ${port}\n        protocol: TCP\n`).join("");
  const opts = Object.entries(options).map(([k, v]) => `  ${k}: ${v}\n`).join("");
  writeFileSync(path.join(dir, name, "kwok.yaml"), `apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokctlConfiguration\noptions:\n  runtime: binary\n${opts}components:\n${components}---\napiVersion: kwok.x-k8s.io/v1alpha1\nkind: Stage\nmetadata:\n  name: x\n`);
}

describe("local cluster ports", () => {
  it("reserves every port a cluster in the workdir was made with, in its options and its components", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "kp-ports-"));
    cluster(dir, "a", { kubeApiserverPort: 32764, metricsServerPort: 32760 }, [32763]);
    cluster(dir, "b", { etcdPort: 32700 }, []);
    mkdirSync(path.join(dir, "half-made"));
    expect([...reservedPorts(dir)].sort()).toEqual([32700, 32760, 32763, 32764]);
    expect(reservedPorts(path.join(dir, "none")).size).toBe(0);
  });

  it("picks one distinct port per component, skipping the reserved and the listened-on", async () => {
    const busy = new Set([32765, 32761]);
    const ports = await pickPorts(new Set([32767, 32760]), async (p) => !busy.has(p));
    expect(Object.keys(ports)).toEqual([...portOptions]);
    expect(Object.values(ports)).toEqual([32766, 32764, 32763, 32762, 32759, 32758, 32757]);
  });

  it("says so when no port is left", async () => {
    await expect(pickPorts(new Set(), async () => false, 10_005)).rejects.toThrow(/no free port for the local cluster's etcdPeerPort/);
  });

  it("sees a port something listens on as taken", async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const port = (s.address() as { port: number }).port;
    expect(await listenable(port)).toBe(false);
    await new Promise((r) => s.close(r));
    expect(await listenable(port)).toBe(true);
  });

  it("lets one creation at a time hold the host lock", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "kp-lock-")), "lock");
    const order: string[] = [];
    const first = await hostLock(file, "first");
    const second = hostLock(file, "second").then((release) => {
      order.push("second has it");
      return release;
    });
    await new Promise((r) => setTimeout(r, 300));
    order.push("first releases");
    first();
    (await second)();
    expect(order).toEqual(["first releases", "second has it"]);
  });
});
