// Everything the harness and the self-test pass to components is something this run's Kubernetes
// version has: each run of the version matrix checks its own binaries (their --help), so a flag,
// controller, feature gate or admission plugin that a version dropped fails here, named, and not
// as a component that would not start in the middle of a self-test.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { test } from "../../harness/test.ts";
import { cacheDir } from "../../harness/cluster/paths.ts";
import { argProblems, kubeComponents } from "../../harness/cluster/component-flags.ts";
import { parseExtraArgs } from "../../harness/cluster/extra-args.ts";
import { version } from "../../harness/versions.ts";
import { faultsFor } from "../../scripts/faults/faults.ts";

const kubeVersion = version("KUBE_VERSION");
const bin = path.join(cacheDir, `bin-${kubeVersion}`);
const missing = kubeComponents.some((c) => !existsSync(path.join(bin, c))) ? `the ${kubeVersion} control plane binaries are not in ${bin} (npm run setup builds them)` : undefined;

describe(`component flags on Kubernetes ${kubeVersion}`, () => {
  test("every fault of the self-test names flags, controllers, gates and plugins this version has", async ({ k }) => {
    k.skipIf(missing);
    const faults = faultsFor(kubeVersion).filter((f) => f.args);
    const problems = faults.flatMap((f) => argProblems(bin, kubeVersion, parseExtraArgs(`${f.args} ${f.twinArgs ?? ""}`)).map((p) => `${f.id}: ${p}`));
    await k.observed("faults checked", faults.map((f) => `${f.id}: ${f.args}`).join("\n"));
    expect(problems).toEqual([]);
  });

  test("a controller, gate or flag this version does not have is named with the version, a GA gate it still has is not", async ({ k }) => {
    k.skipIf(missing);
    const args = parseExtraArgs("kube-controller-manager=controllers=*,-no-such-controller kube-apiserver=feature-gates=JobSuccessPolicy=true kube-scheduler=no-such-flag=1");
    const problems = argProblems(bin, kubeVersion, args);
    // JobSuccessPolicy went GA in 1.33 (locked on) and its gate was removed in 1.37: named as the binary says
    const removed = Number(kubeVersion.split(".")[1]) >= 37;
    expect(problems).toEqual([
      ...(removed ? [`--feature-gates=JobSuccessPolicy=true: kube-apiserver ${kubeVersion} says "unrecognized feature gate: JobSuccessPolicy"`] : []),
      expect.stringMatching(/^--controllers names no-such-controller, which kube-controller-manager v\S+ does not have \(it has: .*job-controller/),
      `kube-scheduler ${kubeVersion} has no flag --no-such-flag`,
    ]);
  });
});
