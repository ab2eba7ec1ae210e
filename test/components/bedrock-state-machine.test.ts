// The component under Pulumi's mock engine: resources and their resolved inputs, for each kind of model
// identifier, both workflow types and both query languages. Grants are judged by iam-simulate.
import * as assert from "node:assert/strict";
import { routedRequests } from "../../src/bedrock/grants";
import { resolveModel } from "../../src/bedrock/resolve";
import * as pulumi from "@pulumi/pulumi";
import { program } from "../../stack/program";
import { MOCK_ACCOUNT, offlineMocks } from "../../tools/shared/mocks";
import { SynthResource, SynthResult, stackConfig, synthesize } from "../../tools/cli/lib/synth";
import { simulate } from "../support/simulate";
import { validateDefinition } from "../../tools/shared/asl-validation";
import { invokeModelTasks } from "../../src/workflow/analysis";

const of = (result: SynthResult, type: string): SynthResource[] => result.resources.filter((r) => r.type === type);
const one = (result: SynthResult, type: string): SynthResource => {
  const found = of(result, type);
  assert.equal(found.length, 1, `one ${type}`);
  return found[0];
};
const policyOf = (result: SynthResult) => JSON.parse(String(one(result, "aws:iam/rolePolicy:RolePolicy").inputs.policy));
const definitionOf = (result: SynthResult) => JSON.parse(String(one(result, "aws:sfn/stateMachine:StateMachine").inputs.definition));

async function grantsAllowEveryRoute(result: SynthResult, modelId: string, region: string, extra: Record<string, unknown> = {}) {
  const model = resolveModel({ modelId, sourceRegion: region, account: MOCK_ACCOUNT, ...extra });
  const policy = policyOf(result);
  for (const request of routedRequests(model)) assert.equal(await simulate([policy], request), "Allowed", request.resource);
}

