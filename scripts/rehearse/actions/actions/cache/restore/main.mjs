import { restore } from "../cache-store.mjs";
import { input, lines, setOutput } from "../lib.mjs";

const key = input("key");
const found = restore("cache/restore", key, lines(input("restore-keys")), lines(input("path")));
setOutput("cache-hit", String(found === key));
setOutput("cache-matched-key", found);
