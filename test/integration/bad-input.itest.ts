// Bad fixtures are refused before anything is created, with one error naming the file, the
// document, the object and what is wrong.
import { describe, expect } from "vitest";
import { test } from "../../harness/test.ts";
import { FixtureError } from "../../harness/fixtures.ts";

const bad = (name: string) => `../test/bad-fixtures/${name}`;

describe("bad fixtures", () => {
  test("a fixture that is not YAML names the file and the document", async ({ k }) => {
    await expect(k.apply(bad("not-yaml.yaml"))).rejects.toThrow(/test\/bad-fixtures\/not-yaml\.yaml, document 1: not valid YAML/);
  });

  test("an unknown kind names the kind and what the cluster serves", async ({ k }) => {
    const err = await k.apply(bad("unknown-kind.yaml")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FixtureError);
    expect((err as Error).message).toMatch(/unknown-kind\.yaml \(Jobb\): unknown kind "Jobb" in batch\/v1 \(the cluster serves: CronJob, Job\)/);
  });

  test("a schema violation names the object and the field, and nothing is created", async ({ k }) => {
    const err = await k.apply(bad("schema-violation.yaml")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FixtureError);
    expect((err as Error).message).toMatch(/schema-violation\.yaml, document 1 \(Job bad-completions\): rejected by the apiserver \(\d+[^)]*\): .*completions/);
    await expect(k.api.getOrNull("batch/v1", "Job", "bad-completions", k.ns)).resolves.toBeNull();
  });

  test("an unknown field is refused (strict field validation), naming it", async ({ k }) => {
    await expect(k.apply(bad("unknown-field.yaml"))).rejects.toThrow(/unknown-field\.yaml, document 1 \(ConfigMap typo-field\): rejected by the apiserver \(\d+[^)]*\): .*dataa/);
  });
});
