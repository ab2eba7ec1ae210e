// batch = job through the stack program (under mocks): the workflow, its role and Bedrock's service role, and the config it refuses.
import * as assert from "node:assert/strict";
import { synthesize } from "../../tools/cli/lib/synth";
import { evaluateResources, type InputResource } from "../../tools/shared/evaluate-pack";

const JOB = { "bedrock-sfn:modelId": "apac.amazon.nova-pro-v1:0", "bedrock-sfn:workflowType": "STANDARD", "bedrock-sfn:batch": "job" };

describe("stack: batch = job", function () {
  this.timeout(120_000);

  it("deploys the polling workflow, a role that passes only the service role to Bedrock, and the service role; the pack has nothing mandatory", async () => {
    const result = await synthesize({ stack: "dev", overrides: JOB });
    const machine = result.resources.find((r) => r.type === "aws:sfn/stateMachine:StateMachine")!;
    const definition = JSON.parse(machine.inputs.definition as string);
    assert.equal(machine.inputs.type, "STANDARD");
    assert.equal(definition.StartAt, "CreateModelInvocationJob");
    assert.match(definition.States.CreateModelInvocationJob.Resource, /^arn:aws:states:::aws-sdk:bedrock:createModelInvocationJob$/);
    const policy = JSON.parse(result.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!.inputs.policy as string);
    const pass = policy.Statement.find((s: { Sid: string }) => s.Sid === "PassBatchServiceRole");
    assert.deepEqual(pass.Condition, { StringEquals: { "iam:PassedToService": "bedrock.amazonaws.com" } });
    assert.ok(!policy.Statement.some((s: { Action: string[] }) => s.Action.includes("bedrock:InvokeModel")), "the workflow itself invokes nothing");
    const serviceRole = result.resources.find((r) => r.type === "aws:iam/role:Role" && r.name.endsWith("-batch-role"))!;
    const trust = JSON.parse(serviceRole.inputs.assumeRolePolicy as string);
    assert.equal(trust.Statement[0].Principal.Service, "bedrock.amazonaws.com");
    assert.match(trust.Statement[0].Condition.ArnLike["aws:SourceArn"], /^arn:aws:bedrock:ap-northeast-1:\d{12}:model-invocation-job\/\*$/);
    const resources: InputResource[] = result.resources.map(({ outputs, ...r }) => ({ ...r, id: r.id, outputs }));
    const mandatory = (await evaluateResources(resources, { region: "ap-northeast-1" })).filter((v) => v.enforcementLevel === "mandatory");
    assert.deepEqual(mandatory, []);
  });

  for (const [label, overrides, message] of [
    ["fallback models (a job runs one model)", { ...JOB, "bedrock-sfn:fallbackModels": JSON.stringify(["apac.amazon.nova-micro-v1:0"]) }, /bedrock-sfn:batch .*one model/],
    ["EXPRESS", { ...JOB, "bedrock-sfn:workflowType": "EXPRESS" }, /bedrock-sfn:batch .*needs bedrock-sfn:workflowType STANDARD/],
    [
      "a model AWS does not list for batch jobs",
      { ...JOB, "bedrock-sfn:modelId": "apac.anthropic.claude-sonnet-4-20250514-v1:0" },
      /bedrock-sfn:batch = 'job': .*not in the bundled list of batch-inference models/,
    ],
  ] as const) {
    it(`refuses ${label} with a line naming bedrock-sfn:batch`, async () => {
      await assert.rejects(synthesize({ stack: "dev", overrides }), message);
    });
  }
});
