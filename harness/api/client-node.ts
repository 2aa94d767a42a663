// The two parts of @kubernetes/client-node the harness runs: KubeConfig (reading a kubeconfig,
// with its auth plugins: exec, OIDC, token files, which `existing` users need) and Watch. Taken
// from their own modules, not the package's index: the index brings in the whole generated API
// (17.2 MB bundled, against 2.7 MB for these two), loaded by every worker and served by the main
// process on every run (docs/performance.md, "Kept cluster against Chainsaw").
export { KubeConfig } from "@kubernetes/client-node/dist/config.js";
export { Watch } from "@kubernetes/client-node/dist/watch.js";
