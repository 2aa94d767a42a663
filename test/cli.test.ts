// Bad configuration fails within seconds, with one clear error and a non-zero exit. These run
// the real entry points (no cluster is brought up: each fails before that).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ExistingProvider } from "../harness/cluster/existing.ts";

const repo = path.resolve(import.meta.dirname, "..");

/**
 * A PATH of one folder holding the system's own tools (/usr/bin, /bin) but the named ones: a
 * machine without them, whatever this one has (GitHub's runner image links its Go into /usr/bin).
 */
function pathWithout(tools: string[]): string {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "kp-path-")), "bin");
  mkdirSync(dir);
  for (const from of ["/usr/bin", "/bin"]) {
    if (!existsSync(from)) continue;
    for (const name of readdirSync(from)) {
      if (tools.includes(name) || existsSync(path.join(dir, name))) continue;
      symlinkSync(path.join(from, name), path.join(dir, name));
    }
  }
  return dir;
}

function runSuite(env: Record<string, string>) {
  const t = Date.now();
  const r = spawnSync("npx", ["vitest", "run", "--project", "conformance"], { cwd: repo, env: { ...process.env, ...env, KUBEPROOF_REPORTS_DIR: mkdtempSync(path.join(os.tmpdir(), "kp-cli-")) }, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, ms: Date.now() - t };
}

describe("bad configuration", { timeout: 60_000 }, () => {
  it("an unknown provider name", () => {
    const r = runSuite({ KUBEPROOF_PROVIDER: "minikube" });
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('KUBEPROOF_PROVIDER="minikube" is not a provider; use one of: auto, local, kind, existing');
    expect(r.ms).toBeLessThan(30_000);
  });

  it("a malformed KUBEPROOF_EXTRA_ARGS", () => {
    const r = runSuite({ KUBEPROOF_PROVIDER: "local", KUBEPROOF_EXTRA_ARGS: "controllers=*" });
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('KUBEPROOF_EXTRA_ARGS: "controllers=*" is not component=key=value');
  });

  it("an existing cluster whose kubeconfig does not exist", async () => {
    process.env.KUBECONFIG = "/nonexistent/kubeconfig";
    await expect(new ExistingProvider().up()).rejects.toThrow("KUBEPROOF_PROVIDER=existing: kubeconfig /nonexistent/kubeconfig does not exist");
  });

  it("an existing cluster whose kubeconfig is not valid", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "kp-kc-"));
    writeFileSync(path.join(dir, "config"), "apiVersion: v1\nkind: Config\nclusters: 42\n");
    process.env.KUBECONFIG = path.join(dir, "config");
    await expect(new ExistingProvider().up()).rejects.toThrow(/kubeconfig .* is not valid/);
  });

  it("an existing cluster that does not answer", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "kp-kc-"));
    // port 1 on loopback: nothing listens, the connection is refused at once
    writeFileSync(
      path.join(dir, "config"),
      "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n",
    );
    process.env.KUBECONFIG = path.join(dir, "config");
    await expect(new ExistingProvider().up()).rejects.toThrow(/the cluster in .* \(https:\/\/127\.0\.0\.1:1\) does not answer/);
  });

  it("missing binaries with no way to get them say what to install", () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), "kp-cache-"));
    const r = spawnSync("bash", [path.join(repo, "scripts", "toolchain.sh")], {
      env: { PATH: pathWithout(["go", "gofmt"]), HOME: os.tmpdir(), KUBEPROOF_CACHE: cache, KUBEPROOF_NO_DOWNLOAD: "1" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/cannot get kubernetes: no release download was reachable and Go is not installed\.\s+Install Go/);
  });
});
