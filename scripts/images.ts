// `npm run images`: every image a run uses, one reference per line (after KUBEPROOF_IMAGE_MIRRORS),
// for people who mirror images into a private registry. `--explain` adds what each is for.
import { imageList, parseMirrors, rewriteImage } from "../harness/images.ts";

const mirrors = parseMirrors(process.env.KUBEPROOF_IMAGE_MIRRORS);
const explain = process.argv.includes("--explain");
const list = imageList();
for (const [section, entries] of [["test", list.test], ["cluster", list.cluster]] as const) {
  for (const [name, e] of Object.entries(entries)) {
    const ref = rewriteImage(e.ref, mirrors);
    console.log(explain ? `${ref}\t${section}/${name}: ${e.use}` : ref);
  }
}
