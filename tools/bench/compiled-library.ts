// Whether lib/ (the library as npm ships it, from `npm run build`) is at least as new as every library source: the
// benches that measure the compiled library skip with a note rather than measure a stale build.
import * as fs from "node:fs";
import * as path from "node:path";

/** The project root (this file lives in `<root>/tools/bench/`). */
const ROOT = path.resolve(__dirname, "..", "..");

/** The folders whose files are compiled into lib/ (tsconfig.lib.json follows src/index.ts's imports into these). */
const LIBRARY_SOURCES = ["src", "components"];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
    else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  }
  return newest;
}

/** True when lib/ holds a build at least as new as every library source. */
export function compiledLibraryIsFresh(root = ROOT): boolean {
  const entry = path.join(root, "lib", "src", "index.js");
  if (!fs.existsSync(entry)) return false;
  const built = fs.statSync(entry).mtimeMs;
  return LIBRARY_SOURCES.every((dir) => !fs.existsSync(path.join(root, dir)) || newestSource(path.join(root, dir)) <= built);
}
