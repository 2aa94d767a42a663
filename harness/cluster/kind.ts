// The `kind` provider: a real cluster of Docker containers (1 control-plane + 2 workers) from the
// stock kindest/node image of the pinned kind release, or, where no registry answers, from a node
// image assembled here by scripts/kind/. Containers really run, so exec, logs, node files and real
// CPU load work; resource usage is measured by metrics-server.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { shell } from "../shell.ts";
import { blamed } from "../failures.ts";
import { Api } from "../api/client.ts";
import { cacheDir, repoRoot } from "./paths.ts";
import type { ClusterInfo, NodeTaint, Provider } from "./types.ts";
import { progress } from "../progress.ts";
import { answers, removeLeftovers } from "./leftovers.ts";
import { detectCapabilities } from "./capabilities.ts";
import { imageList } from "../images.ts";
import type { StartedTestContainer } from "testcontainers";
import { startKindNode } from "./kind-node.ts";
import { prepareTestcontainers } from "./testcontainers.ts";
import { dockerHasImage } from "./docker.ts";
import { parseExtraArgs, type ExtraArg } from "./extra-args.ts";
import { kubeadmPatch } from "./kind-kubeadm-patch.ts";
import { checkExtraArgs, kubeComponents } from "./component-flags.ts";
import { describeThrottle, nodeThrottleFromEnv, throttleContainer, type NodeThrottle } from "./node-throttle.ts";

const scripts = path.join(repoRoot, "scripts", "kind");
export const kindKubeconfigDir = path.join(cacheDir, "kind", "kubeconfig");

/** Runs a scripts/kind/ step, streaming its progress (stderr) and returning its last stdout line. */
async function step(...call: [env: Record<string, string>, script: string, ...args: string[]] | [script: string, ...args: string[]]): Promise<string> {
  const $ = await shell();
  const env = typeof call[0] === "string" ? {} : (call.shift() as Record<string, string>);
  const [script, ...args] = call as string[];
  const p = $({ quiet: true, nothrow: true, env: { ...process.env, ...env } })`bash ${path.join(scripts, script!)} ${args}`;
  p.stderr.on("data", (d: Buffer) => process.stderr.write(d));
  const r = await p;
  if (r.exitCode !== 0) throw blamed(new Error(`scripts/kind/${script} failed (exit ${r.exitCode}):\n${r.stderr.split("\n").slice(-25).join("\n")}`), { on: "suite", failure: "tool" });
  return r.stdout.trim().split("\n").pop() ?? "";
}

/** The kind CLI (built from the Go module proxy into the cache on first use). */
export async function kindBinary(): Promise<string> {
  return step("build-kind.sh");
}

/** Runs a command on a kind node (a container) through `docker exec`; returns its stdout. */
export async function nodeExec(node: string, command: string[], input?: string): Promise<string> {
  const $ = await shell();
  const r = await $({ quiet: true, nothrow: true, input })`docker exec -i ${node} ${command}`;
  if (r.exitCode !== 0) throw blamed(new Error(`docker exec ${node} ${command.join(" ")} failed (exit ${r.exitCode}): ${r.stderr.trim()}`), { on: "suite", failure: "tool" });
  return r.stdout;
}

/**
 * A new worker joins the running cluster for real (another node container, kubeadm join, pod
 * network wired); resolves when it is a member. leaveNode undoes it.
 */
export async function joinNode(cluster: string, node: string, kubeconfig: string, taint: NodeTaint): Promise<void> {
  const $ = await shell();
  const note = prepareTestcontainers();
  if (note) progress(note);
  const image = (await $({ quiet: true })`docker inspect -f {{.Config.Image}} ${cluster}-worker`).stdout.trim();
  const t = Date.now();
  joined.set(node, await startKindNode(image, cluster, node));
  progress(`kind: node container ${node} up in ${((Date.now() - t) / 1000).toFixed(1)} s (testcontainers)`);
  await step("join-node.sh", cluster, node, kubeconfig, `${taint.key}=${taint.value}:${taint.effect}`);
}

/** The node's container is removed, then its Node object and the routes to its pod CIDR. */
export async function leaveNode(cluster: string, node: string, kubeconfig: string): Promise<void> {
  await joined.get(node)?.stop({ remove: true, removeVolumes: true });
  joined.delete(node);
  await step("leave-node.sh", cluster, node, kubeconfig);
}

