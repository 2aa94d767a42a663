// A test worker ends with its run. vitest's workers are child processes; when the run's main
// process exits on Ctrl-C or SIGTERM (harness/run/global-setup.ts tears the cluster down and exits),
// a worker in the middle of a wait would go on retrying its watch against a cluster that is
// gone, for ever. The IPC channel to the parent closes when the parent goes: the signal to exit.
const flag = globalThis as { __kubeproofExitWithParent?: boolean };
if (process.send && !flag.__kubeproofExitWithParent) {
  flag.__kubeproofExitWithParent = true;
  process.once("disconnect", () => process.exit(1));
}
