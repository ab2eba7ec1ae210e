// A read-only checkout: synth and local run from it (state is kept outside the tree), and `npm run pulumi -- preview`
// either succeeds or fails in one line. As root, `chmod -R a-w` stops no write; a read-only bind mount in a private
// mount namespace does (`unshare -m`). Where unshare is not permitted, the test says so and does not run.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findCli } from "../../../tools/engine/cli";

const ROOT = path.resolve(__dirname, "../../..");
const SKIP = new Set(["node_modules", ".git", ".pulumi-local", "test", "bench", "bin", ".tmp", "lib"]);

function readOnlyMountWorks(dir: string): boolean {
  const probe = spawnSync("unshare", ["-m", "sh", "-c", `mount --bind "${dir}" "${dir}" && mount -o remount,bind,ro "${dir}" && ! touch "${dir}/.probe" 2>/dev/null`], {
    encoding: "utf8",
  });
  return probe.status === 0;
}

/** Runs a shell command with `dir` mounted read-only over itself, in a private mount namespace. */
function inReadOnly(dir: string, command: string, env: NodeJS.ProcessEnv, timeoutMs: number) {
  const script = `mount --bind "${dir}" "${dir}" && mount -o remount,bind,ro "${dir}" && cd "${dir}" && ${command}`;
  return spawnSync("unshare", ["-m", "sh", "-c", script], { encoding: "utf8", env, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 });
}

describe("a read-only checkout", function () {
  this.timeout(300_000);
  let root: string;
  let copy: string;
  let state: string;

  before(function () {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-read-only-"));
    copy = path.join(root, "checkout");
    state = path.join(root, "state");
    fs.mkdirSync(copy);
    if (!readOnlyMountWorks(copy)) {
      console.log("    read-only checkout tests did not run: 'unshare -m' with a read-only bind mount is not permitted here (needs root or CAP_SYS_ADMIN)");
      this.skip();
    }
    for (const entry of fs.readdirSync(ROOT)) {
      if (SKIP.has(entry) || entry.endsWith(".log")) continue;
      fs.cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true, filter: (source) => !source.includes(`${path.sep}node_modules`) });
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
    // The workspaces' own node_modules, where npm kept any (most of their dependencies are hoisted to the root's).
    for (const workspace of ["policy-pack", "tools"]) {
      const modules = path.join(ROOT, workspace, "node_modules");
      if (fs.existsSync(modules)) fs.symlinkSync(modules, path.join(copy, workspace, "node_modules"), "dir");
    }
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const env = () => ({ ...process.env, BEDROCK_SFN_STATE_DIR: state, INIT_CWD: copy, TMPDIR: os.tmpdir() });

  it("synth and local run from it, writing nothing there", () => {
    const synth = inReadOnly(copy, "node tools/cli/bedrock-sfn.js synth --stack dev --json", env(), 120_000);
    assert.equal(synth.status, 0, synth.stderr);
    assert.ok(JSON.parse(synth.stdout).resources.length > 0);
    const local = inReadOnly(copy, "node tools/cli/bedrock-sfn.js local --stack dev --prompt hi --json", env(), 120_000);
    assert.equal(local.status, 0, local.stderr);
    assert.equal(JSON.parse(local.stdout).status, "SUCCEEDED");
  });

  it("npm start (the offline tour) runs from it to the end", () => {
    const start = inReadOnly(copy, "npm start --silent", env(), 240_000);
    assert.equal(start.status, 0, start.stderr.slice(-2000));
    assert.match(start.stdout, /violation\(s\), \d+ mandatory/);
    assert.match(start.stdout, /The fix is this project's role \(batch 5\): (\d+)\/\1 succeeded/);
  });

  it("npm run pulumi -- preview succeeds, or fails in one line saying where and why", function () {
    const cli = findCli(process.env);
    if (!cli) {
      console.log("    the engine part did not run: no Pulumi CLI built yet (npm run engine:build)");
      this.skip();
    }
    const preview = inReadOnly(copy, "node -r ts-node/register/transpile-only tools/engine/pulumi.ts preview --stack dev --non-interactive --color never", env(), 280_000);
    if (preview.status !== 0) {
      const errors = preview.stderr.split("\n").filter((line) => line.startsWith("error:"));
      assert.equal(errors.length, 1, preview.stderr.slice(-2000));
      assert.doesNotMatch(preview.stderr, /\n\s+at /, "no stack trace");
    } else {
      assert.match(preview.stdout, /to create/);
    }
    assert.doesNotMatch(preview.stderr, /EROFS.*\n\s+at /);
  });
});
