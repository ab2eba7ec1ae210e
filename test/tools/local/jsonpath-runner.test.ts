import * as assert from "node:assert/strict";
import { runJsonPath, scaleWaits } from "../../../tools/local/runners/jsonpath-runner";
import { fastClock, INVOKE, runnerOptions, scriptedTask, unhandledRejectionsDuring } from "./fakes";

// The shape our JSONPath definitions have: check the input, build the body, call Bedrock, select the answer.
const definition = {
  StartAt: "CheckInput",
  States: {
    CheckInput: {
      Type: "Choice",
      Choices: [{ Variable: "$.prompt", IsPresent: true, Next: "BuildBody" }],
      Default: "MissingPrompt",
    },
    BuildBody: {
      Type: "Pass",
      Parameters: { "prompt.$": "$.prompt", "name.$": "$$.Execution.Name" },
      ResultPath: "$.body",
      Next: "Invoke",
    },
    Invoke: {
      Type: "Task",
      Resource: INVOKE,
      Parameters: { ModelId: "anthropic.claude-3-haiku-20240307-v1:0", "Body.$": "$.body" },
      ResultSelector: { "text.$": "$.Body.text" },
      ResultPath: "$.answer",
      Retry: [{ ErrorEquals: ["Bedrock.ThrottlingException"], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3, JitterStrategy: "FULL" }],
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Failed" }],
      Next: "Done",
    },
    MissingPrompt: { Type: "Fail", Error: "ValidationError", Cause: "prompt is required" },
    Failed: { Type: "Fail", Error: "InvokeFailed", Cause: "Bedrock call failed" },
    Done: { Type: "Succeed", OutputPath: "$.answer" },
  },
};

describe("local JSONPath runner (aws-local-stepfunctions)", () => {
  it("runs Choice, Pass with Parameters, Task with Parameters/ResultSelector/ResultPath, recording the states", async () => {
    const { task, calls } = scriptedTask([{ result: { text: "hello" } }]);
    const run = await runJsonPath(runnerOptions(definition, { prompt: "hi" }, task, fastClock()));
    assert.equal(run.status, "SUCCEEDED", run.cause);
    assert.deepEqual(run.output, { text: "hello" });
    assert.deepEqual(run.states, ["CheckInput", "BuildBody", "Invoke", "Done"]);
    assert.deepEqual(calls, [{ ModelId: "anthropic.claude-3-haiku-20240307-v1:0", Body: { prompt: "hi", name: "exec-1" } }]);
  });

  it("retries throttling with the library's backoff, scaled, then succeeds", async () => {
    const { task, calls } = scriptedTask([{ fail: "Bedrock.ThrottlingException" }, { fail: "Bedrock.ThrottlingException" }, { result: { text: "late" } }]);
    const run = await runJsonPath(runnerOptions(definition, { prompt: "hi" }, task, fastClock()));
    assert.equal(run.status, "SUCCEEDED", run.cause);
    assert.equal(calls.length, 3);
    assert.deepEqual(run.states, ["CheckInput", "BuildBody", "Invoke", "Done"]);
  });

  it("catches an error no retrier names after one attempt", async () => {
    const { task, calls } = scriptedTask([{ fail: "Bedrock.AccessDeniedException", cause: "denied" }]);
    const run = await runJsonPath(runnerOptions(definition, { prompt: "hi" }, task, fastClock()));
    assert.deepEqual([run.status, run.error, run.cause], ["FAILED", "InvokeFailed", "Bedrock call failed"]);
    assert.deepEqual(run.states, ["CheckInput", "BuildBody", "Invoke", "Failed"]);
    assert.equal(calls.length, 1);
  });

  it("fails with the Fail state's Error when the prompt is missing", async () => {
    const { task, calls } = scriptedTask([{ result: {} }]);
    const run = await runJsonPath(runnerOptions(definition, {}, task, fastClock()));
    assert.deepEqual([run.status, run.error, run.cause, run.states], ["FAILED", "ValidationError", "prompt is required", ["CheckInput", "MissingPrompt"]]);
    assert.equal(calls.length, 0);
  });

  it("reports an uncaught task error by its Step Functions name", async () => {
    const bare = structuredClone(definition) as unknown as { States: Record<string, Record<string, unknown>> };
    delete bare.States.Invoke.Catch;
    delete bare.States.Failed;
    const { task } = scriptedTask([{ fail: "Bedrock.ValidationException", cause: "bad body" }]);
    const run = await runJsonPath(runnerOptions(bare, { prompt: "hi" }, task, fastClock()));
    assert.deepEqual([run.status, run.error, run.cause], ["FAILED", "Bedrock.ValidationException", "bad body"]);
  });

  it("ends a call that outlives TimeoutSeconds with States.Timeout, leaving no unhandled rejection when it fails later", async () => {
    const timed = structuredClone(definition) as unknown as { States: Record<string, Record<string, unknown>> };
    timed.States.Invoke.TimeoutSeconds = 5; // 5 ms with the fast clock
    delete timed.States.Invoke.Catch;
    delete timed.States.Failed;
    const { task } = scriptedTask([{ failAfterMs: 20 }]);
    const rejections = await unhandledRejectionsDuring(async () => {
      const run = await runJsonPath(runnerOptions(timed, { prompt: "hi" }, task, fastClock()));
      assert.deepEqual([run.status, run.error], ["FAILED", "States.Timeout"]);
    }, 40);
    assert.deepEqual(rejections, []);
  });

  it("scales the backoff and the timeouts of a copy by their factors, leaving the definition as it was", () => {
    const withTimeouts = { ...structuredClone(definition), TimeoutSeconds: 300 };
    withTimeouts.States.Invoke = { ...withTimeouts.States.Invoke, TimeoutSeconds: 60, Retry: [{ ErrorEquals: ["States.ALL"], MaxDelaySeconds: 8 }] } as never;
    const before = JSON.stringify(withTimeouts);
    const scaled = scaleWaits(withTimeouts as never, { waits: 0.001, timeouts: 0.01 });
    assert.equal(JSON.stringify(withTimeouts), before);
    assert.equal(scaled.TimeoutSeconds, 3);
    assert.equal(scaled.States.Invoke.TimeoutSeconds, 0.6);
    assert.deepEqual(scaled.States.Invoke.Retry, [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 0.001, MaxDelaySeconds: 0.008 }]);
  });

  it("refuses an invalid definition with asl-validator's reasons", async () => {
    const broken = { StartAt: "A", States: { A: { Type: "Pass", Next: "Nowhere" } } };
    await assert.rejects(runJsonPath(runnerOptions(broken, {}, scriptedTask([{ result: {} }]).task, fastClock())), /not valid ASL/);
  });
});
