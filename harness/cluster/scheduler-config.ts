// KUBEPROOF_SCHEDULER_CONFIG: a KubeSchedulerConfiguration file for the local cluster's scheduler
// (kwokctl points the scheduler's client at the cluster itself). The self-test breaks QUOTA-5
// with one: the scheduler has no flag to stop fitting requests to a node, but a profile can
// leave the NodeResourcesFit plugin out.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "../deps/yaml.ts";

const apiVersion = "kubescheduler.config.k8s.io/v1";

/** The file's absolute path, or undefined when unset; a file kwokctl would refuse is named with what is wrong. */
export function schedulerConfig(raw = process.env.KUBEPROOF_SCHEDULER_CONFIG): string | undefined {
  if (!raw || raw.trim() === "") return undefined;
  const file = path.resolve(raw.trim());
  let doc: { apiVersion?: unknown; kind?: unknown } | undefined;
  try {
    doc = parse(readFileSync(file, "utf8")) as typeof doc;
  } catch (e) {
    throw new Error(`KUBEPROOF_SCHEDULER_CONFIG: cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  if (doc?.apiVersion !== apiVersion || doc?.kind !== "KubeSchedulerConfiguration") {
    throw new Error(`KUBEPROOF_SCHEDULER_CONFIG: ${file} is ${String(doc?.kind ?? "no object")} of ${String(doc?.apiVersion ?? "no apiVersion")}; the scheduler takes a KubeSchedulerConfiguration of ${apiVersion}`);
  }
  return file;
}
