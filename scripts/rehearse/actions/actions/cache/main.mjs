import { restore } from "./cache-store.mjs";
import { input, lines, saveState, setOutput } from "./lib.mjs";

const key = input("key");
const found = restore("cache", key, lines(input("restore-keys")), lines(input("path")));
setOutput("cache-hit", String(found === key));
saveState("hit", String(found === key));
