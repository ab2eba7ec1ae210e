// The stack with batch = map under Pulumi's mock engine: the Distributed Map definition, a state machine whose name
// (and so ARN) is known at preview, the role's Distributed Map statements on that ARN, and the results expiry.
import * as assert from "node:assert/strict";
import { MOCK_ACCOUNT } from "../../tools/shared/mocks";
import { SynthResource, SynthResult, synthesize } from "../../tools/cli/lib/synth";
import { validateDefinition } from "../../tools/shared/asl-validation";
import { simulate } from "../support/simulate";

const one = (result: SynthResult, type: string): SynthResource => {
  const found = result.resources.filter((r) => r.type === type);
  assert.equal(found.length, 1, `one ${type}`);
  return found[0];
};
const modelId = "us.anthropic.claude-3-haiku-20240307-v1:0";
const region = "us-east-1";

describe("BedrockStateMachine with batch = map, under mocks", function () {
  this.timeout(120_000);

  it("deploys a STANDARD Distributed Map over the single call (on the EXPRESS dev stack too), its role scoped to its own ARN", async () => {
    const result = await synthesize({
      stack: "dev",
      overrides: {
        "aws:region": region,
        "bedrock-sfn:modelId": modelId,
        "bedrock-sfn:batch": "map",
        "bedrock-sfn:batchMaxConcurrency": "40",
        "bedrock-sfn:batchResultsRetentionDays": "3",
      },
    });
    const machine = one(result, "aws:sfn/stateMachine:StateMachine");
    assert.equal(machine.inputs.type, "STANDARD");
    const name = String(machine.inputs.name);
    assert.match(name, /^[A-Za-z0-9_-]{1,80}$/);
    const definition = JSON.parse(String(machine.inputs.definition));
    validateDefinition(definition);
    assert.equal(definition.States.RunBatch.MaxConcurrency, 40);
    assert.equal(definition.States.RunBatch.ItemProcessor.ProcessorConfig.ExecutionType, "EXPRESS");

    const policy = JSON.parse(String(one(result, "aws:iam/rolePolicy:RolePolicy").inputs.policy));
    const arn = `arn:aws:states:${region}:${MOCK_ACCOUNT}:stateMachine:${name}`;
    const bucket = String(result.outputs.payloadBucketName);
    const allowed = async (action: string, resource: string) => simulate([policy], { action, resource, context: {}, region, why: "test" });
    assert.equal(await allowed("states:StartExecution", arn), "Allowed");
    assert.equal(await allowed("states:StartExecution", `${arn}-other`), "ImplicitlyDenied");
    assert.equal(await allowed("s3:PutObject", `arn:aws:s3:::${bucket}/results/run/manifest.json`), "Allowed");

    const lifecycle = one(result, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs as {
      rules: { filter: { prefix: string }; expiration: { days: number } }[];
    };
    assert.deepEqual(
      lifecycle.rules.map((r) => [r.filter.prefix, r.expiration.days]),
      [
        ["input/", 7],
        ["output/", 7],
        ["results/", 3],
      ],
    );
  });

  it("without batch, the state machine keeps its generated name and the role has no Distributed Map statement", async () => {
    const result = await synthesize({ stack: "dev", overrides: { "aws:region": region, "bedrock-sfn:modelId": modelId } });
    assert.equal(one(result, "aws:sfn/stateMachine:StateMachine").inputs.name, undefined);
    assert.ok(!String(one(result, "aws:iam/rolePolicy:RolePolicy").inputs.policy).includes("states:StartExecution"));
  });

  it("unlike map, refuses batch = job on the EXPRESS dev stack, naming the config key", async () => {
    await assert.rejects(
      synthesize({ stack: "dev", overrides: { "aws:region": region, "bedrock-sfn:modelId": modelId, "bedrock-sfn:batch": "job" } }),
      /bedrock-sfn:batch.*needs bedrock-sfn:workflowType STANDARD/s,
    );
  });
});
