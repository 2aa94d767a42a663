// The registry mirror: the CNCF distribution registry (images.json "registry") in a container on
// the kind network, serving the images a run's pods use under their public names, so kind nodes
// pull them through a real registry API where no public registry answers. testcontainers owns the
// container's life: it is started, waited for (its /v2/ endpoint) and removed with the process
// that uses it; Ryuk removes it even if that process is killed, where Ryuk's image can be had.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { GenericContainer, Wait, type StartedTestContainer } from "testcontainers";
import { shell } from "../shell.ts";
import { imageList } from "../images.ts";
import { progress } from "../progress.ts";
import { cacheDir } from "./paths.ts";
import { dockerHasImage } from "./docker.ts";
import { dockerPullsThrough } from "./docker-mirror.ts";
import { prepareTestcontainers } from "./testcontainers.ts";

/** The registry's name on the kind network: what the nodes' hosts.toml points at. */
const mirrorAlias = "kubeproof-registry";
const builtList = path.join(cacheDir, "kind", "images", "built.list");

export interface Mirror {
  /** host:port the kind nodes reach it at (KUBEPROOF_REGISTRY_MIRROR). */
  inCluster: string;
  /** The node image's docker.io reference on the mirror, where one was asked for (KUBEPROOF_KIND_NODE_IMAGE). */
  nodeImage?: string;
  stop(): Promise<void>;
}

/** kubeproof/node:v1.34.4-abc -> docker.io/kubeproof/kind-node:v1.34.4-abc: a name not on this machine, so kind must pull it. */
export function mirroredNodeImage(local: string): string {
  return `docker.io/kubeproof/kind-node:${local.replace(/^.*:/, "")}`;
}

/** The workload images built here (scripts/kind/build-images.sh): reference and archive. */
function builtWorkloadImages(): { ref: string; tar: string }[] {
  if (!existsSync(builtList)) throw new Error(`no images were built here (${builtList} is missing): run npm run kind:image first`);
  return readFileSync(builtList, "utf8")
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[0] === "workload" && f[2])
    .map(([, ref, tar]) => ({ ref: ref!, tar: tar! }));
}

/** docker.io/library/busybox:1.37.0 -> library/busybox:1.37.0 (the repository path on the mirror). */
export function mirrorPath(ref: string): string {
  return ref.slice(ref.indexOf("/") + 1);
}

/**
 * Starts the mirror and pushes the workload images built here. With `nodeImage` (a node image on
 * this machine) it also serves that image under mirroredNodeImage() and points the Docker engine's
 * docker.io pulls at the mirror, so the kind provider given that reference pulls it.
 */
export async function startMirror(network = "kind", opts: { nodeImage?: string } = {}): Promise<Mirror> {
  const $ = await shell();
  const note = prepareTestcontainers();
  if (note) progress(note);
  const images = builtWorkloadImages();
  if ((await $({ quiet: true, nothrow: true })`docker network inspect ${network}`).exitCode !== 0) {
    await $({ quiet: true })`docker network create --driver bridge --subnet ${process.env.KUBEPROOF_KIND_SUBNET ?? "172.18.0.0/16"} ${network}`;
  }
  const ref = imageList().cluster.registry!.ref;
  const t = Date.now();
  const container: StartedTestContainer = await new GenericContainer(ref)
    .withName(`${mirrorAlias}-${process.pid}`)
    .withNetworkMode(network)
    .withNetworkAliases(mirrorAlias)
    .withExposedPorts(5000)
    .withWaitStrategy(Wait.forHttp("/v2/", 5000).forStatusCode(200))
    .withStartupTimeout(60_000)
    .start();
  const onHost = `127.0.0.1:${container.getMappedPort(5000)}`;
  progress(`registry mirror ${ref} up in ${((Date.now() - t) / 1000).toFixed(1)} s at ${onHost} (${mirrorAlias}:5000 on the ${network} network)`);
  const undo: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const u of undo.reverse()) await u().catch((e: unknown) => progress(`registry mirror: ${(e as Error).message}`));
    await container.stop({ remove: true, removeVolumes: true }).catch(() => undefined);
  };
  /** Serves the local image `local` at the repository path of `as` (tag, push, drop the tag). */
  const push = async (local: string, as: string) => {
    const target = `${onHost}/${mirrorPath(as)}`;
    const p = Date.now();
    await $({ quiet: true })`docker tag ${local} ${target}`;
    await $({ quiet: true })`docker push ${target}`;
    await $({ quiet: true, nothrow: true })`docker rmi ${target}`;
    return ((Date.now() - p) / 1000).toFixed(1);
  };
  let nodeImage: string | undefined;
  try {
    if (opts.nodeImage) {
      if (!dockerHasImage(opts.nodeImage)) throw new Error(`the node image ${opts.nodeImage} is not on this machine (npm run kind:image builds it)`);
      nodeImage = mirroredNodeImage(opts.nodeImage);
      // A copy pulled by an earlier run would let kind skip the pull.
      await $({ quiet: true, nothrow: true })`docker rmi ${nodeImage}`;
      progress(`registry mirror: pushed the node image ${opts.nodeImage} as ${nodeImage} in ${await push(opts.nodeImage, nodeImage)} s`);
      undo.push(await dockerPullsThrough(onHost));
      undo.push(async () => void (await $({ quiet: true, nothrow: true })`docker rmi ${nodeImage}`));
      progress(`registry mirror: the Docker engine pulls docker.io through ${onHost} until the command ends`);
    }
    for (const { ref: image, tar } of images) {
      if (!dockerHasImage(image)) await $({ quiet: true })`docker load -i ${tar}`;
      progress(`registry mirror: pushed ${image} in ${await push(image, image)} s`);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { inCluster: `${mirrorAlias}:5000`, nodeImage, stop };
}
