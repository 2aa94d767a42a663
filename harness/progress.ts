// Progress lines for long phases (cluster bring-up, builds, long waits), on stderr so they never
// mix with reporter output. Quiet with KUBEPROOF_QUIET=1.
export function progress(msg: string): void {
  if (process.env.KUBEPROOF_QUIET === "1") return;
  const t = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[kubeproof ${t}] ${msg}\n`);
}
