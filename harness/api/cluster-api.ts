// One API client per worker (so per spec file: vitest isolates files), shared by the test
// fixture and the per-file hooks. Its request counter is the file's API cost.
import { inject } from "vitest";
import { Api } from "./client.ts";

let api: Api | undefined;

export function clusterApi(): Api {
  api ??= Api.fromFile(inject("cluster").kubeconfig);
  return api;
}
