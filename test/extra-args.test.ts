import { describe, expect, it } from "vitest";
import { mergeExtraArgs, parseExtraArgs } from "../harness/cluster/extra-args.ts";
import { chooseProvider } from "../harness/cluster/index.ts";
import { kubeadmPatch } from "../harness/cluster/kind-kubeadm-patch.ts";
import { parse } from "yaml";

describe("KUBEPROOF_EXTRA_ARGS", () => {
  it("splits component, key and a value that itself holds = and ,", () => {
    expect(parseExtraArgs("kube-controller-manager=controllers=*,-job-controller kube-apiserver=disable-admission-plugins=ResourceQuota")).toEqual([
      { component: "kube-controller-manager", key: "controllers", value: "*,-job-controller" },
      { component: "kube-apiserver", key: "disable-admission-plugins", value: "ResourceQuota" },
    ]);
    expect(parseExtraArgs("kube-apiserver=feature-gates=A=true")).toEqual([{ component: "kube-apiserver", key: "feature-gates", value: "A=true" }]);
    expect(parseExtraArgs("  ")).toEqual([]);
  });

  it("says what is wrong with a malformed item", () => {
    expect(() => parseExtraArgs("controllers=*")).toThrow(/"controllers=\*" is not component=key=value/);
    expect(() => parseExtraArgs("kube-controller=controllers=*")).toThrow(/unknown component "kube-controller"/);
  });

  it("lets a user argument replace a default of the same component and key", () => {
    const d = [{ component: "kube-controller-manager", key: "enable-hostpath-provisioner", value: "true" }];
    expect(mergeExtraArgs(d, parseExtraArgs("kube-controller-manager=enable-hostpath-provisioner=false"))).toEqual([
      { component: "kube-controller-manager", key: "enable-hostpath-provisioner", value: "false" },
    ]);
  });
});

describe("KUBEPROOF_PROVIDER", () => {
  it("names the valid choices for an unknown provider", async () => {
    await expect(chooseProvider({ KUBEPROOF_PROVIDER: "minikube" })).rejects.toThrow('KUBEPROOF_PROVIDER="minikube" is not a provider; use one of: auto, local, kind, existing');
  });
});

describe("KUBEPROOF_EXTRA_ARGS on kind", () => {
  it("becomes a kubeadm ClusterConfiguration patch, each component's flags in its section", () => {
    const patch = kubeadmPatch(parseExtraArgs("kube-controller-manager=controllers=*,-garbage-collector-controller kube-apiserver=disable-admission-plugins=ResourceQuota etcd=quota-backend-bytes=1 kube-controller-manager=controllers=*,-job-controller"));
    expect(parse(patch)).toEqual({
      kind: "ClusterConfiguration",
      controllerManager: { extraArgs: [{ name: "controllers", value: "*,-job-controller,bootstrapsigner,tokencleaner" }] },
      apiServer: { extraArgs: [{ name: "disable-admission-plugins", value: "ResourceQuota" }] },
      etcd: { local: { extraArgs: [{ name: "quota-backend-bytes", value: "1" }] } },
    });
    expect(kubeadmPatch([])).toBe("");
    // kubeadm's own two, which "*" leaves out and a join needs, are kept unless named
    expect(parse(kubeadmPatch(parseExtraArgs("kube-controller-manager=controllers=*,-tokencleaner")))).toMatchObject({ controllerManager: { extraArgs: [{ value: "*,-tokencleaner,bootstrapsigner" }] } });
  });

  it("names a component kind's kubeadm does not configure", () => {
    expect(() => kubeadmPatch(parseExtraArgs("kwok-controller=x=y"))).toThrow(/kwok-controller is not a component kubeadm configures on a kind cluster/);
  });
});
