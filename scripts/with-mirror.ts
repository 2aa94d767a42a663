// `npm run with-mirror -- <command> [args...]`: runs the command with the registry mirror up
// (harness/cluster/registry.ts) and KUBEPROOF_REGISTRY_MIRROR set to its address on the kind
// network, then removes the mirror, also when the command fails or the run is interrupted.
// The kind scripts then point every node's containerd at it for docker.io and registry.k8s.io.
import { spawn } from "node:child_process";
import { startMirror } from "../harness/cluster/registry.js";

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error("usage: npm run with-mirror -- <command> [args...]");
  process.exit(2);
}
const mirror = await startMirror();
let stopping: Promise<void> | undefined;
const stop = () => (stopping ??= mirror.stop());
const child = spawn(cmd, args, { stdio: "inherit", env: { ...process.env, KUBEPROOF_REGISTRY_MIRROR: mirror.inCluster } });
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
const code = await new Promise<number>((resolve) => child.on("exit", (c, s) => resolve(c ?? (s ? 128 + 15 : 1))));
await stop();
process.exit(code);
