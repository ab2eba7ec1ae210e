// Parallel and Map in the local JSONata runner (our own), and Parallel/Map user definitions on the JSONPath runner.
import * as assert from "node:assert/strict";
import { runJsonata } from "../../../tools/local/runners/jsonata-runner";
import { runJsonPath } from "../../../tools/local/runners/jsonpath-runner";
import { INVOKE, concurrencyProbe, runnerOptions, scriptedTask } from "./fakes";

const echoTask = () => {
  const calls: unknown[] = [];
  const task = async (args: unknown) => {
    calls.push(args);
    return { Body: { echoed: (args as { Body?: unknown }).Body }, ContentType: "application/json" };
  };
  return { task, calls };
};

describe("nested states in the local runners", () => {
  it("JSONata Parallel: branches get the Arguments, read outer variables, and their outputs come back in order", async () => {
    const { task, calls } = echoTask();
    const definition = {
      QueryLanguage: "JSONata",
      StartAt: "Set",
      States: {
        Set: { Type: "Pass", Assign: { who: "{% $states.input.name %}" }, Next: "Fan" },
        Fan: {
          Type: "Parallel",
          Arguments: { n: "{% $states.input.n %}" },
          Branches: [
            {
              StartAt: "A",
              States: {
                A: {
                  Type: "Task",
                  Resource: INVOKE,
                  Arguments: { ModelId: "m.a", Body: "{% $who & ' ' & $states.input.n %}" },
                  Assign: { inner: 1 },
                  Output: "{% $states.result.Body.echoed %}",
                  End: true,
                },
              },
            },
            { StartAt: "B", States: { B: { Type: "Pass", Output: "{% $states.input.n * 2 %}", End: true } } },
          ],
          Output: "{% {'results': $states.result, 'innerVisible': $exists($inner)} %}",
          End: true,
        },
      },
    };
    const run = await runJsonata(runnerOptions(definition, { name: "Ada", n: 21 }, task));
    assert.equal(run.status, "SUCCEEDED", run.cause);
    assert.deepEqual(run.output, { results: ["Ada 21", 42], innerVisible: false });
    assert.deepEqual(run.states, ["Set", "Fan"]);
    assert.equal(calls.length, 1);
  });

  it("JSONata Map: Items, ItemSelector with $states.context.Map.Item, MaxConcurrency, results in item order", async () => {
    const { task, peak } = concurrencyProbe((args) => args);
    const definition = {
      QueryLanguage: "JSONata",
      StartAt: "Each",
      States: {
        Each: {
          Type: "Map",
          Items: "{% $states.input.words %}",
          MaxConcurrency: 2,
          ItemSelector: { word: "{% $states.context.Map.Item.Value %}", index: "{% $states.context.Map.Item.Index %}" },
          ItemProcessor: {
            ProcessorConfig: { Mode: "INLINE" },
            StartAt: "Call",
            States: {
              Call: {
                Type: "Task",
                Resource: INVOKE,
                Arguments: { ModelId: "m", Body: "{% $states.input.word & '#' & $states.input.index %}" },
                Output: "{% $states.result.Body.Body %}",
                End: true,
              },
            },
          },
          End: true,
        },
      },
    };
    const run = await runJsonata(runnerOptions(definition, { words: ["a", "b", "c", "d", "e"] }, task as never));
    assert.equal(run.status, "SUCCEEDED", run.cause);
    assert.deepEqual(run.output, ["a#0", "b#1", "c#2", "d#3", "e#4"]);
    assert.equal(peak(), 2, "at most MaxConcurrency iterations at once");
  });

  it("JSONata: a failing branch fails the Parallel, whose Catch and Retry apply; Items that are not an array fail clearly", async () => {
    const { task } = scriptedTask([{ fail: "Bedrock.ThrottlingException" }, { fail: "Bedrock.AccessDeniedException", cause: "denied" }]);
    const definition = {
      QueryLanguage: "JSONata",
      StartAt: "Fan",
      States: {
        Fan: {
          Type: "Parallel",
          Branches: [{ StartAt: "A", States: { A: { Type: "Task", Resource: INVOKE, Arguments: { ModelId: "m", Body: {} }, End: true } } }],
          Retry: [{ ErrorEquals: ["Bedrock.ThrottlingException"], MaxAttempts: 1, IntervalSeconds: 1 }],
          Catch: [{ ErrorEquals: ["States.ALL"], Next: "Caught", Output: "{% $states.errorOutput %}" }],
          End: true,
        },
        Caught: { Type: "Pass", End: true },
      },
    };
    const run = await runJsonata(runnerOptions(definition, {}, task));
    assert.equal(run.status, "SUCCEEDED", run.cause);
    assert.deepEqual(run.output, { Error: "Bedrock.AccessDeniedException", Cause: "denied" });
    assert.deepEqual(run.states, ["Fan", "Caught"]);

    const notArray = await runJsonata(
      runnerOptions(
        {
          QueryLanguage: "JSONata",
          StartAt: "M",
          States: { M: { Type: "Map", Items: "{% $states.input.x %}", ItemProcessor: { StartAt: "P", States: { P: { Type: "Pass", End: true } } }, End: true } },
        },
        { x: 5 },
        task,
      ),
    );
    assert.equal(notArray.status, "FAILED");
    assert.equal(notArray.error, "States.QueryEvaluationError");
    assert.match(notArray.cause ?? "", /^M\.Items must evaluate to an array, got 5$/);
  });

  it("JSONPath: Parallel and Map of a user definition reach the task for every nested Task", async () => {
    const { task, calls } = echoTask();
    const definition = {
      StartAt: "Fan",
      States: {
        Fan: {
          Type: "Parallel",
          Branches: [
            {
              StartAt: "One",
              States: { One: { Type: "Task", Resource: INVOKE, Parameters: { ModelId: "m", "Body.$": "$.text" }, ResultSelector: { "t.$": "$.Body.echoed" }, End: true } },
            },
            {
              StartAt: "Each",
              States: {
                Each: {
                  Type: "Map",
                  ItemsPath: "$.items",
                  ItemProcessor: {
                    StartAt: "Two",
                    States: { Two: { Type: "Task", Resource: INVOKE, Parameters: { ModelId: "m", "Body.$": "$" }, ResultSelector: { "t.$": "$.Body.echoed" }, End: true } },
                  },
                  End: true,
                },
              },
            },
          ],
          End: true,
        },
      },
    };
    const run = await runJsonPath(runnerOptions(definition, { text: "hi", items: ["x", "y"] }, task));
    assert.equal(run.status, "SUCCEEDED", run.cause);
    assert.deepEqual(run.output, [{ t: "hi" }, [{ t: "x" }, { t: "y" }]]);
    assert.equal(calls.length, 3);
  });
});
