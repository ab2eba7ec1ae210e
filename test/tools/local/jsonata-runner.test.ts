import * as assert from "node:assert/strict";
import { runJsonata } from "../../../tools/local/runners/jsonata-runner";
import { INVOKE, recordingClock, runnerOptions, scriptedTask, unhandledRejectionsDuring } from "./fakes";

const modelResult = { content: [{ type: "text", text: "hi" }], stop_reason: "end_turn" };

describe("local JSONata runner", () => {
  it("runs Pass, Choice, Task and Succeed with Arguments, Output and Assign, recording the states in order", async () => {
    const { task, calls } = scriptedTask([{ result: modelResult }]);
    const definition = {
      QueryLanguage: "JSONata",
      StartAt: "Prepare",
      States: {
        Prepare: { Type: "Pass", Assign: { greeting: "{% 'Hello ' & $states.input.name %}" }, Next: "Route" },
        Route: {
          Type: "Choice",
          Choices: [{ Condition: "{% $exists($states.input.name) %}", Next: "Invoke" }],
          Default: "Refuse",
        },
        Invoke: {
          Type: "Task",
          Resource: INVOKE,
          Arguments: { ModelId: "anthropic.claude-3-haiku-20240307-v1:0", Body: { prompt: "{% $greeting %}", name: "{% $states.context.Execution.Name %}" } },
          Assign: { greeting: "changed" },
          Output: { text: "{% $states.result.Body.content[0].text %}", seen: "{% $greeting %}", state: "{% $states.context.State.Name %}" },
          Next: "Done",
        },
        Refuse: { Type: "Fail", Error: "NoName", Cause: "no name" },
        Done: { Type: "Succeed", Output: { text: "{% $states.input.text %}", seen: "{% $states.input.seen %}", now: "{% $greeting %}" } },
      },
    };
    const run = await runJsonata(runnerOptions(definition, { name: "Ada" }, task));
    assert.equal(run.status, "SUCCEEDED", run.cause);
    assert.deepEqual(run.states, ["Prepare", "Route", "Invoke", "Done"]);
    assert.deepEqual(calls, [{ ModelId: "anthropic.claude-3-haiku-20240307-v1:0", Body: { prompt: "Hello Ada", name: "exec-1" } }]);
    // Output is evaluated with the variables as they were on entry; the next state sees the new value.
    assert.deepEqual(run.output, { text: "hi", seen: "Hello Ada", now: "changed" });
  });

  it("takes Default when no rule matches and fails with States.NoChoiceMatched when there is none", async () => {
    const choice = (withDefault: boolean) => ({
      QueryLanguage: "JSONata",
      StartAt: "Route",
      States: {
        Route: { Type: "Choice", Choices: [{ Condition: "{% $states.input.n > 1 %}", Next: "Big" }], ...(withDefault ? { Default: "Small" } : {}) },
        Big: { Type: "Succeed" },
        Small: { Type: "Pass", Output: "small", End: true },
      },
    });
    const { task } = scriptedTask([{ result: {} }]);
    const small = await runJsonata(runnerOptions(choice(true), { n: 0 }, task));
    assert.deepEqual([small.status, small.output, small.states], ["SUCCEEDED", "small", ["Route", "Small"]]);
    const none = await runJsonata(runnerOptions(choice(false), { n: 0 }, task));
    assert.deepEqual([none.status, none.error], ["FAILED", "States.NoChoiceMatched"]);
  });

  it("fails with States.QueryEvaluationError when a Condition is not a boolean", async () => {
    const definition = {
      QueryLanguage: "JSONata",
      StartAt: "Route",
      States: { Route: { Type: "Choice", Choices: [{ Condition: "{% $states.input.n %}", Next: "Done" }] }, Done: { Type: "Succeed" } },
    };
    const run = await runJsonata(runnerOptions(definition, { n: 3 }, scriptedTask([{ result: {} }]).task));
    assert.equal(run.error, "States.QueryEvaluationError");
    assert.match(run.cause ?? "", /Route\.Choices\[0\]\.Condition/);
  });

  it("reports $error in a Task's Arguments as States.QueryEvaluationError, before any call, catchable with $states.input and $states.errorOutput", async () => {
    // As AWS does: a JSONata expression that fails (also through $error) raises States.QueryEvaluationError.
    const { task, calls } = scriptedTask([{ result: modelResult }]);
    const definition = {
      QueryLanguage: "JSONata",
      StartAt: "Invoke",
      States: {
        Invoke: {
          Type: "Task",
          Resource: INVOKE,
          Arguments: "{% $exists($states.input.prompt) ? {'ModelId': 'm', 'Body': {}} : $error('no prompt') %}",
          Retry: [{ ErrorEquals: ["Bedrock.ThrottlingException"], MaxAttempts: 3 }],
          Catch: [{ ErrorEquals: ["States.QueryEvaluationError"], Output: "{% {'seen': $states.input, 'error': $states.errorOutput.Error} %}", Next: "Bad" }],
          End: true,
        },
        Bad: { Type: "Pass", End: true },
      },
    };
    const run = await runJsonata(runnerOptions(definition, { other: 1 }, task));
    assert.equal(run.status, "SUCCEEDED", run.cause);
    assert.deepEqual(run.output, { seen: { other: 1 }, error: "States.QueryEvaluationError" });
    assert.deepEqual(run.states, ["Invoke", "Bad"]);
    assert.equal(calls.length, 0);
    const uncaught = await runJsonata(runnerOptions({ ...definition, States: { ...definition.States, Invoke: { ...definition.States.Invoke, Catch: [] } } }, {}, task));
    assert.equal(uncaught.error, "States.QueryEvaluationError");
    assert.match(uncaught.cause ?? "", /Invoke\.Arguments.*no prompt/);
  });

  describe("Retry", () => {
    const taskWithRetry = (retry: object[], catchers?: object[]) => ({
      QueryLanguage: "JSONata",
      StartAt: "Invoke",
      States: {
        Invoke: {
          Type: "Task",
          Resource: INVOKE,
          Arguments: { ModelId: "m.x", Body: {} },
          Retry: retry,
          ...(catchers ? { Catch: catchers } : {}),
          Output: "{% $states.result.Body %}",
          End: true,
        },
        Recover: { Type: "Pass", End: true },
      },
    });

    it("waits IntervalSeconds * BackoffRate^n, capped at MaxDelaySeconds, before each retry", async () => {
      const clock = recordingClock();
      const { task, calls } = scriptedTask([...Array(4).fill({ fail: "Bedrock.ThrottlingException" }), { result: "ok" }]);
      const definition = taskWithRetry([{ ErrorEquals: ["Bedrock.ThrottlingException"], IntervalSeconds: 2, BackoffRate: 2, MaxDelaySeconds: 5, MaxAttempts: 4 }]);
      const run = await runJsonata(runnerOptions(definition, {}, task, clock));
      assert.equal(run.status, "SUCCEEDED", run.cause);
      assert.equal(run.output, "ok");
      assert.equal(calls.length, 5);
      assert.deepEqual(clock.waits, [2, 4, 5, 5]);
      assert.deepEqual(run.states, ["Invoke"]);
    });

    it("with JitterStrategy FULL waits a uniform share of the capped delay", async () => {
      const clock = recordingClock(() => 0.25);
      const { task } = scriptedTask([{ fail: "Bedrock.ThrottlingException" }, { fail: "Bedrock.ThrottlingException" }, { result: "ok" }]);
      const definition = taskWithRetry([{ ErrorEquals: ["States.ALL"], IntervalSeconds: 4, BackoffRate: 3, JitterStrategy: "FULL" }]);
      await runJsonata(runnerOptions(definition, {}, task, clock));
      assert.deepEqual(clock.waits, [1, 3]);
    });

    it("uses the ASL defaults (1 s, rate 2, 3 attempts) and then fails with the last error", async () => {
      const clock = recordingClock();
      const { task, calls } = scriptedTask([{ fail: "Bedrock.ModelTimeoutException", cause: "slow" }]);
      const run = await runJsonata(runnerOptions(taskWithRetry([{ ErrorEquals: ["States.TaskFailed"] }]), {}, task, clock));
      assert.deepEqual([run.status, run.error, run.cause], ["FAILED", "Bedrock.ModelTimeoutException", "slow"]);
      assert.equal(calls.length, 4);
      assert.deepEqual(clock.waits, [1, 2, 4]);
    });

    it("only the first matching retrier counts: an error it does not name is not retried", async () => {
      const { task, calls } = scriptedTask([{ fail: "Bedrock.AccessDeniedException" }]);
      const definition = taskWithRetry([{ ErrorEquals: ["Bedrock.ThrottlingException"], MaxAttempts: 5 }]);
      const run = await runJsonata(runnerOptions(definition, {}, task));
      assert.equal(run.error, "Bedrock.AccessDeniedException");
      assert.equal(calls.length, 1);
    });

    it("MaxAttempts 0 never retries", async () => {
      const { task, calls } = scriptedTask([{ fail: "Bedrock.ThrottlingException" }]);
      await runJsonata(runnerOptions(taskWithRetry([{ ErrorEquals: ["States.ALL"], MaxAttempts: 0 }]), {}, task));
      assert.equal(calls.length, 1);
    });

    it("after the retries, Catch sends $states.errorOutput to the catcher's Next and runs its Assign", async () => {
      const { task } = scriptedTask([{ fail: "Bedrock.ThrottlingException", cause: "busy" }]);
      const definition = taskWithRetry(
        [{ ErrorEquals: ["Bedrock.ThrottlingException"], MaxAttempts: 1 }],
        [
          {
            ErrorEquals: ["States.ALL"],
            Next: "Recover",
            Assign: { why: "{% $states.errorOutput.Cause %}" },
            Output: { caught: "{% $states.errorOutput %}", input: "{% $states.input %}" },
          },
        ],
      );
      definition.States.Recover = { Type: "Pass", Output: { caught: "{% $states.input.caught %}", why: "{% $why %}" }, End: true } as never;
      const run = await runJsonata(runnerOptions(definition, { a: 1 }, task));
      assert.equal(run.status, "SUCCEEDED", run.cause);
      assert.deepEqual(run.states, ["Invoke", "Recover"]);
      assert.deepEqual(run.output, { caught: { Error: "Bedrock.ThrottlingException", Cause: "busy" }, why: "busy" });
    });
  });

  describe("TimeoutSeconds", () => {
    const slowTask = (catchers: object[]) => ({
      QueryLanguage: "JSONata",
      StartAt: "Invoke",
      States: {
        Invoke: { Type: "Task", Resource: INVOKE, Arguments: { ModelId: "m.x", Body: {} }, TimeoutSeconds: 5, Catch: catchers, End: true },
        TimedOut: { Type: "Pass", Output: "{% $states.input.Error %}", End: true },
      },
    });

    it("fails a Task that outlives it with States.Timeout, which States.TaskFailed does not catch", async () => {
      const { task } = scriptedTask([{ hang: true }]);
      const run = await runJsonata(runnerOptions(slowTask([{ ErrorEquals: ["States.TaskFailed"], Next: "TimedOut" }]), {}, task));
      assert.deepEqual([run.status, run.error], ["FAILED", "States.Timeout"]);
    });

    it("leaves no unhandled rejection when the timed-out call fails later", async () => {
      const { task } = scriptedTask([{ failAfterMs: 20 }]);
      const rejections = await unhandledRejectionsDuring(async () => {
        const run = await runJsonata(runnerOptions(slowTask([]), {}, task));
        assert.equal(run.error, "States.Timeout");
      }, 40);
      assert.deepEqual(rejections, []);
    });

    it("lets Catch on States.Timeout handle it", async () => {
      const { task } = scriptedTask([{ hang: true }]);
      const run = await runJsonata(runnerOptions(slowTask([{ ErrorEquals: ["States.Timeout"], Next: "TimedOut" }]), {}, task));
      assert.deepEqual([run.status, run.output], ["SUCCEEDED", "States.Timeout"]);
    });

    it("ends the whole execution at the machine's TimeoutSeconds", async () => {
      const { task } = scriptedTask([{ hang: true }]);
      const definition = {
        QueryLanguage: "JSONata",
        TimeoutSeconds: 3,
        StartAt: "Invoke",
        States: { Invoke: { Type: "Task", Resource: INVOKE, Arguments: { ModelId: "m.x", Body: {} }, End: true } },
      };
      const run = await runJsonata(runnerOptions(definition, {}, task));
      assert.deepEqual([run.status, run.error], ["FAILED", "States.Timeout"]);
    });
  });

  it("evaluates the Fail state's Error and Cause as JSONata", async () => {
    const definition = {
      QueryLanguage: "JSONata",
      StartAt: "Check",
      States: {
        Check: { Type: "Fail", Error: "ValidationError", Cause: "{% 'missing: ' & $join($states.input.missing, ', ') %}" },
      },
    };
    const run = await runJsonata(runnerOptions(definition, { missing: ["prompt", "body"] }, scriptedTask([{ result: {} }]).task));
    assert.deepEqual([run.status, run.error, run.cause, run.states], ["FAILED", "ValidationError", "missing: prompt, body", ["Check"]]);
  });

  it("offers Step Functions' $uuid and $parse, and refuses $eval as Step Functions does", async () => {
    const pass = (output: string) => ({ QueryLanguage: "JSONata", StartAt: "P", States: { P: { Type: "Pass", Output: output, End: true } } });
    const task = scriptedTask([{ result: {} }]).task;
    const uuid = await runJsonata(runnerOptions(pass("{% $uuid() %}"), {}, task));
    assert.match(String(uuid.output), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const parsed = await runJsonata(runnerOptions(pass("{% $parse($states.input.text).a %}"), { text: '{"a":[1,2]}' }, task));
    assert.deepEqual(parsed.output, [1, 2]);
    const evaluated = await runJsonata(runnerOptions(pass("{% $eval('1+1') %}"), {}, task));
    assert.equal(evaluated.error, "States.QueryEvaluationError");
  });

  it("reports an unsupported Task resource instead of calling it", async () => {
    const { task, calls } = scriptedTask([{ result: {} }]);
    const definition = { QueryLanguage: "JSONata", StartAt: "L", States: { L: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Arguments: {}, End: true } } };
    const run = await runJsonata(runnerOptions(definition, {}, task));
    assert.equal(run.error, "States.Runtime");
    assert.match(run.cause ?? "", /lambda:invoke/);
    assert.equal(calls.length, 0);
  });
});
