// What the report knows of a test: where it sits (epic, feature, story), which claims it checks,
// on which cluster it ran, and what a failure would cost.
import * as allure from "allure-js-commons";
import path from "node:path";
import type { ClusterInfo } from "../cluster/types.ts";
import { clusterColumn } from "../cluster/column.ts";
import { claims as claimTable, type ClaimId } from "../report/claims.ts";

export interface LabelledTask {
  name: string;
  meta: { claims?: ClaimId[]; beyond?: ClaimId[]; upstream?: string[] };
  suite?: { name: string };
  file: { filepath: string };
}

/** Labels the running test for Allure; returns its feature (the describe block, else the file). */
export async function labelTest(task: LabelledTask, info: ClusterInfo): Promise<string> {
  const specFile = path.relative(process.cwd(), task.file.filepath);
  const area = specFile.split(path.sep)[1] ?? "misc";
  const feature = task.suite?.name ?? path.basename(specFile, ".spec.ts");
  const claims = task.meta.claims ?? [];
  await allure.epic(area[0]!.toUpperCase() + area.slice(1));
  await allure.feature(feature);
  const beyond = task.meta.beyond ?? [];
  // story = the behaviour: the tutorial claim when the test names one, else the test itself
  await allure.story(claims[0] ? `${claims[0]}: ${claimTable[claims[0]].title}` : beyond[0] ? `beyond the tutorial, next to ${beyond[0]}` : task.name);
  await allure.parameter("provider", info.provider);
  await allure.parameter("kubernetes", info.kubeVersion);
  // A cluster of the user's is a column of its own, by name (several on one version stay apart).
  const column = clusterColumn(info);
  if (column) await allure.parameter("cluster", column);
  if (info.server) await allure.parameter("server", info.server);
  // The report's environments (allurerc.mjs) and sections: one per cluster; the tutorial's
  // behaviours apart from the harness's own tests; severity says what a failure would cost: a
  // tutorial claim (critical), a behaviour beyond the tutorial (normal), the harness (minor).
  await allure.label("cluster", [info.provider, info.kubeVersion, column].filter(Boolean).join(" "));
  const harnessTest = specFile.startsWith(`test${path.sep}`);
  await allure.label("layer", harnessTest ? "harness" : "conformance");
  await allure.severity(harnessTest ? "minor" : claims.length ? "critical" : "normal");
  for (const c of claims) {
    await allure.label("claim", c);
    await allure.tag(c);
  }
  for (const c of beyond) await allure.label("beyond", c);
  if (claims.length) await allure.description(claims.map((c) => `- **${c}**: ${claimTable[c].title}`).join("\n"));
  else if (beyond.length) await allure.description(`A behaviour the tutorial does not mention, next to ${beyond.map((c) => `**${c}** (${claimTable[c].title})`).join(", ")}; not counted for the claim.`);
  for (const u of task.meta.upstream ?? []) await allure.label("upstream", u);
  return feature;
}

