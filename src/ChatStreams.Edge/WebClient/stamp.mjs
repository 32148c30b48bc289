// Writes ../wwwroot/js/SOURCES.sha256: a hash of the TypeScript sources the committed JavaScript was built from.
// A test recomputes it (without Node) and fails when someone edits src/ but does not rebuild.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = new URL("./src/", import.meta.url).pathname;
const files = readdirSync(dir).filter(f => f.endsWith(".ts")).sort();
const hash = createHash("sha256");
for (const f of files) {
  // Line endings normalised so a checkout with CRLF hashes the same.
  hash.update(f + "\n" + readFileSync(join(dir, f), "utf8").replace(/\r\n/g, "\n") + "\n");
}
writeFileSync(new URL("../wwwroot/js/SOURCES.sha256", import.meta.url), hash.digest("hex") + "\n");
