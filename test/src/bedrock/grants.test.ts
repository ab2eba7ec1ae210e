// The grants are checked by an independent IAM evaluator (iam-simulate), never by our own matcher:
// every routed request of every catalog profile from every source Region must be allowed, and nothing else.
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { foundationModelArn, inferenceProfileArn } from "../../../src/bedrock/arn";
import { AuthorizationRequest, PolicyDocument, requiredBedrockStatements, routedRequests } from "../../../src/bedrock/grants";
import { ResolvedModel, resolveModel } from "../../../src/bedrock/resolve";
import { catalogProfile, catalogProfileIds, knownRegions } from "../../../src/bedrock/routing";
import { simulate } from "../../support/simulate";

const account = "123456789012";
const pairs = catalogProfileIds().flatMap((id) => Object.keys(catalogProfile(id)!.sourceToDestinations).map((source) => ({ id, source })));
const documentFor = (model: ResolvedModel): PolicyDocument => ({ Version: "2012-10-17", Statement: requiredBedrockStatements(model) });

describe("required grants, judged by iam-simulate", function () {
  this.timeout(300_000);

  it(`allow every routed request for all ${pairs.length} catalog (profile, source Region) pairs`, async () => {
    let checked = 0;
    for (const { id, source } of pairs) {
      const model = resolveModel({ modelId: id, sourceRegion: source, account });
      const doc = documentFor(model);
      const requests = routedRequests(model);
      const destinations = catalogProfile(id)!.sourceToDestinations[source];
      // One request for the profile, then one per destination (or the global profile's two model checks).
      assert.equal(requests.length, destinations === "*" ? 3 : new Set([...destinations, source]).size + 1, id);
      for (const request of requests) {
        assert.equal(await simulate([doc], request), "Allowed", `${id} from ${source}: ${request.resource}`);
        checked++;
      }
    }
    assert.ok(checked > pairs.length * 2);
  });

  it("deny the same model in a Region the profile does not route to, another model, and direct model calls", async () => {
    const regional = pairs.filter(({ id }) => !id.startsWith("global."));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...regional), fc.constantFrom(...knownRegions()), async ({ id, source }, other) => {
        const model = resolveModel({ modelId: id, sourceRegion: source, account });
        const doc = documentFor(model);
        const routed = catalogProfile(id)!.sourceToDestinations[source] as string[];
        const fm = model.foundationModelId!;
        const probe = (resource: string, context: Record<string, string>): AuthorizationRequest => ({
          action: "bedrock:InvokeModel",
          resource,
          context,
          region: other,
          why: "probe",
        });
        const viaProfile = { "bedrock:InferenceProfileArn": model.invokedArn, "aws:RequestedRegion": other };
        if (!routed.includes(other) && other !== source) {
          assert.equal(await simulate([doc], probe(foundationModelArn(model.partition, other, fm), viaProfile)), "ImplicitlyDenied");
        }
        assert.equal(await simulate([doc], probe(foundationModelArn(model.partition, source, "amazon.other-model-v1:0"), viaProfile)), "ImplicitlyDenied");
        // Without the profile in the request context, the model grant does not apply: only the profile may be called.
        assert.equal(await simulate([doc], probe(foundationModelArn(model.partition, source, fm), { "aws:RequestedRegion": source })), "ImplicitlyDenied");
        assert.equal(await simulate([doc], { ...probe(model.invokedArn, {}), action: "bedrock:InvokeModelWithResponseStream" }), "ImplicitlyDenied");
      }),
      { numRuns: 200, seed: 20261122 },
    );
  });

  it("deny a global profile's Region-less model outside the profile, and the profile from another Region", async () => {
    const model = resolveModel({ modelId: "global.anthropic.claude-sonnet-4-5-20250929-v1:0", sourceRegion: "ap-northeast-1", account });
    const doc = documentFor(model);
    const regionless = foundationModelArn("aws", "", model.foundationModelId!);
    assert.equal(
      await simulate([doc], { action: "bedrock:InvokeModel", resource: regionless, context: { "aws:RequestedRegion": "unspecified" }, region: "", why: "" }),
      "ImplicitlyDenied",
    );
    const otherProfile = inferenceProfileArn("aws", "us-east-1", account, "global.anthropic.claude-sonnet-4-5-20250929-v1:0");
    assert.equal(
      await simulate([doc], { action: "bedrock:InvokeModel", resource: otherProfile, context: { "aws:RequestedRegion": "us-east-1" }, region: "", why: "" }),
      "ImplicitlyDenied",
    );
  });

  it("grant a foundation model and a provisioned model exactly their own ARN", async () => {
    const fm = resolveModel({ modelId: "anthropic.claude-3-haiku-20240307-v1:0", sourceRegion: "eu-central-1", account });
    assert.deepEqual(
      requiredBedrockStatements(fm).flatMap((s) => s.Resource),
      [foundationModelArn("aws", "eu-central-1", "anthropic.claude-3-haiku-20240307-v1:0")],
    );
    assert.equal(await simulate([documentFor(fm)], routedRequests(fm)[0]), "Allowed");
    const arn = "arn:aws:bedrock:us-east-2:123456789012:provisioned-model/c2oi931ulksx";
    const pt = resolveModel({ modelId: arn, sourceRegion: "us-east-2", account });
    assert.deepEqual(
      requiredBedrockStatements(pt).flatMap((s) => s.Resource),
      [arn],
    );
    assert.equal(await simulate([documentFor(pt)], routedRequests(pt)[0]), "Allowed");
  });

  it("never grant bedrock:* or a wildcard resource", () => {
    for (const { id, source } of pairs) {
      for (const statement of requiredBedrockStatements(resolveModel({ modelId: id, sourceRegion: source, account }))) {
        assert.deepEqual(statement.Action, ["bedrock:InvokeModel"]);
        for (const resource of [statement.Resource].flat()) assert.ok(!resource.includes("*"), `${id}: ${resource}`);
      }
    }
  });
});
