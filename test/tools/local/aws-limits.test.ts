import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AWS_LIMITS, ExecutionBudget, inlineMapConcurrency } from "../../../tools/local/runners/aws-limits";
import { createClock } from "../../../tools/local/runners/clock";
import { runJsonata } from "../../../tools/local/runners/jsonata-runner";
import { runJsonPath } from "../../../tools/local/runners/jsonpath-runner";
import { INVOKE, concurrencyProbe, recordingClock, runnerOptions, scriptedTask } from "./fakes";

const ROOT = path.resolve(__dirname, "../../..");
const modelResult = { content: [{ type: "text", text: "hi" }], stop_reason: "end_turn" };
// A loop whose way out (a Choice on an input field) is never taken: valid ASL, and a runaway.
const exit = (language: "JSONata" | "JSONPath", next: string) =>
  language === "JSONata"
    ? { Type: "Choice", Choices: [{ Condition: "{% $exists($states.input.stop) %}", Next: "Done" }], Default: next }
    : { Type: "Choice", Choices: [{ Variable: "$.stop", IsPresent: true, Next: "Done" }], Default: next };
const passLoop = (language: "JSONata" | "JSONPath") => ({
  QueryLanguage: language,
  StartAt: "Spin",
  States: { Spin: { Type: "Pass", Next: "Again" }, Again: exit(language, "Spin"), Done: { Type: "Succeed" } },
});

