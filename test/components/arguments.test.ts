// The components check their own arguments in the constructor, before anything (themselves included) registers.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { ApiFrontDoor, BedrockSfnError, BedrockStateMachine, BedrockStateMachineArgs, ModelIdError, PayloadBucket } from "../../src/index";
import { offlineMocks } from "../../tools/shared/mocks";

describe("component arguments", () => {
  const registered: string[] = [];
  before(async () => {
    await pulumi.runtime.setMocks(
      offlineMocks("us-east-1", (r) => registered.push(r.name)),
      "bedrock-sfn",
      "dev",
      true,
    );
  });

  const refused: [string, Partial<BedrockStateMachineArgs> | Record<string, unknown>, string, RegExp][] = [
    ["no model", {}, "modelId", /modelId = '?\(?.*is required/],
    ["model and definition", { modelId: "anthropic.claude-3-haiku-20240307-v1:0", definition: { StartAt: "A", States: {} } }, "modelId", /not both/],
    ["a workflow type", { modelId: "anthropic.claude-3-haiku-20240307-v1:0", workflowType: "BATCH" }, "workflowType", /workflowType = 'BATCH': must be one of STANDARD, EXPRESS$/],
    ["maxTokens", { modelId: "anthropic.claude-3-haiku-20240307-v1:0", maxTokens: 1.5 }, "maxTokens", /must be a whole number/],
    ["temperature", { modelId: "anthropic.claude-3-haiku-20240307-v1:0", temperature: 2 }, "temperature", /temperature = '2': must be at most 1$/],
    ["log retention", { modelId: "anthropic.claude-3-haiku-20240307-v1:0", logRetentionDays: 10 }, "logRetentionDays", /must be one of 1, 3, 5, 7, 14, 30/],
    ["a Region", { modelId: "anthropic.claude-3-haiku-20240307-v1:0", region: "tokyo" }, "region", /must be an AWS Region name/],
    ["a model family", { modelId: "anthropic.claude-3-haiku-20240307-v1:0", modelFamily: "gpt" }, "modelFamily", /must be one of anthropic/],
  ];
  for (const [what, args, argument, message] of refused) {
    it(`refuses ${what}, naming ${argument}, before registering anything`, () => {
      const before = registered.length;
      assert.throws(
        () => new BedrockStateMachine("bad", args as BedrockStateMachineArgs),
        (e: unknown) =>
          e instanceof BedrockSfnError && e.kind === "argument" && e.argument === argument && message.test(e.message) && e.message.startsWith("BedrockStateMachine 'bad': "),
      );
      assert.equal(registered.length, before);
    });
  }

  it("refuses a malformed model ID with ModelIdError, a BedrockSfnError of kind model-id", () => {
    assert.throws(
      () => new BedrockStateMachine("bad", { modelId: "not a model" }),
      (e: unknown) => e instanceof ModelIdError && e instanceof BedrockSfnError && e.kind === "model-id" && e.argument === "modelId",
    );
  });

  it("refuses, with the Region known, a model the catalog does not route from it (kind routing)", () => {
    assert.throws(
      () => new BedrockStateMachine("bad", { modelId: "apac.anthropic.claude-sonnet-4-20250514-v1:0", region: "eu-west-1" }),
      (e: unknown) => e instanceof BedrockSfnError && e.kind === "routing",
    );
  });

  it("checks PayloadBucket and ApiFrontDoor arguments the same way", () => {
    assert.throws(
      () => new PayloadBucket("p", { retentionDays: 0 }),
      (e: unknown) => e instanceof BedrockSfnError && e.argument === "retentionDays",
    );
    assert.throws(
      () => new PayloadBucket("p", { inputPrefix: "data/", outputPrefix: "data/out/" }),
      (e: unknown) => e instanceof BedrockSfnError && e.argument === "outputPrefix",
    );
    assert.throws(
      () => new ApiFrontDoor("a", { stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:x", workflowType: "EXPRESS", rateLimit: 0 }),
      (e: unknown) => e instanceof BedrockSfnError && e.argument === "rateLimit",
    );
  });

  // Registrations reach the mock engine asynchronously: once every call has drained, none of the refused ones did.
  it("registered nothing for any refused component, once every call has drained", async () => {
    await pulumi.runtime.disconnect();
    assert.deepEqual(registered, []);
  });

  it("does not take an ordinary Error for one of its own", () => {
    assert.equal(new Error("x") instanceof BedrockSfnError, false);
    assert.equal(new BedrockSfnError("usage", "x") instanceof ModelIdError, false);
  });
});
