import { describe, expect, it } from "vitest";
import { parseHelp, unknownToComponent } from "../harness/cluster/component-flags.ts";
import { parseExtraArgs } from "../harness/cluster/extra-args.ts";

// The shape of a kube component's --help (cobra/pflag), cut down.
const help = `Usage:
  kube-controller-manager [flags]

Generic flags:

      --controllers strings
                A list of controllers to enable. '*' enables all on-by-default controllers, 'foo' enables the controller named 'foo', '-foo' disables the controller named 'foo'.
                All controllers: cronjob-controller, garbage-collector-controller, job-controller
                Disabled-by-default controllers: bootstrap-signer-controller (default [*])
      --feature-gates colonSeparatedMultimapStringString
                Comma-separated list of component:key=value pairs that describe feature gates for alpha/experimental features. Options are:
                kube:AllAlpha=true|false (ALPHA - default=false)
                kube:HPAScaleToZero=true|false (BETA - default=true)
  -h, --help                                 help for kube-controller-manager
      --horizontal-pod-autoscaler-sync-period duration
`;

describe("component flags", () => {
  it("reads flags, controllers and gates from a component's help", () => {
    const h = parseHelp(help);
    expect([...h.flags].sort()).toEqual(["controllers", "feature-gates", "help", "horizontal-pod-autoscaler-sync-period"]);
    expect([...h.controllers]).toEqual(["cronjob-controller", "garbage-collector-controller", "job-controller"]);
  });

  it("names what the version does not have, and passes what it has", () => {
    // the binary's own answer to a gate value (component-flags.ts asks it with --version)
    const h = parseHelp(help, (v) => (v.includes("JobSuccessPolicy") ? "unrecognized feature gate: JobSuccessPolicy" : undefined));
    const ok = parseExtraArgs("kube-controller-manager=controllers=*,-job-controller kube-controller-manager=horizontal-pod-autoscaler-sync-period=30s kube-controller-manager=feature-gates=kube:HPAScaleToZero=true");
    expect(unknownToComponent("kube-controller-manager", "v1.37.2", h, ok)).toEqual([]);
    const bad = parseExtraArgs("kube-controller-manager=controllers=*,-ttl-controller kube-controller-manager=feature-gates=JobSuccessPolicy=true kube-controller-manager=enable-hostpath-provisioner=true kube-apiserver=nothing-checked=here");
    expect(unknownToComponent("kube-controller-manager", "v1.37.2", h, bad)).toEqual([
      "--controllers names ttl-controller, which kube-controller-manager v1.37.2 does not have (it has: cronjob-controller, garbage-collector-controller, job-controller)",
      '--feature-gates=JobSuccessPolicy=true: kube-controller-manager v1.37.2 says "unrecognized feature gate: JobSuccessPolicy"',
      "kube-controller-manager v1.37.2 has no flag --enable-hostpath-provisioner",
    ]);
  });
});