/** Node containers this process started, by name. */
const joined = new Map<string, StartedTestContainer>();

export class KindProvider implements Provider {
  private created = false;
  private kind = "";
  readonly name: string;
  private readonly keep: boolean;
  constructor(name: string, keep: boolean) {
    this.name = name;
    this.keep = keep;
  }

  get kubeconfig(): string {
    return path.join(kindKubeconfigDir, `${this.name}.yaml`);
  }

  async up(): Promise<ClusterInfo> {
    const $ = await shell();
    // Silently ignoring it would make a "broken cluster" run pass on a healthy one.
    if (process.env.KUBEPROOF_SCHEDULER_CONFIG) throw new Error("KUBEPROOF_SCHEDULER_CONFIG is applied by the local provider only; the kind provider would ignore it. Unset it or use KUBEPROOF_PROVIDER=local");
    const args = parseExtraArgs(process.env.KUBEPROOF_EXTRA_ARGS);
    const patch = kubeadmPatch(args);
    const throttle = nodeThrottleFromEnv();
    const phases: Record<string, number> = {};
    let t = Date.now();
    progress("kind: checking the Docker engine, the kind CLI and the node image");
    await step("host-setup.sh");
    this.kind = await kindBinary();
    const image = await this.nodeImage();
    const kubeVersion = image.replace(/@.*$/, "").replace(/^.*:/, "").replace(/-[0-9a-f]+$/, "");
    phases.image = Date.now() - t;
    if (args.length) checkKindArgs(kubeVersion, args);
    // What the cluster was made with: a kept cluster is reused only for the same image and flags.
    const settings = JSON.stringify({ image, extraArgs: args });
    const settingsFile = path.join(kindKubeconfigDir, `${this.name}.settings.json`);

    removeLeftovers("kind", this.kind, ["get", "clusters"], (n) => ["delete", "cluster", "--name", n], { timeoutMs: 120_000 });
    const existing = (await $({ quiet: true })`${this.kind} get clusters`).stdout.split("\n").map((s) => s.trim());
    let reused = false;
    if (existing.includes(this.name)) {
      const sameSettings = existsSync(settingsFile) ? readFileSync(settingsFile, "utf8") === settings : !args.length;
      if (this.keep && !sameSettings) progress(`kind: kept cluster ${this.name} was made with other KUBEPROOF_EXTRA_ARGS: making it afresh`);
      if (this.keep && sameSettings && (await answers(this.kubeconfig)) && (await nodeImageOf(this.name)) === image) {
        reused = true;
        progress(`kind: reusing kept cluster ${this.name}`);
      } else {
        progress(`kind: deleting the old cluster ${this.name}`);
        await $({ quiet: true, nothrow: true })`${this.kind} delete cluster --name ${this.name}`;
      }
    }
    if (!reused) {
      t = Date.now();
      mkdirSync(kindKubeconfigDir, { recursive: true });
      this.created = true;
      rmSync(settingsFile, { force: true });
      if (patch) progress(`kind: control plane flags from KUBEPROOF_EXTRA_ARGS: ${args.map((a) => `${a.component} --${a.key}=${a.value}`).join(", ")}`);
      await step({ KUBEADM_CONFIG_PATCH: patch }, "create-cluster.sh", this.name, image, this.kubeconfig);
      writeFileSync(settingsFile, settings);
      phases.cluster = Date.now() - t;
    }
    await this.throttleNodes(throttle);
    t = Date.now();
    const version = await Api.fromFile(this.kubeconfig).request<{ gitVersion: string }>("GET", "/version");
    phases.connect = Date.now() - t;
    return {
      provider: "kind",
      name: this.name,
      kubeconfig: this.kubeconfig,
      kubeVersion: version.gitVersion ?? kubeVersion,
      owned: !this.keep,
      phases,
      runId: "",
      ...(await detectCapabilities(Api.fromFile(this.kubeconfig))),
    };
  }

