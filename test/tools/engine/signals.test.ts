// `npm run pulumi -- preview` stopped by SIGINT, SIGTERM or SIGHUP (a closed terminal): the wrapper, the CLI, the
// language host and the program all end, no tracked file changes, and the offline salt stays in the engine's state
// folder. The three runs share one scratch state folder (the stack is created by the first).
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../../tools/engine/paths";
import { killLeftovers, processesWithEnv, spawnGroup, until } from "../../support/processes";
import { engineAvailability } from "./helpers";

const MARK = "BEDROCK_SFN_ENGINE_SIGNAL_TEST";
const gitStatus = () => execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: PROJECT_ROOT, encoding: "utf8" });

describe("engine: npm run pulumi ends cleanly on SIGINT, SIGTERM and SIGHUP", function () {
  this.timeout(300_000);
  const availability = engineAvailability();
  const state = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-engine-signals-"));

  before(function () {
    if ("reason" in availability) {
      if (process.env.BEDROCK_SFN_ENGINE_TESTS === "required") throw new Error(`engine tests required but cannot run: ${availability.reason}`);
      console.log(`    engine signal tests did not run: ${availability.reason}`);
      this.skip();
    }
  });
  after(() => fs.rmSync(state, { recursive: true, force: true }));

  for (const signal of ["SIGHUP", "SIGTERM", "SIGINT"] as const) {
    it(`preview --stack dev on ${signal}: every process ends, tracked files untouched, the salt outside the tree`, async () => {
      const before = gitStatus();
      const mark = `${process.pid}-${signal}`;
      const env = { ...process.env, BEDROCK_SFN_STATE_DIR: state, [MARK]: mark };
      const run = spawnGroup(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", path.join(PROJECT_ROOT, "tools/engine/pulumi.ts"), "preview", "--stack", "dev", "--non-interactive"],
        {
          cwd: PROJECT_ROOT,
          env,
        },
      );
      try {
        // Busy: the language host is up and running the program (a process of ours running language-host).
        const hostUp = () =>
          processesWithEnv(MARK, mark).some((pid) => {
            try {
              return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("language-host");
            } catch {
              return false;
            }
          });
        await until(() => hostUp() || run.child.exitCode !== null, 240_000, "the language host to start");
        assert.equal(run.child.exitCode, null, run.output().slice(-1500));
        process.kill(run.child.pid!, signal);
        const { code } = await run.exited;
        assert.notEqual(code, 0);
        await until(() => processesWithEnv(MARK, mark).length === 0, 30_000, "every process of the command to end");
        assert.equal(gitStatus(), before);
        for (const file of ["Pulumi.dev.yaml", "Pulumi.prod.yaml"]) assert.doesNotMatch(fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8"), /encryptionsalt/);
        assert.match(fs.readFileSync(path.join(state, "salts", "dev"), "utf8"), /^v1:/);
      } finally {
        killLeftovers(run.child, MARK, mark);
      }
    });
  }
});
