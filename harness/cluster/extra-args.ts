// KUBEPROOF_EXTRA_ARGS: space-separated `component=key=value`, as kwokctl's --extra-args. The
// value may itself contain '=' and ',' (controllers=*,-job), so only the first two '=' split.
export interface ExtraArg {
  component: string;
  key: string;
  value: string;
  /** Replace a flag kwokctl itself sets (kwokctl drops an override whose flag it does not set). */
  override?: boolean;
}

export const knownComponents = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok-controller", "metrics-server"];

export function parseExtraArgs(raw: string | undefined): ExtraArg[] {
  if (!raw || raw.trim() === "") return [];
  return raw
    .trim()
    .split(/\s+/)
    .map((item) => {
      const first = item.indexOf("=");
      const second = first < 0 ? -1 : item.indexOf("=", first + 1);
      if (first <= 0 || second < 0 || second === first + 1) {
        throw new Error(`KUBEPROOF_EXTRA_ARGS: "${item}" is not component=key=value (example: kube-controller-manager=controllers=*,-job)`);
      }
      const component = item.slice(0, first);
      if (!knownComponents.includes(component)) {
        throw new Error(`KUBEPROOF_EXTRA_ARGS: unknown component "${component}" in "${item}" (known: ${knownComponents.join(", ")})`);
      }
      return { component, key: item.slice(first + 1, second), value: item.slice(second + 1) };
    });
}

/** Merges defaults with user args: a user arg replaces a default of the same component and key. */
export function mergeExtraArgs(defaults: ExtraArg[], user: ExtraArg[]): ExtraArg[] {
  const key = (a: ExtraArg) => `${a.component}\u0000${a.key}`;
  const userKeys = new Set(user.map(key));
  return [...defaults.filter((d) => !userKeys.has(key(d))), ...user];
}
