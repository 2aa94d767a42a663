// The ports of a local cluster's control plane, picked by the provider rather than by kwokctl.
// kwokctl probes for a port nothing listens on and skips other clusters' ports only where they are
// "host ports", which the binary runtime's components do not have. So a cluster made while a
// component of another is down (a metrics-server that exited before its apiserver answered,
// waiting for the supervisor) takes that component's port, and the restart then fails with
// "address already in use": the metrics API was gone for the rest of the run (CI rehearsal,
// polyglot, 2026-12-04: 7 HPA tests). Here a port is free only if no cluster in the workdir has it
// in its saved configuration, up or down, and nothing listens on it.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { parseAllDocuments } from "../deps/yaml.ts";

/** The KwokctlConfiguration options naming a port of the binary runtime. */
export const portOptions = ["etcdPeerPort", "etcdPort", "kubeApiserverPort", "kwokControllerPort", "kubeControllerManagerPort", "kubeSchedulerPort", "metricsServerPort"] as const;
export type Ports = Record<(typeof portOptions)[number], number>;

/** Every port a cluster under `clustersDir` has in its kwok.yaml: its options and its components' ports. */
export function reservedPorts(clustersDir: string): Set<number> {
  const ports = new Set<number>();
  if (!existsSync(clustersDir)) return ports;
  for (const name of readdirSync(clustersDir)) {
    const file = path.join(clustersDir, name, "kwok.yaml");
    if (!existsSync(file)) continue;
    for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
      const conf = doc.toJS() as { kind?: string; options?: Record<string, unknown>; components?: { ports?: { port?: number; hostPort?: number }[] }[] } | null;
      if (conf?.kind !== "KwokctlConfiguration") continue;
      for (const [key, value] of Object.entries(conf.options ?? {})) if (/Port$/.test(key) && typeof value === "number" && value > 0) ports.add(value);
      for (const c of conf.components ?? []) for (const p of c.ports ?? []) for (const v of [p.port, p.hostPort]) if (typeof v === "number" && v > 0) ports.add(v);
    }
  }
  return ports;
}

/** Nothing listens on the port, on 127.0.0.1 or on every address (kwokctl's own test). */
export function listenable(port: number): Promise<boolean> {
  const on = (host?: string) =>
    new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once("error", () => resolve(false));
      s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(true)));
    });
  return on("127.0.0.1").then((ok) => ok && on());
}

/**
 * One port per option, counting down from below the kernel's ephemeral range (as kwokctl does, so
 * a short-lived client socket does not hold one), skipping the reserved and the listened-on.
 */
export async function pickPorts(reserved: ReadonlySet<number>, free: (port: number) => Promise<boolean> = listenable, from = 32767): Promise<Ports> {
  const picked: Partial<Ports> = {};
  let port = from + 1;
  for (const option of portOptions) {
    do {
      if (--port <= 10_000) throw new Error(`no free port for the local cluster's ${option} between 10001 and ${from} (each is listened on or held by a cluster in the kwok workdir)`);
    } while (reserved.has(port) || !(await free(port)));
    picked[option] = port;
  }
  return picked as Ports;
}
