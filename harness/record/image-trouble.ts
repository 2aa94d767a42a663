// A pod that cannot get its image will never do what a test waits for: the wait fails at once,
// naming the pod, the image and the kubelet's Warning event, as an infrastructure problem (the
// cluster could not run the test), not as the cluster contradicting the tutorial.
import type { KubeObject } from "../api/client.ts";
import type { CoreEvent, Pod } from "../api/kinds.ts";
import { suiteBlind } from "../failures.ts";

/** The kubelet's waiting reasons that mean the image cannot be had (retrying will not help soon). */
const imageReasons = new Set(["ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName"]);

/**
 * The runtime could not create the container: it could not set up its cgroup (on cgroup v1 a
 * container's CPU quota cannot exceed its node's: seen with the node containers throttled below a
 * pod's limit), or its shim did not start in time (kind pinned to one core: "failed to create
 * containerd task: failed to create shim task: context deadline exceeded", the container's
 * command never ran and a Job counted the pod failed). The node could not run the pod, whatever
 * the behaviour under test.
 */
const runtimeCannotCreate = /error setting cgroup config|failed to write "?\d+"?: write \/sys\/fs\/cgroup|failed to create shim task: context deadline exceeded/;

/** Messages of failures the suite could not help: the ledger reads them as inconclusive. */
export const infrastructurePrefix = suiteBlind.infrastructure;

export class InfrastructureError extends Error {
  constructor(message: string) {
    super(`${infrastructurePrefix} ${message}`);
    this.name = "InfrastructureError";
  }
}

/** The first pod among `objects` whose container cannot get its image, described with its event. */
export function imageTrouble(objects: Iterable<KubeObject>): InfrastructureError | undefined {
  const all = [...objects];
  for (const o of all) {
    if (o.kind !== "Pod") continue;
    const pod = o as Pod;
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const cs of statuses) {
      // The last attempt of a restarted container, or the only one of a pod that is not restarted.
      const ended = [cs.lastState?.terminated, cs.state?.terminated].find((t) => t?.message && runtimeCannotCreate.test(t.message));
      if (ended?.message) {
        return new InfrastructureError(
          `pod ${pod.metadata.namespace}/${pod.metadata.name} cannot run on node ${pod.spec?.nodeName}: its container runtime could not create container ${cs.name} (${ended.reason ?? "StartError"}: ${ended.message.slice(0, 400)}). The node could not give the container what it asks, or start it in time (a node throttled below the pod's CPU limit, or starved of CPU).`,
        );
      }
      const waiting = cs.state?.waiting;
      if (!waiting?.reason || !imageReasons.has(waiting.reason)) continue;
      const image = pod.spec?.containers?.concat(pod.spec.initContainers ?? []).find((c) => c.name === cs.name)?.image ?? cs.image;
      const events = all
        .filter((e): e is CoreEvent => e.kind === "Event" && (e as CoreEvent).type === "Warning" && (e as CoreEvent).involvedObject.kind === "Pod" && (e as CoreEvent).involvedObject.name === pod.metadata.name)
        .map((e) => `${e.reason}: ${e.message}`);
      const event = events.length ? `; Warning event ${events[events.length - 1]}` : "";
      return new InfrastructureError(
        `pod ${pod.metadata.namespace}/${pod.metadata.name} cannot get its image ${image} (container ${cs.name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""})${event}. ` +
          `Every image a run uses is listed by \`npm run images\`; KUBEPROOF_IMAGE_MIRRORS points them at a registry the cluster can reach.`,
      );
    }
  }
  return undefined;
}
