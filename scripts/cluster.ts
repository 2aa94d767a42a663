// npm run cluster -- up | down | status: kept clusters for iterating on specs
// (KUBEPROOF_KEEP_CLUSTER=1 npm test then reuses them and skips bring-up). `up` brings up the
// run's provider's: on local the main cluster and one for each project of spec files that change
// cluster-wide state (harness/run/projects.ts); on kind the one cluster. `down` and `status` cover
// both providers, so a kept kind cluster is never forgotten behind a local default.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { $ } from "zx";
import { keptClusterName, providerName } from "../harness/cluster/index.ts";
import { LocalProvider, kwokWorkdir, ensureBinaries } from "../harness/cluster/local.ts";
import { KindProvider, kindBinary } from "../harness/cluster/kind.ts";
import { dockerAnswers } from "../harness/cluster/docker.ts";
import { stopCustomMetrics } from "../harness/cluster/custom-metrics.ts";
import { clusterPart, sharedStateProjects } from "../harness/run/projects.ts";

const cmd = process.argv[2] ?? "status";
const main = keptClusterName();
const localNames = [main, ...Object.keys(sharedStateProjects).map((p) => `${main}-${clusterPart(p)}`)];
const env = { ...process.env, KWOK_WORKDIR: kwokWorkdir };

/** The kept kind cluster, where Docker answers and kind lists it. */
async function keptKind(): Promise<{ kind: string; there: boolean } | undefined> {
  if (!dockerAnswers()) return undefined;
  const kind = await kindBinary();
  const clusters = (await $({ quiet: true })`${kind} get clusters`).stdout.split("\n").map((s) => s.trim());
  return { kind, there: clusters.includes(main) };
}

if (cmd === "up") {
  if (providerName() === "kind") {
    const info = await new KindProvider(main, true).up();
    console.log(`kind cluster ${main} up: KUBECONFIG=${info.kubeconfig}`);
  } else {
    // One after the other: each bring-up takes the kwokctl lock anyway.
    for (const name of localNames) {
      const info = await new LocalProvider(name, true).up();
      console.log(`cluster ${name} up: KUBECONFIG=${info.kubeconfig}`);
    }
  }
} else if (cmd === "down") {
  const bin = ensureBinaries();
  for (const name of localNames) {
    stopCustomMetrics(path.join(kwokWorkdir, "clusters", name));
    try {
      execFileSync(path.join(bin, "kwokctl"), ["delete", "cluster", "--name", name], { env, stdio: "inherit" });
    } catch {
      console.log(`cluster ${name}: not there`);
    }
  }
  const k = await keptKind();
  if (k?.there) {
    await $({ quiet: true })`${k.kind} delete cluster --name ${main}`;
    console.log(`kind cluster ${main}: deleted`);
  }
} else if (cmd === "status") {
  const bin = ensureBinaries();
  execFileSync(path.join(bin, "kwokctl"), ["get", "clusters"], { env, stdio: "inherit" });
  const k = await keptKind();
  console.log(k === undefined ? "kind: no Docker engine answers" : `kind cluster ${main}: ${k.there ? "kept" : "not there"}`);
} else {
  console.error(`unknown command "${cmd}": use up, down or status`);
  process.exit(2);
}
