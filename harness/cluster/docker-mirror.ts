// Points the local Docker engine's docker.io pulls at the registry mirror (daemon.json
// "registry-mirrors", which dockerd reloads on SIGHUP), so `kind create cluster --image <ref>`
// pulls a node image that is not here through a real registry API, as it would from Docker Hub.
// A stand-in for this machine, where no public registry answers: used only by
// `npm run with-mirror -- --node-image`, and undone when it ends.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { shell } from "../shell.ts";

const daemonJson = process.env.KUBEPROOF_DOCKER_DAEMON_JSON ?? "/etc/docker/daemon.json";

async function mirrors(): Promise<string[]> {
  const $ = await shell();
  const r = await $({ quiet: true })`docker info --format ${"{{json .RegistryConfig.Mirrors}}"}`;
  return (JSON.parse(r.stdout.trim() || "null") as string[] | null) ?? [];
}

async function reload(want: (m: string[]) => boolean, what: string): Promise<void> {
  const $ = await shell();
  const r = await $({ quiet: true, nothrow: true })`pkill -HUP -x dockerd`;
  if (r.exitCode !== 0) throw new Error(`could not signal dockerd to reload ${daemonJson} (pkill exit ${r.exitCode}): the engine must be a local dockerd this user may signal`);
  for (let i = 0; i < 40; i++) {
    if (want(await mirrors())) return;
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error(`dockerd did not ${what} within 10 s (its mirrors: ${JSON.stringify(await mirrors())})`);
}

/** Makes dockerd pull docker.io through `hostPort`; resolves with the function that undoes it. */
export async function dockerPullsThrough(hostPort: string): Promise<() => Promise<void>> {
  const before = existsSync(daemonJson) ? readFileSync(daemonJson, "utf8") : undefined;
  let config: Record<string, unknown>;
  try {
    config = before ? (JSON.parse(before) as Record<string, unknown>) : {};
  } catch (e) {
    throw new Error(`${daemonJson} is not JSON (${(e as Error).message}); not touching it`, { cause: e });
  }
  const url = `http://${hostPort}`;
  writeFileSync(daemonJson, JSON.stringify({ ...config, "registry-mirrors": [url] }, null, 2) + "\n");
  try {
    await reload((m) => m.some((x) => x.replace(/\/$/, "") === url), `take the mirror ${url}`);
  } catch (e) {
    if (before === undefined) rmSync(daemonJson, { force: true });
    else writeFileSync(daemonJson, before);
    throw e;
  }
  return async () => {
    // A reload keeps the mirrors of a file that names none: name the old ones (or none) first,
    // then put the file back as it was.
    writeFileSync(daemonJson, JSON.stringify({ ...config, "registry-mirrors": config["registry-mirrors"] ?? [] }, null, 2) + "\n");
    try {
      await reload((m) => !m.some((x) => x.replace(/\/$/, "") === url), `drop the mirror ${url}`);
    } finally {
      if (before === undefined) rmSync(daemonJson, { force: true });
      else writeFileSync(daemonJson, before);
    }
  };
}
