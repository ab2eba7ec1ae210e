import * as assert from "node:assert/strict";
import { analyzeDefinition, invokeModelTasks, modelIdsToResolve } from "../../../src/workflow/analysis";

describe("invokeModelTasks (the analysis' reading of invokeModel tasks, before any context)", () => {
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
    assert.deepEqual(
      tasks.map((t) => [t.state, t.queryLanguage, t.modelIds, t.dynamicModelId, t.usesInputS3Uri]),
      [["InvokeModel", "JSONPath", ["arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0"], false, false]],
    );
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
            {
              StartAt: "A",
              States: {
                A: {
                  Type: "Task",
                  Resource: "arn:aws:states:::bedrock:invokeModel",
                  Arguments: { ModelId: "apac.anthropic.claude-sonnet-4-20250514-v1:0", Input: { S3Uri: "{% $states.input.uri %}" } },
                  End: true,
                },
              },
            },
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

  it("reads ModelId exactly as analyzeDefinition and modelIdsToResolve do: a non-string literal is no model, a task run as another role is not ours", () => {
    const invoke = (args: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
      Type: "Task",
      Resource: "arn:aws:states:::bedrock:invokeModel",
      Parameters: args,
      End: true,
      ...extra,
    });
    const definition = {
      StartAt: "P",
      States: {
        P: {
          Type: "Parallel",
          End: true,
          Branches: [
            { StartAt: "Obj", States: { Obj: invoke({ ModelId: { id: "amazon.nova-lite-v1:0" }, Body: {} }) } },
            { StartAt: "Other", States: { Other: invoke({ ModelId: "amazon.nova-pro-v1:0", Body: {} }, { Credentials: { RoleArn: "arn:aws:iam::111122223333:role/other" } }) } },
            { StartAt: "Own", States: { Own: invoke({ ModelId: "amazon.nova-lite-v1:0", Body: {} }) } },
          ],
        },
      },
    };
    const tasks = invokeModelTasks(definition);
    assert.deepEqual(
      tasks.map((t) => [t.state, t.modelIds, t.dynamicModelId]),
      [
        ["P/Branch 0/Obj", [], true],
        ["P/Branch 2/Own", ["amazon.nova-lite-v1:0"], false],
      ],
    );
    const analysis = analyzeDefinition(definition, { region: "us-east-1", account: "111122223333", payloadBucket: "b" });
    assert.deepEqual(
      analysis.tasks.map((t) => [t.state, t.modelIds, t.dynamicModelId]),
      tasks.map((t) => [t.state, t.modelIds, t.dynamicModelId]),
    );
    assert.match(analysis.problems.join("\n"), /'P\/Branch 0\/Obj' computes ModelId at run time/);
    assert.deepEqual(modelIdsToResolve(definition, ["amazon.titan-text-express-v1"]), ["amazon.nova-lite-v1:0", "amazon.titan-text-express-v1"]);
  });

  it("ignores other tasks and throws on text that is not JSON", () => {
    assert.deepEqual(invokeModelTasks({ StartAt: "X", States: { X: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", End: true } } }), []);
    assert.throws(() => invokeModelTasks("{not json"));
  });
});
