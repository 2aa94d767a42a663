import { save } from "./cache-store.mjs";
import { input, lines, log, state } from "./lib.mjs";

if (state("hit") === "true") log("cache", "the key was hit: nothing to save");
else save("cache", input("key"), lines(input("path")));
