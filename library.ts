// How the stack program (and the offline tools that run it) load the library: as the compiled JavaScript in lib/,
// exactly what a user of the package runs, and cheaper: ts-node then compiles and source-maps only the program's
// own files. Where lib/ is missing or older than a source file (an edit not yet built), the TypeScript sources
// instead, so a change is never run stale. BEDROCK_SFN_LIBRARY=source or =compiled forces one (bench/ compares them).
import * as fs from "node:fs";
import * as path from "node:path";

type Library = typeof import("./src/index");

/** The folders whose files are compiled into lib/ (tsconfig.lib.json follows src/index.ts's imports into these). */
const LIBRARY_SOURCES = ["src", "components"];
const COMPILED_ENTRY = path.join(__dirname, "lib", "src", "index.js");

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
export function compiledLibraryIsFresh(root = __dirname): boolean {
  const entry = path.join(root, "lib", "src", "index.js");
  if (!fs.existsSync(entry)) return false;
  const built = fs.statSync(entry).mtimeMs;
  return LIBRARY_SOURCES.every((dir) => !fs.existsSync(path.join(root, dir)) || newestSource(path.join(root, dir)) <= built);
}

function load(): Library {
  const choice = process.env.BEDROCK_SFN_LIBRARY;
  const compiled = choice === "compiled" || (choice !== "source" && compiledLibraryIsFresh());
  return compiled ? (require(COMPILED_ENTRY) as Library) : (require("./src/index") as Library);
}

export const library: Library = load();
