import { save } from "../cache-store.mjs";
import { input, lines } from "../lib.mjs";

save("cache/save", input("key"), lines(input("path")));
