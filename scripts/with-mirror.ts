// `npm run with-mirror -- [--node-image <ref>] <command> [args...]`: runs the command with the
// registry mirror up (harness/cluster/registry.ts) and KUBEPROOF_REGISTRY_MIRROR set to its address
// on the kind network, then removes the mirror, also when the command fails or the run is
// interrupted. The kind scripts then point every node's containerd at it for docker.io and
// registry.k8s.io. With --node-image (a node image on this machine), the mirror also serves it
// under another docker.io name, the Docker engine pulls docker.io through the mirror, and the
// command gets KUBEPROOF_KIND_NODE_IMAGE set to that name: the kind provider pulls its node image.
import { execFileSync, spawn } from "node:child_process";
import { startMirror } from "../harness/cluster/registry.ts";

const argv = process.argv.slice(2);
let nodeImage: string | undefined;
if (argv[0] === "--node-image") {
  nodeImage = argv[1];
  argv.splice(0, 2);
}
const [cmd, ...args] = argv;
if (!cmd || nodeImage === "") {
  console.error("usage: npm run with-mirror -- [--node-image <local node image>] <command> [args...]");
  process.exit(2);
}
const mirror = await startMirror("kind", { nodeImage });
let stopping: Promise<void> | undefined;
const stop = () => (stopping ??= mirror.stop());
const env = { ...process.env, KUBEPROOF_REGISTRY_MIRROR: mirror.inCluster, ...(mirror.nodeImage ? { KUBEPROOF_KIND_NODE_IMAGE: mirror.nodeImage } : {}) };
const child = spawn(cmd, args, { stdio: "inherit", env });
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
const code = await new Promise<number>((resolve) => child.on("exit", (c, s) => resolve(c ?? (s ? 128 + 15 : 1))));
if (mirror.nodeImage) {
  // A pulled image carries the registry's digest; one that was only tagged here would not.
  let digests: string;
  try {
    digests = execFileSync("docker", ["image", "inspect", "-f", "{{join .RepoDigests \" \"}}", mirror.nodeImage], { encoding: "utf8" }).trim();
  } catch {
    digests = "(not on this machine: nothing pulled it)";
  }
  console.error(`[with-mirror] ${mirror.nodeImage} as pulled from the mirror: ${digests}`);
}
await stop();
process.exit(code);
