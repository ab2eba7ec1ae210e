// Every long-running CLI ends the same way on SIGINT, SIGTERM and SIGHUP: it exits, leaves no process behind and no
// temp folder (the S3 stand-in's store, serve's outputs file), and tracked files as they were. Each command is run
// with a signal (local with each of the three), in its own process group with its own TMPDIR, and given the signal once it is busy;
// a second signal forces the exit. The engine wrapper's signals are tested in test/engine/signals.test.ts.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { killGroup, processesWithEnv, spawnGroup, until } from "../../support/processes";

const ROOT = path.resolve(__dirname, "../../..");
const BIN = path.join(ROOT, "tools/cli/bedrock-sfn.js");
const MARK = "BEDROCK_SFN_SIGNAL_TEST";
const gitStatus = () => execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8" });
const tempFolders = (dir: string) => fs.readdirSync(dir).filter((name) => name.startsWith("bedrock-sfn-"));

interface Case {
  command: string;
  signal: NodeJS.Signals;
  args: (ctx: { dir: string; port: number }) => string[];
  /** Busy: the point at which the command holds what it must clean up. */
  busy: (ctx: { dir: string; output: string; connections: number }) => boolean;
}

const COMMANDS: Omit<Case, "signal">[] = [
  { command: "local", args: () => ["--stack", "dev", "--prompt", "hi", "--runs", "10000"], busy: ({ dir }) => tempFolders(dir).length > 0 },
  { command: "serve", args: () => ["--stack", "dev", "--port", "0"], busy: ({ output }) => output.includes("Serving until Ctrl-C.") },
  { command: "start", args: () => ["--stack", "dev"], busy: ({ dir }) => tempFolders(dir).length > 0 },
  {
    command: "invoke",
    args: ({ dir }) => ["--stack", "dev", "--prompt", "hi", "--outputs-file", path.join(dir, "outputs.json")],
    busy: ({ connections }) => connections > 0,
  },
  { command: "synth", args: () => ["--stack", "dev"], busy: ({ output }) => output.length >= 0 },
];
const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
/**
 * `local` with every signal, and every other command with one signal, in turn: the three signals take one path
 * (tools/cli/lib/args.ts runCli registers one handler for all of them), so the full cross product (15 runs of
 * 10-20 s each) proved nothing these 7 do not, at twice the CI time.
 */
const CASES: Case[] = COMMANDS.flatMap((command, i) =>
  command.command === "local" ? SIGNALS.map((signal) => ({ ...command, signal })) : [{ ...command, signal: SIGNALS[i % SIGNALS.length] }],
);

describe("CLIs: SIGINT, SIGTERM and SIGHUP end a command cleanly", () => {
  for (const c of CASES) {
    it(`bedrock-sfn ${c.command} on ${c.signal}: exits, no process left, no temp folder, tracked files untouched`, async function () {
      this.timeout(90_000);
      const before = gitStatus();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bedrock-sfn-signal-${c.command}-`));
      const tmp = path.join(dir, "tmp");
      fs.mkdirSync(tmp);
      // invoke talks to a Step Functions endpoint that accepts the connection and never answers: it waits there.
      let connections = 0;
      const sockets: net.Socket[] = [];
      const silent = net.createServer((socket) => {
        connections++;
        sockets.push(socket);
      });
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
      const port = (silent.address() as net.AddressInfo).port;
      fs.writeFileSync(
        path.join(dir, "outputs.json"),
        JSON.stringify({
          stateMachineArn: "arn:aws:states:ap-northeast-1:123456789012:stateMachine:x",
          region: "ap-northeast-1",
          workflowType: "EXPRESS",
          payloadBucketName: "b",
          modelId: "apac.anthropic.claude-sonnet-4-20250514-v1:0",
        }),
      );
      const mark = `${process.pid}-${c.command}`;
      const env = { ...process.env, TMPDIR: tmp, INIT_CWD: ROOT, [MARK]: mark, AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" };
      const run = spawnGroup(process.execPath, [BIN, c.command, ...c.args({ dir, port })], { cwd: ROOT, env });
      try {
        await until(() => c.busy({ dir: tmp, output: run.output(), connections }) || run.child.exitCode !== null, 60_000, `${c.command} to be busy`);
        // synth holds nothing to clean up: it is signalled once node has started it (past its first line).
        if (c.command === "synth") await new Promise((resolve) => setTimeout(resolve, 2500));
        const stillRunning = run.child.exitCode === null;
        if (stillRunning) process.kill(run.child.pid!, c.signal);
        const { code } = await run.exited;
        if (c.command !== "synth") assert.ok(stillRunning, `${c.command} ended before it was signalled:\n${run.output().slice(-1000)}`);
        // serve stops gracefully (exit 0); the others exit at once with 130.
        // (synth may have finished as the signal came: 0 then.)
        if (stillRunning) assert.ok(code === (c.command === "serve" ? 0 : 130) || (c.command === "synth" && code === 0), `exit ${code}\n${run.output().slice(-1500)}`);
        await until(() => processesWithEnv(MARK, mark).length === 0, 5000, "every process of the command to end");
        assert.deepEqual(tempFolders(tmp), []);
        assert.equal(gitStatus(), before);
      } finally {
        killGroup(run.child);
        for (const socket of sockets) socket.destroy();
        silent.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it("a second signal forces the exit of a command that stops gracefully (serve)", async function () {
    this.timeout(90_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-signal-twice-"));
    const mark = `${process.pid}-twice`;
    const run = spawnGroup(process.execPath, [BIN, "serve", "--stack", "dev", "--port", "0"], { cwd: ROOT, env: { ...process.env, TMPDIR: dir, INIT_CWD: ROOT, [MARK]: mark } });
    try {
      await until(() => run.output().includes("Serving until Ctrl-C.") || run.child.exitCode !== null, 60_000, "serve to listen");
      process.kill(run.child.pid!, "SIGHUP");
      await new Promise((resolve) => setTimeout(resolve, 20));
      process.kill(run.child.pid!, "SIGHUP");
      const { code } = await run.exited;
      // 130 when the second signal cut the graceful stop short; 0 when that stop was quicker than the second signal.
      assert.ok(code === 130 || code === 0, `exit ${code}`);
      assert.deepEqual(tempFolders(dir), []);
      assert.deepEqual(processesWithEnv(MARK, mark), []);
    } finally {
      killGroup(run.child);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
