// npm run bench: every benchmark in turn; each prints its own figures.
import * as fs from "node:fs";
import * as path from "node:path";

async function runAll(): Promise<void> {
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith(".ts") && !["run.ts", "timing.ts"].includes(f))
    .sort();
  for (const file of files) {
    const bench = require(path.join(__dirname, file)) as { main?: () => Promise<void> };
    if (typeof bench.main === "function") await bench.main();
  }
}

runAll().then(
  () => process.exit(0),
  (err) => {
    console.error(`bench failed: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
