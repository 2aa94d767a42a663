import { execFileSync } from "node:child_process";
import { addPath, fail, input, log } from "./lib.mjs";

const wanted = input("go-version");
const goroot = process.env.KUBEPROOF_REHEARSAL_GOROOT ?? "/usr/local/go";
const have = execFileSync(`${goroot}/bin/go`, ["env", "GOVERSION"], { encoding: "utf8" }).trim();
if (wanted && !`${have}.`.startsWith(`go${wanted}.`)) fail("setup-go", `asked for Go ${wanted}; this machine has ${have} at ${goroot}`);
addPath(`${goroot}/bin`);
log("setup-go", `${have} from ${goroot} first on PATH`);
