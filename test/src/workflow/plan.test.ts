// The two planners behind BedrockStateMachine, without Pulumi: what each returns for the role and the definition.
import * as assert from "node:assert/strict";
import { resolveModel } from "../../../src/bedrock/resolve";
import { isBedrockSfnError } from "../../../src/core/errors";
import { DefinitionError } from "../../../src/workflow/analysis";
import { definitionOf, planBuiltInWorkflow, planOwnDefinition } from "../../../src/workflow/plan";

const context = {
  region: "us-east-1",
  account: "123456789012",
  partition: "aws",
  payloadBucket: "payloads-bucket",
  inputPrefix: "input/",
  outputPrefix: "output/",
  logGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/p-n-s",
  tracing: false,
};
const settings = { maxTokens: 512, queryLanguage: "JSONata", workflowType: "EXPRESS" } as const;
const sids = (statements: { Sid?: string }[]) => statements.map((s) => s.Sid);

describe("planBuiltInWorkflow", () => {
  it("grants a global profile AWS's three-part policy, the payload prefixes and the logs, and trusts Step Functions of this account and Region", () => {
    const modelId = "global.anthropic.claude-opus-4-7";
    const plan = planBuiltInWorkflow(resolveModel({ modelId, sourceRegion: "us-east-1", account: context.account }), { ...settings, modelId }, context);
    assert.deepEqual(sids(plan.policy.permissions.Statement), [
      "InvokeGlobalInferenceProfile",
      "InvokeFoundationModelInSourceRegion",
      "InvokeGlobalFoundationModel",
      "ReadPayloadInputs",
      "WritePayloadOutputs",
      "DeliverExecutionLogs",
      "WriteExecutionLogs",
    ]);
    assert.deepEqual(plan.policy.permissions.Statement.find((s) => s.Sid === "ReadPayloadInputs")?.Resource, ["arn:aws:s3:::payloads-bucket/input/*"]);
    const trust = plan.policy.trust.Statement[0];
    assert.equal(trust.Principal.Service, "states.amazonaws.com");
    assert.deepEqual(trust.Condition, {
      StringEquals: { "aws:SourceAccount": context.account },
      ArnLike: { "aws:SourceArn": "arn:aws:states:us-east-1:123456789012:stateMachine:*" },
    });
    // Opus 4.7 rejects sampling parameters: the builder input carries none.
    assert.equal(plan.family, "anthropic");
    assert.equal("temperature" in plan.definition, false);
    assert.equal(plan.definition.maxTokens, 512);
  });

  it("adds the guardrail (and a geographic profile's guardrail profiles) and tracing, and builds the definition with the system prompt", () => {
    const modelId = "us.anthropic.claude-3-haiku-20240307-v1:0";
    const model = resolveModel({ modelId, sourceRegion: "us-east-1", account: context.account });
    const guardrail = { identifier: "gr4x9b1z2k3m", version: "1" };
    const plan = planBuiltInWorkflow(model, { ...settings, modelId, temperature: 0.2, guardrail }, { ...context, tracing: true });
    const apply = plan.policy.permissions.Statement.find((s) => s.Sid === "ApplyGuardrail");
    assert.ok(apply);
    assert.equal([apply.Resource].flat()[0], "arn:aws:bedrock:us-east-1:123456789012:guardrail/gr4x9b1z2k3m");
    assert.ok([apply.Resource].flat().some((arn) => arn.includes(":guardrail-profile/us.guardrail.v1:0")));
    assert.ok(sids(plan.policy.permissions.Statement).includes("SendTraces"));
    const definition = definitionOf(plan, "Answer briefly.") as { States: Record<string, { Arguments?: unknown }> };
    const text = JSON.stringify(definition);
    assert.match(text, /Answer briefly\./);
    assert.match(text, /gr4x9b1z2k3m/);
  });

  it("refuses a model past its end of life (known only once resolved), naming its date and successor", () => {
    const modelId = "anthropic.claude-3-7-sonnet-20250219-v1:0";
    const model = resolveModel({ modelId, sourceRegion: "us-east-1", account: context.account });
    assert.throws(
      () => planBuiltInWorkflow(model, { ...settings, modelId }, context),
      (e: unknown) => isBedrockSfnError(e) && e.kind === "model-lifecycle" && /2026-04-28/.test(e.message) && /claude-sonnet-4-6/.test(e.message),
    );
  });
});

describe("planOwnDefinition", () => {
  const definition = {
    QueryLanguage: "JSONata",
    StartAt: "Ask",
    States: {
      Ask: {
        Type: "Task",
        Resource: "arn:aws:states:::bedrock:invokeModel",
        Arguments: { ModelId: "us.amazon.nova-lite-v1:0", Body: "{% $states.input %}", Output: { S3Uri: "{% 's3://payloads-bucket/output/' & $states.context.Execution.Name %}" } },
        End: true,
      },
    },
  };
  const resolve = (modelId: string) => resolveModel({ modelId, sourceRegion: "us-east-1", account: context.account });

  it("returns the analysis' models and statements plus logs, the same trust policy, and the definition as given", () => {
    const plan = planOwnDefinition(definition, { resolveModel: resolve }, context);
    assert.deepEqual(
      plan.models.map((m) => m.modelId),
      ["us.amazon.nova-lite-v1:0"],
    );
    assert.equal(plan.family, "amazon-nova");
    assert.deepEqual(sids(plan.policy.permissions.Statement), [...sids(plan.analysis.statements), "DeliverExecutionLogs", "WriteExecutionLogs"]);
    assert.equal(plan.policy.trust.Statement[0].Principal.Service, "states.amazonaws.com");
    assert.equal(definitionOf(plan, "ignored"), definition);
    assert.deepEqual(plan.analysis.payloads.output, [{ bucket: "payloads-bucket", key: "output/", exact: false }]);
  });

  it("throws a DefinitionError naming the state when the role cannot be derived", () => {
    const dynamic = { ...definition, States: { Ask: { ...definition.States.Ask, Arguments: { ModelId: "{% $states.input.model %}", Body: {} } } } };
    assert.throws(
      () => planOwnDefinition(dynamic, { resolveModel: resolve }, context),
      (e: unknown) => e instanceof DefinitionError && /'Ask'/.test(e.message),
    );
  });
});
