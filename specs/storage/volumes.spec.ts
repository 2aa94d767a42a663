import { describe, expect } from "vitest";
import { test } from "../../harness/test.ts";
import { deleted, podReady } from "../../harness/wait/index.ts";
import type { ConfigMap, Pod } from "../../harness/api/kinds.ts";
import { nodeFiles } from "../../harness/ops/node-files.ts";

const noRuntime = "an emptyDir is a directory a real kubelet creates on the node; the local provider simulates the kubelet";

/** Where the kubelet keeps a pod's emptyDir volume on its node. */
const emptyDirOnNode = (pod: Pod, volume: string) => `/var/lib/kubelet/pods/${pod.metadata.uid}/volumes/kubernetes.io~empty-dir/${volume}`;

describe("Volumes", () => {
  test(
    "a pod declaring emptyDir, configMap and secret volumes side by side is accepted and runs",
    { meta: { claims: ["VOL-1", "VOL-4"], upstream: ["[sig-storage] EmptyDir volumes pod should support shared volumes between containers"] } },
    async ({ k }) => {
      const fx = await k.apply("storage/pod-volumes.yaml");
      const [settings, credentials] = [fx.get("ConfigMap"), fx.get("Secret")];
      const pod = await k.wait(podReady(fx.get("Pod").ref));

      // One list of volumes, one entry per source; the mounts refer to them by name alike.
      expect(pod.spec).toMatchObject({
        volumes: [
          { name: "cache", emptyDir: {} },
          { name: "settings", configMap: { name: settings.metadata.name } },
          { name: "credentials", secret: { secretName: credentials.metadata.name } },
        ],
        containers: [
          {
            volumeMounts: [
              { name: "cache", mountPath: "/cache" },
              { name: "settings", mountPath: "/etc/settings", readOnly: true },
              { name: "credentials", mountPath: "/etc/credentials", readOnly: true },
            ],
          },
        ],
      });

      // The projected data lives in API objects, not in the pod: the ConfigMap as is, the Secret base64-encoded.
      expect(await k.get<ConfigMap>(settings!)).toMatchObject({ data: { greeting: "hello", "log-level": "debug" } });
      expect(await k.get(credentials!)).toMatchObject({ type: "Opaque", data: { password: Buffer.from("s3cr3t").toString("base64") } });
    },
  );

  test(
    "an emptyDir is a directory on the node under /var/lib/kubelet/pods/<uid>/volumes",
    { meta: { claims: ["VOL-2"], upstream: [] } },
    async ({ k }) => {
      k.requires("containerRuntime", noRuntime);
      k.requires("nodeFilesystem", "the test looks at the node's filesystem");
      const applied = (await k.apply("storage/pod-volumes.yaml")).get("Pod");
      // Ready means the readiness probe read /cache/hello.txt inside the container.
      const pod = await k.wait(podReady(applied.ref));

      const node = nodeFiles(k, pod.spec!.nodeName);
      expect(await node.exists(`${emptyDirOnNode(pod, "cache")}/hello.txt`)).toBe(true);
    },
  );

  test(
    "deleting the pod deletes its emptyDir and the data in it",
    { meta: { claims: ["VOL-3", "VOL-1"], upstream: [] } },
    async ({ k }) => {
      k.requires("containerRuntime", noRuntime);
      k.requires("nodeFilesystem", "the test looks at the node's filesystem");
      const ref = (await k.apply("storage/pod-volumes.yaml")).get("Pod").ref;
      const pod = await k.wait(podReady(ref));
      const node = nodeFiles(k, pod.spec!.nodeName);
      const dir = emptyDirOnNode(pod, "cache");
      expect(await node.exists(`${dir}/hello.txt`)).toBe(true);

      await k.delete(ref);
      // The kubelet tears volumes down before it lets the API object go.
      await k.wait(deleted(ref, "podTermination"));
      expect(await node.exists(dir)).toBe(false);
    },
  );
});
