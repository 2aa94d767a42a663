// Pods a node cannot run, whatever the behaviour under test: an image it cannot get, a container
// its runtime cannot create. On plain objects.
import { describe, expect, it } from "vitest";
import { imageTrouble } from "../harness/record/image-trouble.ts";

const pod = (containerStatus: object) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web", namespace: "ns" },
  spec: { nodeName: "worker", containers: [{ name: "main", image: "busybox" }] },
  status: { phase: "Pending", containerStatuses: [{ name: "main", image: "busybox", ...containerStatus }] },
});

describe("a pod its node cannot run", () => {
  it("is an infrastructure problem when the runtime cannot set up its cgroup", () => {
    const cgroup = 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error setting cgroup config for procHooks process: failed to write "50000": write /sys/fs/cgroup/cpu/kubelet.slice/x/cpu.cfs_quota_us: invalid argument: unknown';
    const err = imageTrouble([pod({ state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { reason: "StartError", message: cgroup } } })]);
    expect(err?.message).toMatch(/^Infrastructure problem: pod ns\/web cannot run on node worker: its container runtime could not create container main \(StartError: .*error setting cgroup config/);
  });

  it("is an infrastructure problem when the runtime's shim did not start in time (a pod not restarted: its only state)", () => {
    const deadline = "failed to create containerd task: failed to create shim task: context deadline exceeded: unknown";
    const err = imageTrouble([{ ...pod({ state: { terminated: { reason: "StartError", exitCode: 128, message: deadline } } }), status: { phase: "Failed", containerStatuses: [{ name: "main", image: "busybox", state: { terminated: { reason: "StartError", exitCode: 128, message: deadline } } }] } }]);
    expect(err?.message).toMatch(/^Infrastructure problem: pod ns\/web cannot run on node worker: its container runtime could not create container main \(StartError: .*context deadline exceeded/);
  });

  it("is not one when its container only failed (an exit code, a missing executable): that is the test's to judge", () => {
    const notFound = 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "nope": executable file not found in $PATH: unknown';
    expect(imageTrouble([pod({ state: { terminated: { reason: "StartError", exitCode: 128, message: notFound } } })])).toBeUndefined();
    expect(imageTrouble([pod({ state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { reason: "Error", message: "exit 1" } } })])).toBeUndefined();
    expect(imageTrouble([pod({ state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { reason: "StartError", message: 'OCI runtime create failed: exec: "nope": executable file not found in $PATH' } } })])).toBeUndefined();
  });

  it("is an infrastructure problem when the image cannot be had", () => {
    expect(imageTrouble([pod({ state: { waiting: { reason: "ImagePullBackOff", message: "not found" } } })])?.message).toMatch(/^Infrastructure problem: pod ns\/web cannot get its image busybox/);
  });
});
