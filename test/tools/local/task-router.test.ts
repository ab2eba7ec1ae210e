// The task router against the real stand-ins: each Bedrock integration in its own request/response shape,
// mocks by state name, and a clear error for everything else.
import * as assert from "node:assert/strict";
import { startLocalEnvironment, type LocalEnvironment } from "../../../tools/local/clients/environment";
import { StatesError } from "../../../tools/local/runners/states-error";
import { createTaskRouter } from "../../../tools/local/runners/task-router";

describe("local task router", function () {
  this.timeout(30_000);
  let env: LocalEnvironment;
  before(async () => (env = await startLocalEnvironment({ payloadBucket: "router-payloads" })));
  after(() => env.close());

  const router = (mocks?: Record<string, unknown>) => createTaskRouter({ bedrock: env.bedrockClient, s3: env.s3Client, mocks });

  it("serves aws-sdk:bedrockruntime:invokeModel with a JSON Body, in any partition", async () => {
    const result = (await router()(
      { state: "Sdk", resource: "arn:aws-us-gov:states:::aws-sdk:bedrockruntime:invokeModel" },
      {
        ModelId: "anthropic.claude-3-haiku-20240307-v1:0",
        Body: { anthropic_version: "bedrock-2023-05-31", max_tokens: 10, messages: [{ role: "user", content: "hi" }] },
      },
    )) as { Body: { content: { text: string }[] }; ContentType: string };
    assert.equal(result.ContentType, "application/json");
    assert.match(result.Body.content[0].text, /^Local stand-in reply from anthropic\.claude-3-haiku-20240307-v1:0/);
  });

  it("serves aws-sdk:bedrockruntime:converse in Step Functions' PascalCase, leaving model-defined fields alone", async () => {
    const before = env.bedrock.calls.length;
    const result = (await router()(
      { state: "Talk", resource: "arn:aws:states:::aws-sdk:bedrockruntime:converse" },
      {
        ModelId: "us.amazon.nova-lite-v1:0",
        Messages: [{ Role: "user", Content: [{ Text: "hello" }] }],
        InferenceConfig: { MaxTokens: 20 },
        AdditionalModelRequestFields: { top_k: 5 },
      },
    )) as { Output: { Message: { Role: string; Content: { Text: string }[] } }; StopReason: string; Usage: { InputTokens: number } };
    assert.equal(result.Output.Message.Role, "assistant");
    assert.match(result.Output.Message.Content[0].Text, /^Local stand-in reply from us\.amazon\.nova-lite-v1:0/);
    assert.equal(result.StopReason, "end_turn");
    assert.ok(result.Usage.InputTokens > 0);
    const sent = JSON.parse(env.bedrock.calls[before].body.toString("utf8"));
    assert.deepEqual(sent.additionalModelRequestFields, { top_k: 5 });
    assert.deepEqual(sent.inferenceConfig, { maxTokens: 20 });
  });

  it("answers a mocked state with a copy of its result, and names state and resource for anything unserved", async () => {
    const mocked = { MessageId: "m-1" };
    const result = await router({ Notify: mocked })({ state: "Notify", resource: "arn:aws:states:::sns:publish" }, {});
    assert.deepEqual(result, mocked);
    assert.notEqual(result, mocked);
    await assert.rejects(
      router()({ state: "Tune", resource: "arn:aws:states:::bedrock:createModelCustomizationJob.sync" }, {}),
      (e: Error) =>
        e instanceof StatesError &&
        e.errorName === "States.Runtime" &&
        /^Task 'Tune' calls 'arn:aws:states:::bedrock:createModelCustomizationJob\.sync', which the local runners do not serve/.test(e.cause),
    );
  });
});
