// The project's custom metrics API server (scripts/custom-metrics) on the local provider: a
// process on 127.0.0.1 beside the control plane, registered with the aggregator the way kwokctl
// registers metrics-server (an ExternalName Service on 127.0.0.1 and the APIService's port).
// It answers custom.metrics.k8s.io from "custom-metrics.kubeproof.dev/<metric>" annotations; the
// HPA controller reads it like any adapter. On kind the same binary runs as a Deployment
// (scripts/kind/custom-metrics.yaml).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, realpathSync, rmSync, writeFileSync, closeSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fieldManager, type Api, type KubeObject } from "../api/client.ts";

export const customMetricsBinary = "kubeproof-custom-metrics";
const pidFile = (clusterDir: string) => path.join(clusterDir, `${customMetricsBinary}.pid`);

/** A port nothing listens on right now (the kernel's pick on 127.0.0.1). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const apiServiceName = "v1beta2.custom.metrics.k8s.io";

/**
 * Whether this cluster's server still runs from `binary` and the cluster's APIService still points
 * at its port: a kept cluster's server from an earlier run, which serves this one as it is.
 */
async function stillServing(api: Api, binary: string, clusterDir: string): Promise<boolean> {
  try {
    const pid = Number(readFileSync(pidFile(clusterDir), "utf8"));
    if (realpathSync(`/proc/${pid}/exe`) !== realpathSync(binary)) return false;
    const port = Number(/--secure-port=(\d+)/.exec(readFileSync(`/proc/${pid}/cmdline`, "utf8"))?.[1]);
    const registered = await api.getOrNull<KubeObject & { spec?: { service?: { port?: number } } }>("apiregistration.k8s.io/v1", "APIService", apiServiceName);
    return registered?.spec?.service?.port === port;
  } catch {
    // no pid file, or the process is gone (no /proc entry)
    return false;
  }
}

/**
 * Starts the server for the cluster in clusterDir (log in its logs/, pid beside them) and
 * registers v1beta2.custom.metrics.k8s.io. Returns without waiting for it to serve: the specs
 * that need it wait for the APIService to be Available (customMetricsApiAvailable). On a kept
 * cluster (`reuse`) the server an earlier run started is kept when it still runs from this
 * binary and is still registered: restarting it took the API away for a moment on every run.
 */
export async function startCustomMetrics(api: Api, bin: string, clusterDir: string, kubeconfig: string, reuse = false): Promise<void> {
  if (reuse && (await stillServing(api, path.join(bin, customMetricsBinary), clusterDir))) return;
  stopCustomMetrics(clusterDir);
  const port = await freePort();
  const certs = path.join(clusterDir, "custom-metrics-certs");
  mkdirSync(certs, { recursive: true });
  mkdirSync(path.join(clusterDir, "logs"), { recursive: true });
  const log = openSync(path.join(clusterDir, "logs", `${customMetricsBinary}.log`), "a");
  const child = spawn(
    path.join(bin, customMetricsBinary),
    [
      `--secure-port=${port}`,
      "--bind-address=127.0.0.1",
      `--cert-dir=${certs}`,
      `--lister-kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
    ],
    { detached: true, stdio: ["ignore", log, log] },
  );
  closeSync(log);
  if (!child.pid) throw new Error(`${customMetricsBinary} did not start (${path.join(bin, customMetricsBinary)})`);
  writeFileSync(pidFile(clusterDir), String(child.pid));
  child.unref();

  const labels = { "app.kubernetes.io/name": customMetricsBinary };
  const manager = { fieldManager };
  await api.apply({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: customMetricsBinary, namespace: "kube-system", labels },
    spec: { type: "ExternalName", externalName: "127.0.0.1" },
  }, manager);
  await api.apply({
    apiVersion: "apiregistration.k8s.io/v1",
    kind: "APIService",
    metadata: { name: apiServiceName, labels },
    spec: {
      group: "custom.metrics.k8s.io",
      version: "v1beta2",
      groupPriorityMinimum: 100,
      versionPriority: 200,
      // self-signed serving certificate, as kwokctl does for metrics-server
      insecureSkipTLSVerify: true,
      service: { name: customMetricsBinary, namespace: "kube-system", port },
    },
  }, manager);
}

/** Stops the server of the cluster in clusterDir, if one runs (safe to call twice, synchronous). */
export function stopCustomMetrics(clusterDir: string): void {
  const f = pidFile(clusterDir);
  if (!existsSync(f)) return;
  const pid = Number(readFileSync(f, "utf8"));
  try {
    // its own process group (detached): a signal to the group reaches nothing else
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
  rmSync(f, { force: true });
}
