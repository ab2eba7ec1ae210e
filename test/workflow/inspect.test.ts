import * as assert from "node:assert/strict";
import { invokeModelTasks } from "../../workflow/inspect";

describe("invokeModelTasks", () => {
  it("reads JSONPath Parameters, including the seeds' SAM definition shape", () => {
    const tasks = invokeModelTasks({
      StartAt: "InvokeModel",
      States: {
        InvokeModel: {
          Type: "Task",
          Resource: "arn:aws:states:::bedrock:invokeModel",
          Parameters: { ModelId: "arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0", Body: { "text.$": "$.prompt" } },
          End: true,
        },
      },
    });
    assert.deepEqual(tasks.map((t) => [t.state, t.queryLanguage, t.modelIds, t.dynamicModelId, t.usesInputS3Uri]), [
      ["InvokeModel", "JSONPath", ["arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0"], false, false],
    ]);
  });

  it("reads JSONata Arguments as an object or as one expression, and nested Parallel branches", () => {
    const definition = JSON.stringify({
      QueryLanguage: "JSONata",
      StartAt: "Fan",
      States: {
        Fan: {
          Type: "Parallel",
          End: true,
          Branches: [
            { StartAt: "A", States: { A: { Type: "Task", Resource: "arn:aws:states:::bedrock:invokeModel", Arguments: { ModelId: "apac.anthropic.claude-sonnet-4-20250514-v1:0", Input: { S3Uri: "{% $states.input.uri %}" } }, End: true } } },
            {
              StartAt: "B",
              States: {
                B: {
                  Type: "Task",
                  Resource: "arn:aws-us-gov:states:::bedrock:invokeModel",
                  Arguments: '{% $merge([{"ModelId": "us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0"}, $states.input.big ? {"Output": {"S3Uri": "s3://b/output/x"}} : {}]) %}',
                  End: true,
                },
              },
            },
            { StartAt: "C", States: { C: { Type: "Task", Resource: "arn:aws:states:::bedrock:invokeModel", Arguments: { ModelId: "{% $states.input.model %}" }, End: true } } },
          ],
        },
      },
    });
    const tasks = invokeModelTasks(definition);
    assert.deepEqual(
      tasks.map((t) => [t.state, t.modelIds, t.dynamicModelId, t.usesInputS3Uri, t.usesOutputS3Uri]),
      [
        ["Fan/Branch 0/A", ["apac.anthropic.claude-sonnet-4-20250514-v1:0"], false, true, false],
        ["Fan/Branch 1/B", ["us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0"], false, false, true],
        ["Fan/Branch 2/C", [], true, false, false],
      ],
    );
  });

  it("ignores other tasks and throws on text that is not JSON", () => {
    assert.deepEqual(invokeModelTasks({ StartAt: "X", States: { X: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", End: true } } }), []);
    assert.throws(() => invokeModelTasks("{not json"));
  });
});
