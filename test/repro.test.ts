import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { Transcript } from "../harness/record/repro.ts";

const ns = "kp-some-test-abc123";
const job = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "pi", namespace: ns, labels: { "kubeproof.dev/run": "r1", "kubeproof.dev/file": "f1", app: "pi" } }, spec: { completions: 5 } };
const pv = { apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "pv-abc123" }, spec: { claimRef: { namespace: ns, name: "c" } } };

function transcript(): Transcript {
  const t = new Transcript(ns, "abc123");
  t.applied(job);
  t.applied(pv);
  t.waited("Job kp-some-test-abc123/pi to be Complete", 120_000);
  t.patched("jobs.batch", { apiVersion: "batch/v1", kind: "Job", name: "pi", namespace: ns }, { spec: { suspend: true } });
  t.patched("pods", { apiVersion: "v1", kind: "Pod", name: "pi-x7k2p", namespace: ns }, { metadata: { annotations: { a: "it's" } } });
  t.watchedFor("a pod to start", 8_000);
  t.deleted(`/apis/batch/v1/namespaces/${ns}/jobs/pi`, "jobs.batch", { apiVersion: "batch/v1", kind: "Job", name: "pi", namespace: ns });
  t.deleted("/api/v1/persistentvolumes/pv-abc123", "persistentvolumes", { apiVersion: "v1", kind: "PersistentVolume", name: "pv-abc123" }, "Background");
  return t;
}

describe("repro script", () => {
  it("is valid bash that does what the test did, in order, in a namespace of its own", () => {
    const script = transcript().script("Job: runs five pods");
    execFileSync("bash", ["-n"], { input: script }); // throws on a syntax error
    const lines = script.split("\n");
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    // the test's namespace and suffix are replaced by the repro's own everywhere
    expect(script).toContain(`rename() { sed -e "s/${ns}/$ns/g" -e "s/abc123/$sfx/g"; }`);
    expect(at(/^kubectl create namespace "\$ns"$/)).toBeGreaterThan(0);
    // objects as applied, without the harness's bookkeeping labels
    expect(script).toContain("name: pi\n");
    expect(script).toContain("app: pi");
    expect(script).not.toContain("kubeproof.dev/run");
    // in order: apply, wait, patch, delete
    expect(at(/^# wait \(up to 120 s\) for Job \$ns\/pi to be Complete$/)).toBeGreaterThan(at(/^ {2}name: pv-abc123$/));
    expect(at(/^kubectl patch jobs.batch\/pi -n "\$ns" --type merge -p '\{"spec":\{"suspend":true\}\}'$/)).toBeGreaterThan(at(/^# wait/));
    // a controller-made name is not patched blindly
    expect(script).toContain("# Pod pi-x7k2p was made by a controller");
    expect(script).toContain(`'{"metadata":{"annotations":{"a":"it'\\''s"}}}'`);
    expect(script).toContain("# for 8 s, make sure this does not happen: a pod to start");
    // no propagation policy: only a raw DELETE says that; with one, kubectl's --cascade
    expect(script).toContain(`kubectl delete --raw "$(echo '/apis/batch/v1/namespaces/${ns}/jobs/pi' | rename)"`);
    expect(script).toContain("kubectl delete persistentvolumes/$(echo 'pv-abc123' | rename) --cascade=background");
  });

  it("renames the test's namespace and suffix when run", () => {
    const script = transcript().script("t");
    const renameFn = script.split("\n").find((l) => l.startsWith("rename()"))!;
    const out = execFileSync("bash", ["-c", `ns=kp-repro-ffffff; sfx=ffffff; ${renameFn}; echo "${ns} pv-abc123" | rename`], { encoding: "utf8" });
    expect(out.trim()).toBe("kp-repro-ffffff pv-ffffff");
  });
});
