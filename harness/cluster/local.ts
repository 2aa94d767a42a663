// The `local` provider: kwokctl's binary runtime. Real etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler and metrics-server run as local processes bound to
// 127.0.0.1; kwok simulates the kubelet of three fake nodes (Stages in local/stages.yaml).
import { execFileSync } from "node:child_process";
import { accessSync, constants, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync, rmSync } from "node:fs";
import path from "node:path";
import { shell } from "../shell.ts";
import { stringify } from "../deps/yaml.ts";
import { Api } from "../api/client.ts";
import { waitFor } from "../wait/wait.ts";
import { onList, met, notYet, conditionOf } from "../wait/conditions.ts";
import { detectCapabilities } from "./capabilities.ts";
import { mergeExtraArgs, parseExtraArgs, type ExtraArg } from "./extra-args.ts";
import { checkExtraArgs } from "./component-flags.ts";
import { schedulerConfig } from "./scheduler-config.ts";
import { cacheDir, repoRoot } from "./paths.ts";
import type { ClusterInfo, NodeTaint, Provider } from "./types.ts";
import { progress } from "../progress.ts";
import { answers, leftByDeadRun, removeLeftovers } from "./leftovers.ts";
import { kwokctlStart, supervise } from "./supervisor.ts";
import { hostLock } from "./host-lock.ts";
import { pickPorts, reservedPorts, type Ports } from "./local-ports.ts";
import { customMetricsBinary, startCustomMetrics, stopCustomMetrics } from "./custom-metrics.ts";

const here = path.join(repoRoot, "harness", "cluster", "local");
export const kwokWorkdir = path.join(cacheDir, "kwok-workdir");
export const nodeCount = 3;

/** Component flags the local provider needs; KUBEPROOF_EXTRA_ARGS can override each one. */
const defaultArgs: ExtraArg[] = [
  // In-tree hostPath dynamic provisioning: the default StorageClass of this provider.
  { component: "kube-controller-manager", key: "enable-hostpath-provisioner", value: "true" },
  // Fake nodes have no addresses but a Hostname (kwok's endpoint on localhost).
  { component: "metrics-server", key: "kubelet-preferred-address-types", value: "Hostname", override: true },
];

function env(): NodeJS.ProcessEnv {
  return { ...process.env, KWOK_WORKDIR: kwokWorkdir };
}

