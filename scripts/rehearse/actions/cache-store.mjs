// Copied into each action folder by scripts/rehearse/rehearse.ts (act runs an action from a copy of
// its folder alone), so the stand-ins import it as ./ (../ from a sub-action).
// actions/cache's store, for the stand-ins: an entry per key under the rehearsal's cache folder,
// each path of the entry kept as a folder of its own. A restore takes the exact key, else the
// newest entry whose key starts with a restore key, as GitHub's cache service does.
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { copyInto, list, log, rehearsalDir, replaceWith, resolvePath } from "./lib.mjs";

const entryDir = (key) => rehearsalDir("cache", encodeURIComponent(key));

/** Restores an entry into the paths; returns the key it restored, or "" on a miss. */
export function restore(action, key, restoreKeys, paths) {
  let found = existsSync(entryDir(key)) ? key : "";
  if (!found) {
    const keys = list(rehearsalDir("cache")).map(decodeURIComponent);
    for (const prefix of restoreKeys) {
      const match = keys.filter((k) => k.startsWith(prefix)).sort((a, b) => statSync(entryDir(b)).mtimeMs - statSync(entryDir(a)).mtimeMs)[0];
      if (match) {
        found = match;
        break;
      }
    }
  }
  if (!found) {
    log(action, `no entry for ${key}`);
    return "";
  }
  paths.forEach((p, i) => {
    const kept = path.join(entryDir(found), String(i));
    if (existsSync(kept)) replaceWith(kept, resolvePath(p));
  });
  log(action, `restored ${found}${found === key ? "" : ` (for ${key})`}`);
  return found;
}

/** Saves the paths under the key, unless an entry has it already (a key is written once, as on GitHub). */
export function save(action, key, paths) {
  if (existsSync(entryDir(key))) {
    log(action, `${key} is kept already: not saved again`);
    return;
  }
  const dir = entryDir(key);
  mkdirSync(dir, { recursive: true });
  paths.forEach((p, i) => {
    const from = resolvePath(p);
    if (existsSync(from)) copyInto(from, path.join(dir, String(i)));
  });
  writeFileSync(path.join(dir, "paths.json"), JSON.stringify(paths));
  log(action, `saved ${key} (${readdirSync(dir).length - 1} of ${paths.length} paths there)`);
}
