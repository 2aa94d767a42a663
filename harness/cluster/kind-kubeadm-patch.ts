// KUBEPROOF_EXTRA_ARGS on kind: kubeadm's ClusterConfiguration carries each control-plane
// component's flags (apiServer, controllerManager, scheduler, etcd.local), and kind merges a
// ClusterConfiguration patch's extraArgs into its own by name (kind's enable-hostpath-provisioner
// and runtime-config stay unless a flag of the same name replaces them). The patch is one of the
// cluster config's kubeadmConfigPatches (scripts/kind/lib.sh kind_config).
import { stringify } from "../deps/yaml.ts";
import type { ExtraArg } from "./extra-args.ts";

/** Where each component's flags live in kubeadm's ClusterConfiguration. */
const section: Record<string, string[]> = {
  "kube-apiserver": ["apiServer"],
  "kube-controller-manager": ["controllerManager"],
  "kube-scheduler": ["scheduler"],
  etcd: ["etcd", "local"],
};

/**
 * kubeadm runs the controller manager with --controllers=*,bootstrapsigner,tokencleaner: "*" leaves
 * those two out, and without the bootstrap signer no worker can join (kubeadm join's discovery
 * reads the signed cluster-info). A --controllers of KUBEPROOF_EXTRA_ARGS replaces kubeadm's, so
 * they are added back unless it names them itself.
 */
function withBootstrapControllers(value: string): string {
  const named = value.split(",").map((c) => c.trim().replace(/^-/, ""));
  return [value, ...["bootstrapsigner", "tokencleaner"].filter((c) => !named.includes(c))].join(",");
}

/** The kubeadm ClusterConfiguration patch that gives kind's control plane these flags; "" for none. */
export function kubeadmPatch(args: ExtraArg[]): string {
  if (!args.length) return "";
  const elsewhere = args.filter((a) => !section[a.component]);
  if (elsewhere.length) {
    const names = [...new Set(elsewhere.map((a) => a.component))].join(", ");
    throw new Error(`KUBEPROOF_EXTRA_ARGS: ${names} is not a component kubeadm configures on a kind cluster (kind takes flags for ${Object.keys(section).join(", ")}); use KUBEPROOF_PROVIDER=local for it`);
  }
  const doc: Record<string, unknown> = { kind: "ClusterConfiguration" };
  for (const a of args) {
    let at = doc;
    for (const key of section[a.component]!) at = (at[key] ??= {}) as Record<string, unknown>;
    const list = (at.extraArgs ??= []) as { name: string; value: string }[];
    const value = a.component === "kube-controller-manager" && a.key === "controllers" ? withBootstrapControllers(a.value) : a.value;
    const same = list.find((x) => x.name === a.key);
    if (same) same.value = value;
    else list.push({ name: a.key, value });
  }
  return stringify(doc);
}
