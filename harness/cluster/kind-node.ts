// A kind worker node container started the way kind starts its nodes (sigs.k8s.io/kind
// pkg/cluster/internal/providers/docker: privileged, its own cgroup namespace, tmpfs /tmp and
// /run, an anonymous volume for /var, the host's kernel modules, the cluster's labels so
// `kind get nodes` and `kind delete cluster` see it), with testcontainers owning its life: started,
// waited for (containerd active) and removed when the node leaves. scripts/kind/join-node.sh then
// makes it a member (containerd set up like its siblings, kubeadm join).
import { existsSync } from "node:fs";
import { GenericContainer, Wait, type StartedTestContainer } from "testcontainers";

class KindNodeContainer extends GenericContainer {
  constructor(image: string, cluster: string, node: string) {
    super(image);
    this.withName(node)
      .withHostname(node)
      .withLabels({ "io.x-k8s.kind.cluster": cluster, "io.x-k8s.kind.role": "worker" })
      .withNetworkMode("kind")
      .withPrivilegedMode()
      .withSecurityOpt("seccomp=unconfined", "apparmor=unconfined")
      .withTmpFs({ "/tmp": "", "/run": "" })
      .withBindMounts([{ source: "/lib/modules", target: "/lib/modules", mode: "ro" }])
      .withWaitStrategy(Wait.forSuccessfulCommand("systemctl is-active --quiet containerd"))
      .withStartupTimeout(90_000);
    // What the builder has no method for: kind's own settings.
    this.createOpts.Tty = true;
    this.createOpts.Volumes = { "/var": {} }; // containerd's snapshots may not sit on the container's overlay
    (this.hostConfig as typeof this.hostConfig & { CgroupnsMode?: string }).CgroupnsMode = "private"; // Engine API 1.41; dockerode's types predate it
    this.hostConfig.Init = false;
    this.hostConfig.RestartPolicy = { Name: "on-failure", MaximumRetryCount: 1 };
    if (existsSync("/dev/fuse")) this.hostConfig.Devices = [{ PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", CgroupPermissions: "rwm" }];
  }
}

/** Starts the node container from `image`; resolves once its containerd runs. */
export function startKindNode(image: string, cluster: string, node: string): Promise<StartedTestContainer> {
  return new KindNodeContainer(image, cluster, node).start();
}