  /**
   * Each node container slower than the machine (harness/cluster/node-throttle.ts): how a slow
   * laptop's run reads (green, or inconclusive with the slowness named), and that a broken
   * controller still reads contradicted under the same load. Nodes a test joins are not throttled.
   */
  private async throttleNodes(throttle: NodeThrottle | undefined): Promise<void> {
    const $ = await shell();
    if (!throttle) return;
    const nodes = (await $({ quiet: true })`${this.kind} get nodes --name ${this.name}`).stdout.split("\n").map((n) => n.trim()).filter(Boolean);
    for (const node of nodes) await throttleContainer(node, throttle);
    progress(`kind: nodes ${nodes.join(", ")} throttled ${describeThrottle(throttle)}`);
  }

  /**
   * The node image: KUBEPROOF_KIND_NODE_IMAGE when given (kind pulls it if it is not here), else
   * the stock kindest/node of the pinned kind release, by digest, where a registry answers, else
   * (KUBEPROOF_OFFLINE=1, or the pull failed) the image assembled here from the Go module proxy.
   */
  private async nodeImage(): Promise<string> {
    const $ = await shell();
    const asked = process.env.KUBEPROOF_KIND_NODE_IMAGE;
    if (asked) {
      progress(`kind: node image ${asked} (KUBEPROOF_KIND_NODE_IMAGE)`);
      return asked;
    }
    const stock = imageList().cluster["kind-node"]!.ref;
    if (process.env.KUBEPROOF_OFFLINE !== "1") {
      if (dockerHasImage(stock)) return stock;
      progress(`kind: pulling ${stock}`);
      const r = await $({ quiet: true, nothrow: true, timeout: "600s" })`docker pull ${stock}`;
      if (r.exitCode === 0) return stock;
      progress(`kind: ${stock} could not be pulled (${r.stderr.trim().split("\n").pop()}); assembling a node image here instead (cold: minutes)`);
    } else {
      progress("kind: KUBEPROOF_OFFLINE=1: assembling the node image here (cold: minutes, then cached)");
    }
    return step("build-node-image.sh");
  }

  async down(): Promise<void> {
    const $ = await shell();
    if (this.keep || !this.created) return;
    // The nodes' logs (kubelet, containerd, the control plane's pods) outlive the cluster where asked: a CI job keeps them.
    const logs = process.env.KUBEPROOF_KIND_LOGS;
    if (logs) {
      progress(`kind: exporting the nodes' logs of ${this.name} to ${logs}`);
      const r = await $({ quiet: true, nothrow: true, timeout: "120s" })`${this.kind} export logs ${logs} --name ${this.name}`;
      if (r.exitCode !== 0) progress(`kind: the nodes' logs could not be exported: ${r.stderr.trim()}`);
    }
    progress(`kind: deleting cluster ${this.name}`);
    await $({ quiet: true, nothrow: true })`${this.kind} delete cluster --name ${this.name}`;
    this.created = false;
  }

  downSync(): void {
    if (this.keep || !this.created) return;
    try {
      execFileSync(this.kind, ["delete", "cluster", "--name", this.name], { stdio: "ignore", timeout: 120_000 });
    } catch {
      // already gone
    }
    this.created = false;
  }
}

/**
 * A flag, controller or plugin the node image's Kubernetes does not have keeps its static pod from
 * starting, and kind gives up minutes later with a timeout: checked first against the same
 * version's binaries where this machine has them (the local provider's cache).
 */
function checkKindArgs(kubeVersion: string, args: ExtraArg[]): void {
  const bin = path.join(cacheDir, "kubernetes", kubeVersion);
  const needed = kubeComponents.filter((c) => args.some((a) => a.component === c));
  if (needed.every((c) => existsSync(path.join(bin, c)))) checkExtraArgs(bin, kubeVersion, args);
  else progress(`kind: KUBEPROOF_EXTRA_ARGS not checked before the cluster starts (no ${kubeVersion} binaries in ${bin}): a flag the version lacks shows as a control plane that does not start`);
}

/** The node image a kind cluster's control plane runs ("" when it has none). */
async function nodeImageOf(cluster: string): Promise<string> {
  const $ = await shell();
  const r = await $({ quiet: true, nothrow: true })`docker inspect -f {{.Config.Image}} ${cluster}-control-plane`;
  return r.stdout.trim();
}