/** Runs the toolchain script (cached binaries return at once; otherwise builds with progress). */
export function ensureBinaries(): string {
  const out = execFileSync("bash", [path.join(repoRoot, "scripts", "toolchain.sh")], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  const dir = out.trim().split("\n").pop()!;
  if (!existsSync(path.join(dir, "kwokctl"))) throw new Error(`toolchain did not produce kwokctl in ${dir}`);
  return dir;
}

export function kwokctlConfig(bin: string, args: ExtraArg[], runMs: number, scheduler?: string, ports?: Ports): string {
  const byComponent = new Map<string, { key: string; value: string; override?: boolean }[]>();
  for (const a of args) {
    const list = byComponent.get(a.component) ?? [];
    list.push({ key: a.key, value: a.value, ...(a.override ? { override: true } : {}) });
    byComponent.set(a.component, list);
  }
  const config = {
    apiVersion: "config.kwok.x-k8s.io/v1alpha1",
    kind: "KwokctlConfiguration",
    options: {
      runtime: "binary",
      bindAddress: "127.0.0.1",
      kubeBinaryPrefix: bin,
      kubectlBinary: path.join(bin, "kubectl"),
      etcdBinary: path.join(bin, "etcd"),
      kwokControllerBinary: path.join(bin, "kwok"),
      metricsServerBinary: path.join(bin, "metrics-server"),
      metricsServerManifests: [path.join(here, "metrics-server")],
      enable: ["metrics-server"],
      ...(scheduler ? { kubeSchedulerConfig: scheduler } : {}),
      ...ports,
    },
    componentsPatches: [...byComponent].map(([name, extraArgs]) => ({ name, extraArgs })),
  };
  const stages = readFileSync(path.join(here, "stages.yaml"), "utf8").replaceAll("${RUN_MS}", String(runMs));
  return `${stringify(config)}---\n${stages}`;
}

export class LocalProvider implements Provider {
  private created = false;
  /** The process group of a creation in progress. */
  private creating?: number;
  private kwokctlPath = "";
  private stopSupervisor = () => undefined as void;
  readonly name: string;
  private readonly keep: boolean;
  constructor(name: string, keep: boolean) {
    this.name = name;
    this.keep = keep;
  }

  private get clusterDir(): string {
    return path.join(kwokWorkdir, "clusters", this.name);
  }

  /** The settings the cluster was made with, compared when a kept cluster is reused. */
  private get configFile(): string {
    return path.join(kwokWorkdir, `${this.name}.config.yaml`);
  }

  /** The settings plus the ports picked for this creation: what kwokctl is given. */
  private get createFile(): string {
    return path.join(kwokWorkdir, `${this.name}.create.yaml`);
  }

  async up(): Promise<ClusterInfo> {
    // Bad configuration fails before anything is built or started.
    const runMs = Number(process.env.KUBEPROOF_POD_RUN_MS ?? "1500");
    if (!Number.isInteger(runMs) || runMs < 0) throw new Error(`KUBEPROOF_POD_RUN_MS must be a whole number of milliseconds, got "${process.env.KUBEPROOF_POD_RUN_MS}"`);
    const args = mergeExtraArgs(defaultArgs, parseExtraArgs(process.env.KUBEPROOF_EXTRA_ARGS));
    const scheduler = schedulerConfig();
    const phases: Record<string, number> = {};
    let t = Date.now();
    const bin = ensureBinaries();
    phases.binaries = Date.now() - t;
    const kwokctl = (this.kwokctlPath = path.join(bin, "kwokctl"));
    mkdirSync(kwokWorkdir, { recursive: true });
    const kubeconfig = path.join(this.clusterDir, "kubeconfig.yaml");
    const versions = JSON.parse(readFileSync(path.join(bin, "versions.json"), "utf8")) as { kubernetes: string };
    // A flag, controller, gate or admission plugin this version does not have fails here, named.
    checkExtraArgs(bin, versions.kubernetes, args);

    t = Date.now();
    let existing = removeLeftovers("local", kwokctl, ["get", "clusters"], (n) => ["delete", "cluster", "--name", n], {
      env: env(),
      timeoutMs: 60_000,
      before: (n) => stopCustomMetrics(path.join(kwokWorkdir, "clusters", n)),
    });
    if (!existing) {
      const $ = await shell();
      existing = (await $({ env: env(), quiet: true })`${kwokctl} get clusters`).stdout.split("\n").map((s) => s.trim());
    }
    // The settings files of runs that are gone: those whose clusters were just removed, and those
    // left before down() removed its own (until 2026-12-04).
    for (const f of readdirSync(kwokWorkdir)) {
      const run = /^(.+)\.(config|create)\.yaml$/.exec(f)?.[1];
      if (run && leftByDeadRun(run)) rmSync(path.join(kwokWorkdir, f), { force: true });
    }
    let reused = false;
    phases.clusters = Date.now() - t;
    const configFile = this.configFile;
    const config = kwokctlConfig(bin, args, runMs, scheduler);
    if (existing.includes(this.name)) {
      // A kept cluster made with other component flags, scheduler configuration, pod run time or
      // binaries is not the cluster this run asks for (a "broken cluster" run would pass on a healthy one).
      const sameSettings = existsSync(configFile) && readFileSync(configFile, "utf8") === config;
      if (this.keep && !sameSettings) progress(`local: kept cluster ${this.name} was made with other settings (KUBEPROOF_EXTRA_ARGS, KUBEPROOF_SCHEDULER_CONFIG, KUBEPROOF_POD_RUN_MS or the toolchain): making it afresh`);
      if (this.keep && sameSettings && (await answers(kubeconfig))) {
        reused = true;
        progress(`local: reusing kept cluster ${this.name}`);
      } else {
        // The custom metrics server is ours, not kwokctl's: it goes first, or it outlives the cluster.
        stopCustomMetrics(this.clusterDir);
        const $ = await shell();
        await $({ env: env(), quiet: true, nothrow: true })`${kwokctl} delete cluster --name ${this.name}`;
      }
    }
    if (!reused) {
      writeFileSync(configFile, config);
      t = Date.now();
      progress(`local: starting control plane ${this.name} (etcd, apiserver, controller-manager, scheduler, kwok, metrics-server)`);
      this.created = true;
      // One creation at a time on this host, ports picked and cluster made under the same lock:
      // two creations at once could pick the same ports (harness/cluster/local-ports.ts).
      const release = await hostLock(path.join(kwokWorkdir, ".create.lock"), `creating local cluster ${this.name}`);
      try {
        const ports = await pickPorts(reservedPorts(path.join(kwokWorkdir, "clusters")));
        writeFileSync(this.createFile, kwokctlConfig(bin, args, runMs, scheduler, ports));
        // In a process group of its own: a run interrupted mid-creation kills the whole creation
        // (kwokctl and what it started so far) before deleting the cluster (downSync).
        const $ = await shell();
        const creation = $({ env: env(), quiet: true, nothrow: true, timeout: "300s", detached: true })`${kwokctl} create cluster --name ${this.name} --config ${this.createFile} --wait 2m`;
        this.creating = creation.pid;
        const r = await creation.finally(() => (this.creating = undefined));
        if (r.exitCode !== 0) {
          throw new Error(`kwokctl create cluster failed (exit ${r.exitCode}):\n${(r.stderr || r.stdout).split("\n").slice(-25).join("\n")}\nComponent logs: ${path.join(kwokWorkdir, "clusters", this.name, "logs")}`);
        }
      } finally {
        release();
        rmSync(this.createFile, { force: true });
      }
      phases.controlPlane = Date.now() - t;
    }
    this.stopSupervisor = supervise(this.name, this.clusterDir, kwokctlStart(kwokctl, this.name, env()));
    const api = Api.fromFile(kubeconfig);
    // Built only where Go is (scripts/toolchain.sh); without it the custom metrics specs skip.
    const customMetrics = existsSync(path.join(bin, customMetricsBinary));
    const timed = async <T>(phase: string, step: () => Promise<T>): Promise<T> => {
      const start = Date.now();
      const r = await step();
      phases[phase] = Date.now() - start;
      return r;
    };
    // Side by side: they do not depend on each other, and on a kept cluster they are most of a run's set-up.
    const [capabilities] = await Promise.all([
      // The capabilities are read from the nodes, so after them.
      timed("nodesReady", () => ensureNodes(api)).then(() =>
        timed("capabilities", () => detectCapabilities(api, { addNodes: "fake", hostPathProvisioner: true, hostPathProvisionerMissing: hostPathDirRefused(), controllerManagerFiles: true, nodeFilesystem: "host", customMetrics, resourceMetrics: true })),
      ),
      timed("defaultClass", () => ensureDefaultStorageClass(api)),
      customMetrics ? timed("customMetrics", () => startCustomMetrics(api, bin, this.clusterDir, kubeconfig, reused)) : undefined,
    ]);
    return {
      provider: "local",
      name: this.name,
      kubeconfig,
      kubeVersion: versions.kubernetes,
      owned: !this.keep,
      phases,
      runId: "",
      // The control plane runs on this host (its files are ours) and kwok plays the nodes' kubelets.
      ...capabilities,
    };
  }

  async down(): Promise<void> {
    this.stopSupervisor();
    if (this.keep || !this.created) return;
    this.downSync();
  }

  downSync(): void {
    this.stopSupervisor();
    if (this.creating) {
      try {
        process.kill(-this.creating, "SIGKILL");
      } catch {
        // ended meanwhile
      }
      this.creating = undefined;
    }
    if (this.keep) return;
    // started also on a reused cluster; never left running without its apiserver
    stopCustomMetrics(this.clusterDir);
    if (!this.created) return;
    try {
      execFileSync(this.kwokctlPath, ["delete", "cluster", "--name", this.name], { env: env(), stdio: "ignore", timeout: 60_000 });
    } catch {
      // already gone
    }
    rmSync(this.configFile, { force: true });
    this.created = false;
  }
}

/** Fake nodes through the API, with no addresses (kwok fills in Hostname only). */
async function ensureNodes(api: Api): Promise<void> {
  for (let i = 0; i < nodeCount; i++) {
    const name = `kwok-node-${i}`;
    if (await api.getOrNull("v1", "Node", name)) continue;
    await api.create(fakeNode(name));
  }
  await waitFor(
    api,
    onList({ apiVersion: "v1", kind: "Node", labelSelector: "type=kwok" }, `${nodeCount} fake nodes to be Ready`, "controller", (nodes) =>
      nodes.filter((n) => conditionOf(n, "Ready")?.status === "True").length >= nodeCount ? met(nodes) : notYet(),
    ),
  );
}

export function fakeNode(name: string, labels: Record<string, string> = {}, taints: NodeTaint[] = []) {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      // The node lifecycle controller mirrors os/arch into the beta labels a moment after a node
      // appears; setting them here keeps node state still from the start.
      labels: {
        type: "kwok",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "beta.kubernetes.io/arch": "amd64",
        ...labels,
      },
      annotations: {
        "kwok.x-k8s.io/node": "fake",
        "node.alpha.kubernetes.io/ttl": "0",
        // metrics-server asks kwok for this node's resource metrics at this path.
        "metrics.k8s.io/resource-metrics-path": `/metrics/nodes/${name}/metrics/resource`,
      },
    },
    spec: taints.length ? { taints } : {},
  };
}

async function ensureDefaultStorageClass(api: Api): Promise<void> {
  if (await api.getOrNull("storage.k8s.io/v1", "StorageClass", "standard")) return;
  await api.create({
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    provisioner: "kubernetes.io/host-path",
    reclaimPolicy: "Delete",
    volumeBindingMode: "Immediate",
  });
}

/**
 * The in-tree hostPath provisioner of the local controller manager makes each volume under
 * /tmp/hostpath_pv, a path fixed in Kubernetes: where another user's runs made it and this user
 * cannot write it, nothing is provisioned, and the tests that need it skip with this reason.
 */
function hostPathDirRefused(dir = "/tmp/hostpath_pv"): string | undefined {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    return undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    const st = statSync(dir);
    return `the in-tree hostPath provisioner makes its volumes under ${dir}, which this user (uid ${process.getuid?.()}) cannot write: it belongs to uid ${st.uid}, mode ${(st.mode & 0o777).toString(8)} (another user's runs made it; remove it or run as that user)`;
  }
}