describe("AWS's execution limits in the local runners (local/runners/aws-limits.ts)", () => {
  it("STANDARD: a Task -> Pass -> Task loop fails with States.Runtime at 25,000 history events (JSONata)", async () => {
    const { task, calls } = scriptedTask([{ result: modelResult }]);
    const definition = {
      QueryLanguage: "JSONata",
      StartAt: "Ask",
      States: { Ask: { Type: "Task", Resource: INVOKE, Arguments: { ModelId: "m", Body: {} }, Next: "Again" }, Again: { Type: "Pass", Next: "Ask" } },
    };
    const run = await runJsonata({ ...runnerOptions(definition, {}, task), workflowType: "STANDARD" });
    assert.equal(run.status, "FAILED");
    assert.equal(run.error, "States.Runtime");
    assert.equal(run.cause, "The execution reached the maximum number of history events (25000).");
    // 7 events per Task + Pass round: the limit lands after about 25,000 / 7 Bedrock calls, as it would on AWS.
    assert.ok(calls.length > 3000 && calls.length < 3600, `${calls.length} calls`);
    // The report keeps the first 1000 states and counts the rest instead of growing without bound.
    assert.equal(run.states.length, 1001);
    assert.match(run.states.at(-1)!, /^\.\.\. \d+ more$/);
  });

  it("STANDARD: a Pass -> Choice loop fails with States.Runtime at 25,000 history events (JSONPath)", async () => {
    const run = await runJsonPath({ ...runnerOptions(passLoop("JSONPath"), {}, scriptedTask([{ result: modelResult }]).task), workflowType: "STANDARD" });
    assert.equal(run.status, "FAILED");
    assert.equal(run.error, "States.Runtime");
    assert.equal(run.cause, "The execution reached the maximum number of history events (25000).");
  });

  for (const language of ["JSONata", "JSONPath"] as const) {
    it(`EXPRESS: a loop ends with States.Timeout at 5 minutes on the runner's clock (${language})`, async () => {
      // timeoutScale 0.002: the 300 s limit lasts 0.6 s of real time.
      const clock = createClock({ timeScale: 0.001, timeoutScale: 0.002 });
      const options = { ...runnerOptions(passLoop(language), {}, scriptedTask([{ result: modelResult }]).task, clock), workflowType: "EXPRESS" as const };
      const run = language === "JSONata" ? await runJsonata(options) : await runJsonPath(options);
      assert.equal(run.status, "FAILED");
      assert.equal(run.error, "States.Timeout");
      assert.match(run.cause ?? "", /5-minute maximum duration of EXPRESS workflows/);
    });
  }

  it("EXPRESS: a Task that never answers still ends at 5 minutes", async () => {
    const definition = { QueryLanguage: "JSONata", StartAt: "Hang", States: { Hang: { Type: "Task", Resource: INVOKE, Arguments: { ModelId: "m", Body: {} }, End: true } } };
    const clock = createClock({ timeoutScale: 0.001 });
    const run = await runJsonata({ ...runnerOptions(definition, {}, scriptedTask([{ hang: true }]).task, clock), workflowType: "EXPRESS" });
    assert.equal(run.error, "States.Timeout");
  });

  for (const language of ["JSONata", "JSONPath"] as const) {
    it(`a state output over 262,144 bytes fails with States.DataLimitExceeded, which States.ALL does not catch (${language})`, async () => {
      const big = "x".repeat(AWS_LIMITS.payloadBytes);
      const grow =
        language === "JSONata"
          ? { Type: "Pass", Output: `{% {'text': '${big}'} %}`, Catch: [{ ErrorEquals: ["States.ALL"], Next: "Caught" }], Next: "Done" }
          : { Type: "Pass", Result: { text: big }, Next: "Done" };
      const definition = {
        QueryLanguage: language,
        StartAt: "Grow",
        States: { Grow: grow, Done: { Type: "Succeed" }, ...(language === "JSONata" ? { Caught: { Type: "Succeed" } } : {}) },
      };
      const run =
        language === "JSONata" ? await runJsonata(runnerOptions(definition, {}, scriptedTask([]).task)) : await runJsonPath(runnerOptions(definition, {}, scriptedTask([]).task));
      assert.equal(run.status, "FAILED");
      assert.equal(run.error, "States.DataLimitExceeded");
      assert.match(run.cause ?? "", /output of state 'Grow' is 26\d{4} bytes, over the 262144-byte limit/);
    });
  }

  it("an inline Map runs at most 40 iterations at once, whatever MaxConcurrency asks", async () => {
    const { task, peak } = concurrencyProbe(() => modelResult);
    const definition = {
      QueryLanguage: "JSONata",
      StartAt: "Each",
      States: {
        Each: {
          Type: "Map",
          Items: "{% $states.input %}",
          MaxConcurrency: 1000,
          ItemProcessor: { StartAt: "Ask", States: { Ask: { Type: "Task", Resource: INVOKE, Arguments: { ModelId: "m", Body: {} }, End: true } } },
          End: true,
        },
      },
    };
    const run = await runJsonata(
      runnerOptions(
        definition,
        Array.from({ length: 100 }, (_, i) => i),
        task,
        recordingClock(),
      ),
    );
    assert.equal(run.status, "SUCCEEDED", run.cause);
    assert.equal(peak(), AWS_LIMITS.inlineMapConcurrency);
    assert.equal(inlineMapConcurrency(0, 1000), 40);
    assert.equal(inlineMapConcurrency(3, 1000), 3);
    assert.equal(inlineMapConcurrency(undefined, 2), 2);
  });

  it("counts the events of an EXPRESS run against its clock only, and a STANDARD run's against 25,000", () => {
    let now = 0;
    const express = new ExecutionBudget("EXPRESS", { timeoutMs: (s) => s * 1000 }, () => now);
    express.count(1_000_000);
    now = 300_000;
    assert.throws(() => express.count(0), /5-minute maximum duration/);
    const standard = new ExecutionBudget("STANDARD", { timeoutMs: (s) => s * 1000 }, () => now);
    standard.count(24_997);
    standard.count(1);
    assert.throws(() => standard.count(1), /maximum number of history events \(25000\)/);
    assert.throws(() => standard.count(0), /25000/, "the execution stays ended");
  });

  it("npx bedrock-sfn local: a looping definitionFile ends with AWS's error naming the limit, under 500 MB peak", async function () {
    // The bound on wall time is this test's timeout (the issue asks for 60 s); memory is measured by the child itself.
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-limits-test-"));
    try {
      const input = path.join(dir, "input.json");
      fs.writeFileSync(input, "{}");
      const args = ["--require", path.join(ROOT, "test/support/report-max-rss.js"), path.join(ROOT, "tools/cli/bedrock-sfn.js"), "local", "--stack", "dev"];
      args.push("--config", `definitionFile=${path.join(ROOT, "test/tools/local/fixtures/runaway-loop.asl.json")}`, "--config", "workflowType=STANDARD", "--input-file", input);
      const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, INIT_CWD: ROOT }, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (chunk) => (out += chunk));
      child.stderr.on("data", (chunk) => (out += chunk));
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      assert.equal(code, 1, out.slice(-2000));
      assert.match(out, /FAILED: States\.Runtime/);
      assert.match(out, /The execution reached the maximum number of history events \(25000\)\./);
      const maxRss = Number(/maxRSS-kB=(\d+)/.exec(out)?.[1]);
      assert.ok(maxRss > 0 && maxRss < 500 * 1024, `peak RSS ${maxRss} kB`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
