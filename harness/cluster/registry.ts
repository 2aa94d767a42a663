// The registry mirror: the CNCF distribution registry (images.json "registry") in a container on
// the kind network, serving the images a run's pods use under their public names, so kind nodes
// pull them through a real registry API where no public registry answers. testcontainers owns the
// container's life: it is started, waited for (its /v2/ endpoint) and removed with the process
// that uses it; Ryuk removes it even if that process is killed, where Ryuk's image can be had.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { GenericContainer, Wait, type StartedTestContainer } from "testcontainers";
import { $ } from "zx";
import { imageList } from "../images.js";
import { progress } from "../progress.js";
import { cacheDir } from "./paths.js";
import { dockerHasImage } from "./kind.js";

/** The registry's name on the kind network: what the nodes' hosts.toml points at. */
const mirrorAlias = "kubeproof-registry";
const ryukImage = "testcontainers/ryuk:0.14.0";
const builtList = path.join(cacheDir, "kind", "images", "built.list");

export interface Mirror {
  /** host:port the kind nodes reach it at (KUBEPROOF_REGISTRY_MIRROR). */
  inCluster: string;
  stop(): Promise<void>;
}

/**
 * Ryuk (testcontainers' reaper) needs its image; on a machine where no registry answers
 * (KUBEPROOF_OFFLINE=1) and the image is not there it cannot be pulled: it is disabled, with a
 * message, and the mirror's own stop() (also on SIGINT/SIGTERM) removes the container.
 */
function decideRyuk(): string | undefined {
  if (process.env.TESTCONTAINERS_RYUK_DISABLED) return undefined;
  if (process.env.KUBEPROOF_OFFLINE === "1" && !dockerHasImage(ryukImage)) {
    process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
    return `Ryuk is disabled: its image ${ryukImage} is not on this machine and KUBEPROOF_OFFLINE=1 says no registry answers; the mirror is removed by kubeproof itself when the command ends or is interrupted`;
  }
  return undefined;
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

export async function startMirror(network = "kind"): Promise<Mirror> {
  const note = decideRyuk();
  if (note) progress(note);
  // Inside a container, testcontainers would look for the engine's gateway; the engine is local.
  if (!process.env.DOCKER_HOST && !process.env.TESTCONTAINERS_HOST_OVERRIDE) process.env.TESTCONTAINERS_HOST_OVERRIDE = "127.0.0.1";
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
  const stop = async () => {
    await container.stop({ remove: true, removeVolumes: true }).catch(() => undefined);
  };
  try {
    for (const { ref: image, tar } of images) {
      if (!dockerHasImage(image)) await $({ quiet: true })`docker load -i ${tar}`;
      const target = `${onHost}/${mirrorPath(image)}`;
      const p = Date.now();
      await $({ quiet: true })`docker tag ${image} ${target}`;
      await $({ quiet: true })`docker push ${target}`;
      await $({ quiet: true, nothrow: true })`docker rmi ${target}`;
      progress(`registry mirror: pushed ${image} in ${((Date.now() - p) / 1000).toFixed(1)} s`);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { inCluster: `${mirrorAlias}:5000`, stop };
}
