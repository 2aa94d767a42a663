// The YAML reader and writer the harness runs (fixtures, kubeconfigs, kwokctl's configuration,
// reproduction files), from one bundled file (bundle.ts): the package is 72 CommonJS modules.
import type * as Yaml from "yaml";
import { bundled } from "./bundle.ts";

const yaml = await bundled<Pick<typeof Yaml, "parse" | "parseAllDocuments" | "stringify">>("yaml", {
  pkg: "yaml",
  entry: 'export { parse, parseAllDocuments, stringify } from "yaml";\n',
  revision: 1,
});

export const { parse, parseAllDocuments, stringify } = yaml;
