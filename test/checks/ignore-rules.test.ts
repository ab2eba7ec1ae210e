// biome and knip skip what git ignores, so an ignore rule that reaches a source folder hides that folder's code
// from the lint, the format check and the dead-code check (and hides its new files from `git status`).
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");
const git = (args: string[]) => spawnSync("git", args, { cwd: root, encoding: "utf8" });

/** The paths among `paths` that git ignores. */
function ignored(paths: string[]): string[] {
  const run = spawnSync("git", ["check-ignore", "--no-index", "--stdin"], { cwd: root, encoding: "utf8", input: paths.join("\n") });
  // Exit 1: none ignored; 0: some ignored (listed on stdout); anything else is git failing.
  assert.ok(run.status === 0 || run.status === 1, `git check-ignore failed: ${run.stderr}`);
  return run.stdout.split("\n").filter(Boolean);
}

describe("ignore rules and the checks", () => {
  it("ignore no folder that holds tracked code, so a new file there is linted and checked for dead code", () => {
    const listing = git(["ls-files"]);
    assert.equal(listing.status, 0, `these tests read the git checkout: ${listing.stderr}`);
    const tracked = listing.stdout.split("\n").filter((f) => /\.(ts|js)$/.test(f));
    const folders = [...new Set(tracked.map((f) => path.posix.dirname(f)))].sort();
    assert.ok(folders.includes("tools/cli/lib") && folders.includes("policy-pack/lib"), folders.join(", "));
    const probes = folders.map((folder) => path.posix.join(folder, "new-module.ts"));
    assert.deepEqual(ignored(probes), []);
  });

  it("still ignore the generated output at the root and in the pack", () => {
    const generated = ["lib/src/index.js", "bin/index.js", "policy-pack/dist/index.js", ".pulumi-local/x.json", "node_modules/x/index.js"];
    assert.deepEqual(ignored(generated), generated);
  });
});
