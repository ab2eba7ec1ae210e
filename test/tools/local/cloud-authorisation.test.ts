// The local cloud's Bedrock gate: calls routed as Bedrock routes them, then authorised with the checks AWS makes
// for each kind of model ID, decided by our evaluator and cross-checked with @cloud-copilot/iam-simulate (dev-only).
import * as assert from "node:assert/strict";
import { InvokeModelCommand } from "@aws-sdk/client-bedrock-runtime";
import { foundationModelArn } from "../../../src/bedrock/arn";
import type { PolicyDocument } from "../../../src/bedrock/grants";
import { resolveModel, type ResolveInput, type ResolvedModel } from "../../../src/bedrock/resolve";
import { rolePolicyDocument } from "../../../src/bedrock/role-policy";
import { startBedrockStandIn } from "../../../tools/local/stand-ins/bedrock-stand-in";
import { createBedrockGate } from "../../../tools/local/cloud/bedrock-gate";
import { createBedrockRouter, destinationsOf, requestsForLanding, RouteError } from "../../../tools/local/cloud/bedrock-routing";
import { executionRole, RolePolicyError } from "../../../tools/local/cloud/execution-role";
import { simulate } from "../../support/simulate";

const ACCOUNT = "123456789012";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/bedrock-sfn-role`;
const BODY = Buffer.from(JSON.stringify({ anthropic_version: "bedrock-2023-05-31", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }));

const KINDS: Record<string, ResolveInput> = {
  "foundation model": { modelId: "anthropic.claude-3-haiku-20240307-v1:0", sourceRegion: "us-east-1", account: ACCOUNT },
  "geographic profile": { modelId: "apac.anthropic.claude-sonnet-4-20250514-v1:0", sourceRegion: "ap-northeast-1", account: ACCOUNT },
  "global profile": { modelId: "global.anthropic.claude-sonnet-4-5-20250929-v1:0", sourceRegion: "us-east-1", account: ACCOUNT },
  "application profile": {
    modelId: `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/a1b2c3d4e5f6`,
    sourceRegion: "us-east-1",
    account: ACCOUNT,
    underlyingModelId: "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
  },
  "provisioned model": { modelId: `arn:aws:bedrock:us-east-1:${ACCOUNT}:provisioned-model/a1b2c3d4e5f6`, sourceRegion: "us-east-1", account: ACCOUNT },
};

const stackPolicy = (model: ResolvedModel): PolicyDocument =>
  rolePolicyDocument({
    model,
    payloadBucketArn: "arn:aws:s3:::payloads",
    inputPrefix: "input/",
    outputPrefix: "output/",
    logGroupArn: `arn:aws:logs:${model.sourceRegion}:${ACCOUNT}:log-group:/aws/vendedlogs/states/x`,
    tracing: false,
  });

/** The role a seed write-up wrote by hand: the invoked ARN and the source-Region model, nothing else. */
const handWritten = (model: ResolvedModel): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: "bedrock:InvokeModel",
      Resource: [model.invokedArn, ...(model.foundationModelId ? [foundationModelArn(model.partition, model.sourceRegion, model.foundationModelId)] : [])],
    },
  ],
});

describe("local cloud: routed and authorised Bedrock calls", () => {
  for (const [kind, input] of Object.entries(KINDS)) {
    const model = resolveModel(input);

    it(`${kind}: the stack's role is allowed in every Region the call can land in`, () => {
      const role = executionRole(ROLE_ARN, [{ source: "stack", policy: JSON.stringify(stackPolicy(model)) }]);
      for (const region of destinationsOf(model)) {
        const gate = createBedrockGate({ router: createBedrockRouter({ model, pin: region }), role });
        assert.deepEqual(gate(model.modelId, BODY), { region }, `${kind} landing in ${region}`);
      }
    });

    it(`${kind}: every decision agrees with iam-simulate, for the stack's role and the hand-written one`, async () => {
      for (const policy of [stackPolicy(model), handWritten(model)]) {
        const role = executionRole(ROLE_ARN, [{ source: "p", policy }]);
        // Global: AWS's checks do not depend on the landing Region; a few Regions suffice to show it.
        for (const region of destinationsOf(model).slice(0, 12)) {
          for (const request of requestsForLanding(model, region)) {
            const ours = role.decide(request).allowed ? "Allowed" : "ImplicitlyDenied";
            assert.equal(await simulate([policy], request), ours, `${kind} ${region}: ${request.action} on ${request.resource} ${JSON.stringify(request.context)}`);
          }
        }
      }
    });
  }

  it("makes the documented checks per landing: the invoked ARN first, then the model where the call landed", () => {
    const geo = resolveModel(KINDS["geographic profile"]);
    const [first, second, ...rest] = requestsForLanding(geo, "ap-south-2");
    assert.equal(rest.length, 0);
    assert.deepEqual(first.context, { "aws:RequestedRegion": "ap-northeast-1" });
    assert.equal(first.resource, geo.invokedArn);
    assert.equal(second.resource, "arn:aws:bedrock:ap-south-2::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0");
    assert.equal(second.context["bedrock:InferenceProfileArn"], geo.invokedArn);

    const global = resolveModel(KINDS["global profile"]);
    const checks = requestsForLanding(global, "eu-west-3");
    assert.equal(checks.length, 3);
    assert.deepEqual(checks[2], {
      ...checks[2],
      resource: "arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
      context: { "aws:RequestedRegion": "unspecified", "bedrock:InferenceProfileArn": global.invokedArn },
    });
    assert.ok(destinationsOf(global).includes("eu-west-3") && !destinationsOf(global).some((r) => r.startsWith("us-gov-") || r.startsWith("cn-")));
  });

  it("a hand-written role is refused exactly where routing leaves the source Region, with AWS's AccessDenied message", () => {
    const model = resolveModel(KINDS["geographic profile"]);
    const role = executionRole(ROLE_ARN, [{ source: "hand", policy: handWritten(model) }]);
    const inSource = createBedrockGate({ router: createBedrockRouter({ model, pin: "ap-northeast-1" }), role })(model.modelId, BODY);
    assert.deepEqual(inSource, { region: "ap-northeast-1" });
    const away = createBedrockGate({ router: createBedrockRouter({ model, pin: "ap-southeast-2" }), role })(model.modelId, BODY);
    assert.equal(away.refusal?.type, "AccessDeniedException");
    assert.equal(
      away.refusal?.message,
      "User: arn:aws:sts::123456789012:assumed-role/bedrock-sfn-role/local-step-functions is not authorized to perform: bedrock:InvokeModel " +
        "on resource: arn:aws:bedrock:ap-southeast-2::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0 because no identity-based policy allows the bedrock:InvokeModel action",
    );
    const off = createBedrockGate({ router: createBedrockRouter({ model, pin: "ap-southeast-2" }), role, authorise: false })(model.modelId, BODY);
    assert.deepEqual(off, { region: "ap-southeast-2" }, "authorisation off routes but never refuses");
  });

  it("names an explicit Deny as AWS does", () => {
    const model = resolveModel(KINDS["foundation model"]);
    const policy = { Version: "2012-10-17", Statement: [...stackPolicy(model).Statement, { Effect: "Deny", Action: "bedrock:*", Resource: "*" }] };
    const refusal = createBedrockGate({ router: createBedrockRouter({ model }), role: executionRole(ROLE_ARN, [{ source: "p", policy }]) })(model.modelId, BODY).refusal;
    assert.match(refusal?.message ?? "", /with an explicit deny in an identity-based policy$/);
  });

  it("spreads seeded routing over every destination, the same for the same seed, pinned with a route", () => {
    const model = resolveModel(KINDS["geographic profile"]);
    const landings = (seed: number) => {
      const router = createBedrockRouter({ model, seed });
      return Array.from({ length: 400 }, () => router.route(model.modelId, BODY).region);
    };
    const first = landings(3);
    assert.deepEqual(landings(3), first);
    assert.notDeepEqual(landings(4), first);
    const counts = new Map<string, number>();
    for (const region of first) counts.set(region, (counts.get(region) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort(), destinationsOf(model));
    // 400 draws over 8 Regions: 50 expected each, about 6.6 standard deviation; 4 of them either side.
    for (const [region, count] of counts) assert.ok(Math.abs(count - 50) <= 27, `${region}: ${count}`);
    assert.throws(
      () => createBedrockRouter({ model, pin: "eu-west-1" }),
      (e: Error) => e instanceof RouteError && (e as RouteError).kind === "routing" && /lands in: ap-northeast-1, ap-northeast-2/.test(e.message),
    );
  });

  it("refuses an identifier it cannot route with ValidationException, and a malformed role policy up front", () => {
    const model = resolveModel(KINDS["geographic profile"]);
    const role = executionRole(ROLE_ARN, [{ source: "p", policy: stackPolicy(model) }]);
    const gate = createBedrockGate({ router: createBedrockRouter({ model }), role });
    assert.equal(gate("jp.anthropic.claude-sonnet-4-20250514-v1:0", BODY).refusal?.type, "ValidationException");
    assert.throws(
      () => executionRole(ROLE_ARN, [{ source: "file.json", policy: { Statement: [{ Effect: "Maybe", Action: "x", Resource: "*" }] } }]),
      (e: Error) => e instanceof RolePolicyError && (e as RolePolicyError).kind === "input" && /file\.json.*Effect/.test(e.message),
    );
    assert.throws(() => executionRole("not-an-arn", []), RolePolicyError);
  });

  it("the stand-in answers a refused call as AWS does: 403 AccessDeniedException through the real SDK client", async () => {
    const model = resolveModel(KINDS["geographic profile"]);
    const role = executionRole(ROLE_ARN, [{ source: "hand", policy: handWritten(model) }]);
    const server = await startBedrockStandIn({ gate: createBedrockGate({ router: createBedrockRouter({ model, pin: "ap-south-1" }), role }) });
    const client = server.createClient();
    try {
      await assert.rejects(
        client.send(new InvokeModelCommand({ modelId: model.modelId, body: BODY, contentType: "application/json" })),
        (error: Error & { $metadata: { httpStatusCode: number } }) => {
          assert.equal(error.name, "AccessDeniedException");
          assert.equal(error.$metadata.httpStatusCode, 403);
          assert.match(error.message, /not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:ap-south-1::foundation-model\//);
          return true;
        },
      );
      assert.equal(server.calls[0].routedRegion, "ap-south-1");
      assert.equal(server.calls[0].fault, "AccessDeniedException");
    } finally {
      client.destroy();
      await server.close();
    }
  });
});