describe("BedrockStateMachine under mocks", function () {
  this.timeout(120_000);

  const kinds: { label: string; config: Record<string, string>; region: string; resolveExtra?: Record<string, unknown> }[] = [
    { label: "foundation model", region: "us-east-1", config: { "bedrock-sfn:modelId": "anthropic.claude-3-haiku-20240307-v1:0" } },
    { label: "geographic profile", region: "ap-northeast-1", config: {} },
    { label: "global profile", region: "eu-west-1", config: { "bedrock-sfn:modelId": "global.anthropic.claude-sonnet-4-5-20250929-v1:0" } },
    { label: "GovCloud profile", region: "us-gov-east-1", config: { "bedrock-sfn:modelId": "us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0" } },
    {
      label: "inference-profile ARN",
      region: "us-east-2",
      config: { "bedrock-sfn:modelId": `arn:aws:bedrock:us-east-2:${MOCK_ACCOUNT}:inference-profile/us.amazon.nova-lite-v1:0` },
    },
    {
      label: "application profile (offline, from its system profile)",
      region: "us-east-2",
      config: {
        "bedrock-sfn:modelId": `arn:aws:bedrock:us-east-2:${MOCK_ACCOUNT}:application-inference-profile/a1b2c3`,
        "bedrock-sfn:underlyingModelId": "us.anthropic.claude-3-haiku-20240307-v1:0",
      },
      resolveExtra: { underlyingModelId: "us.anthropic.claude-3-haiku-20240307-v1:0" },
    },
    {
      label: "provisioned model",
      region: "us-east-2",
      config: { "bedrock-sfn:modelId": `arn:aws:bedrock:us-east-2:${MOCK_ACCOUNT}:provisioned-model/c2oi931ulksx`, "bedrock-sfn:modelFamily": "anthropic" },
    },
  ];

  for (const kind of kinds) {
    for (const workflowType of ["STANDARD", "EXPRESS"]) {
      for (const queryLanguage of ["JSONata", "JSONPath"]) {
        it(`${kind.label}, ${workflowType}, ${queryLanguage}`, async () => {
          const result = await synthesize({
            stack: "dev",
            overrides: { "aws:region": kind.region, ...kind.config, "bedrock-sfn:workflowType": workflowType, "bedrock-sfn:queryLanguage": queryLanguage },
          });
          const modelId = String(result.outputs.modelId);
          const machine = one(result, "aws:sfn/stateMachine:StateMachine");
          assert.equal(machine.inputs.type, workflowType);
          const definition = definitionOf(result);
          assert.equal(definition.QueryLanguage ?? "JSONPath", queryLanguage);
          validateDefinition(definition);
          const partition = kind.region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
          assert.ok(JSON.stringify(definition).includes(`"arn:${partition}:states:::bedrock:invokeModel"`), "task resource in the stack's partition");
          const tasks = invokeModelTasks(definition);
          assert.ok(tasks.length >= 1);
          for (const task of tasks) {
            assert.deepEqual(task.modelIds, [modelId], task.state);
            assert.equal(task.dynamicModelId, false, task.state);
          }
          // Large payloads travel through S3, so some task must be able to use each URI field.
          assert.ok(tasks.some((t) => t.usesInputS3Uri) && tasks.some((t) => t.usesOutputS3Uri));
          await grantsAllowEveryRoute(result, modelId, kind.region, kind.resolveExtra);
        });
      }
    }
  }

  it("builds the hardened payload bucket", async () => {
    const result = await synthesize({ stack: "dev" });
    const pab = one(result, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
    assert.deepEqual([pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets], [true, true, true, true]);
    const sse = one(result, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs as {
      rules: { applyServerSideEncryptionByDefault: { sseAlgorithm: string } }[];
    };
    assert.equal(sse.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
    const ownership = one(result, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs as { rule: { objectOwnership: string } };
    assert.equal(ownership.rule.objectOwnership, "BucketOwnerEnforced");
    const lifecycle = one(result, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs as {
      rules: { filter: { prefix: string }; expiration: { days: number }; status: string }[];
    };
    assert.deepEqual(
      lifecycle.rules.map((r) => [r.filter.prefix, r.expiration.days, r.status]),
      [
        ["input/", 7, "Enabled"],
        ["output/", 7, "Enabled"],
      ],
    );
    const bucketPolicy = JSON.parse(String(one(result, "aws:s3/bucketPolicy:BucketPolicy").inputs.policy));
    assert.deepEqual(bucketPolicy.Statement[0].Condition, { Bool: { "aws:SecureTransport": "false" } });
    assert.equal(bucketPolicy.Statement[0].Effect, "Deny");
  });

  it("limits S3 access to the payload prefixes and never grants bedrock:* or other wildcards", async () => {
    const result = await synthesize({ stack: "dev" });
    const bucket = String(result.outputs.payloadBucketName);
    const statements = policyOf(result).Statement as { Sid: string; Action: string[]; Resource: string[] }[];
    const s3 = statements.filter((s) => s.Action.some((a) => a.startsWith("s3:")));
    assert.deepEqual(
      s3.map((s) => [s.Action, s.Resource]),
      [
        [["s3:GetObject"], [`arn:aws:s3:::${bucket}/input/*`]],
        [["s3:PutObject"], [`arn:aws:s3:::${bucket}/output/*`]],
      ],
    );
    for (const s of statements) {
      assert.ok(!s.Action.some((a) => a === "*" || a.endsWith(":*")), s.Sid);
      // Only the log-delivery statement may use "*": AWS documents no resource-level permissions for it.
      if (s.Resource.includes("*")) assert.equal(s.Sid, "DeliverExecutionLogs");
    }
    const trust = JSON.parse(String(one(result, "aws:iam/role:Role").inputs.assumeRolePolicy));
    assert.deepEqual(trust.Statement[0].Principal, { Service: "states.amazonaws.com" });
    assert.equal(trust.Statement[0].Condition.StringEquals["aws:SourceAccount"], MOCK_ACCOUNT);
  });

  it("wires logging and tracing from config", async () => {
    const result = await synthesize({ stack: "prod", overrides: { "bedrock-sfn:logLevel": "ALL", "bedrock-sfn:logIncludeExecutionData": "true" } });
    const machine = one(result, "aws:sfn/stateMachine:StateMachine").inputs as {
      loggingConfiguration: { level: string; includeExecutionData: boolean; logDestination: string };
      tracingConfiguration: { enabled: boolean };
    };
    const logGroup = one(result, "aws:cloudwatch/logGroup:LogGroup").inputs as { namePrefix: string; retentionInDays: number };
    assert.equal(machine.loggingConfiguration.level, "ALL");
    assert.equal(machine.loggingConfiguration.includeExecutionData, true);
    assert.match(machine.loggingConfiguration.logDestination, /^arn:aws:logs:us-east-1:\d{12}:log-group:\/aws\/vendedlogs\/states\/.*:\*$/);
    assert.equal(machine.tracingConfiguration.enabled, true);
    assert.equal(logGroup.retentionInDays, 30);
    const xray = policyOf(result).Statement.find((s: { Sid: string }) => s.Sid === "SendTraces");
    assert.ok(xray, "tracing grants X-Ray");
  });

  it("exports the routed Regions: '*' for the global dev and prod profiles, 8 for the apac. Sonnet 4 profile from Tokyo", async () => {
    const dev = await synthesize({ stack: "dev" });
    assert.deepEqual(dev.outputs.routedRegions, ["*"]);
    const apac = await synthesize({ stack: "dev", overrides: { "bedrock-sfn:modelId": "apac.anthropic.claude-sonnet-4-20250514-v1:0" } });
    assert.equal((apac.outputs.routedRegions as string[]).length, 8);
    const prod = await synthesize({ stack: "prod" });
    assert.deepEqual(prod.outputs.routedRegions, ["*"]);
    assert.deepEqual([dev.outputs.modelFamily, prod.outputs.modelFamily], ["anthropic", "anthropic"]);
  });

  it("routingSource live: grants the source-Region model although AWS's answer leaves it out, as the catalog path does", async () => {
    for (const [region, modelId] of [
      ["us-gov-east-1", "us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0"],
      ["ap-northeast-1", "apac.anthropic.claude-sonnet-4-20250514-v1:0"],
    ]) {
      const overrides = { "aws:region": region, "bedrock-sfn:modelId": modelId };
      const live = await synthesize({ stack: "dev", overrides: { ...overrides, "bedrock-sfn:routingSource": "live" } });
      const catalog = await synthesize({ stack: "dev", overrides: { ...overrides, "bedrock-sfn:routingSource": "catalog" } });
      assert.deepEqual(policyOf(live), policyOf(catalog), `${modelId} from ${region}`);
      assert.ok((live.outputs.routedRegions as string[]).includes(region), `${region} is granted`);
    }
  });

  it("looks up profiles the catalog lacks through aws.bedrock.getInferenceProfile, and fails offline with a clear error", async () => {
    await assert.rejects(
      synthesize({ stack: "dev", overrides: { "aws:region": "us-east-1", "bedrock-sfn:modelId": "us.anthropic.claude-opus-9-v1:0" } }),
      /inference profile 'us\.anthropic\.claude-opus-9-v1:0' is not in the routing catalog.*set destinationRegions/,
    );
    const result = await synthesize({
      stack: "dev",
      overrides: { "aws:region": "us-east-1", "bedrock-sfn:modelId": "us.anthropic.claude-opus-9-v1:0", "bedrock-sfn:destinationRegions": "us-east-1,us-east-2" },
    });
    assert.deepEqual(result.outputs.routedRegions, ["us-east-1", "us-east-2"]);
  });

  it("knows the whole role policy and definition before anything exists, so a first preview can judge them", async () => {
    const result = await synthesize({ stack: "dev", withoutComputedOutputs: true });
    const bucket = "bedrock-sfn-bedrock-sfn-dev-123456789012-ap-northeast-1";
    const policy = String(one(result, "aws:iam/rolePolicy:RolePolicy").inputs.policy);
    assert.ok(policy.includes(`arn:aws:s3:::${bucket}/input/*`), policy);
    assert.ok(policy.includes(":log-group:/aws/vendedlogs/states/bedrock-sfn-bedrock-sfn-dev:*"), policy);
    assert.equal(one(result, "aws:s3/bucket:Bucket").inputs.bucket, bucket);
    const definition = String(one(result, "aws:sfn/stateMachine:StateMachine").inputs.definition);
    assert.ok(definition.includes(`s3://${bucket}/input/`), "the definition names the payload bucket");
  });

  it("registers nothing when the config is bad, and names every bad key", async () => {
    const registered: string[] = [];
    await pulumi.runtime.setMocks(
      offlineMocks("ap-northeast-1", (r) => registered.push(r.type)),
      "bedrock-sfn",
      "dev",
      true,
    );
    pulumi.runtime.setAllConfig({ ...stackConfig("dev"), "bedrock-sfn:workflowType": "BATCH", "bedrock-sfn:maxTokens": "0" });
    assert.throws(
      () => program(),
      (e: Error) => /bedrock-sfn:workflowType = 'BATCH': must be one of STANDARD, EXPRESS/.test(e.message) && /bedrock-sfn:maxTokens = '0'/.test(e.message),
    );
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(registered, []);
  });
});
