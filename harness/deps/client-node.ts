// The part of @kubernetes/client-node the harness runs: KubeConfig (reading a kubeconfig, with
// its auth plugins: exec, OIDC, token files, which `existing` users need). Requests and watches
// go through harness/api/transport.ts (one HTTP/2 connection; client-node's Watch opens one per watch).
//
// From one bundled file (bundle.ts). KubeConfig's own module imports the generated API's index, so
// a plain import loads 847 modules, 16.9 MB of source: in vitest's main process that alone was
// 40 MiB of its 220 MiB peak on a kept cluster (docs/performance.md, "Kept cluster against
// Chainsaw"). Bundled with the API tree-shaken away it is 1.7 MB (the generated models are side-effect
// free, so the ones KubeConfig does not use go too).
import type * as ClientNode from "@kubernetes/client-node";
import { bundled } from "./bundle.ts";

const bundle = await bundled<Pick<typeof ClientNode, "KubeConfig">>("client-node", {
  pkg: "@kubernetes/client-node",
  entry: 'export { KubeConfig } from "@kubernetes/client-node/dist/config.js";\n',
  revision: 2,
  // The generated API's modules only declare classes; config.js imports its index for two of them.
  sideEffectFree: /@kubernetes[\\/]client-node[\\/]dist[\\/]gen[\\/]/,
});

export type KubeConfig = ClientNode.KubeConfig;
export const KubeConfig = bundle.KubeConfig;
