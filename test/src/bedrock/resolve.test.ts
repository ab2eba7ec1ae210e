import * as assert from "node:assert/strict";
import { RoutingError, resolveModel, routedRegionsOf, routingLookup } from "../../../src/bedrock/resolve";
import { catalogProfile } from "../../../src/bedrock/routing";

const account = "123456789012";

describe("resolveModel", () => {
  it("routes the dev stack's APAC profile from Tokyo to the 8 Regions the catalog lists", () => {
    const model = resolveModel({ modelId: "apac.anthropic.claude-sonnet-4-20250514-v1:0", sourceRegion: "ap-northeast-1", account });
    const expected = catalogProfile("apac.anthropic.claude-sonnet-4-20250514-v1:0")!.sourceToDestinations["ap-northeast-1"];
    assert.equal(model.invokedArn, "arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/apac.anthropic.claude-sonnet-4-20250514-v1:0");
    assert.deepEqual(routedRegionsOf(model), [...(expected as string[])].sort());
    assert.equal((routedRegionsOf(model) as string[]).length, 8);
  });

  it("depends on the source Region, not only the prefix", () => {
    const id = "us.anthropic.claude-3-haiku-20240307-v1:0";
    const fromOhio = routedRegionsOf(resolveModel({ modelId: id, sourceRegion: "us-east-2", account }));
    const fromOregon = routedRegionsOf(resolveModel({ modelId: id, sourceRegion: "us-west-2", account }));
    assert.deepEqual(fromOhio, ["us-east-1", "us-east-2", "us-west-2"]);
    assert.deepEqual(fromOregon, ["us-east-1", "us-west-2"]);
  });

  it("uses the GovCloud partition for us-gov. profiles", () => {
    const model = resolveModel({ modelId: "us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0", sourceRegion: "us-gov-east-1", account });
    assert.match(model.invokedArn, /^arn:aws-us-gov:bedrock:us-gov-east-1:/);
  });

  it("marks global profiles as global", () => {
    const model = resolveModel({ modelId: "global.anthropic.claude-sonnet-4-5-20250929-v1:0", sourceRegion: "eu-west-1", account });
    assert.equal(routedRegionsOf(model), "*");
  });

  it("prefers live GetInferenceProfile answers over the catalog", () => {
    const model = resolveModel({
      modelId: "us.anthropic.claude-new-v1:0",
      sourceRegion: "us-east-1",
      account,
      liveModelArns: ["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-new-v1:0", "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-new-v1:0"],
    });
    assert.deepEqual(routedRegionsOf(model), ["us-east-1", "us-west-2"]);
    assert.equal(model.routingSource, "live");
  });

  it("resolves an application profile offline from the system profile it copies", () => {
    const model = resolveModel({
      modelId: "arn:aws:bedrock:us-east-2:123456789012:application-inference-profile/abc123",
      sourceRegion: "us-east-2",
      account,
      underlyingModelId: "us.anthropic.claude-3-haiku-20240307-v1:0",
    });
    assert.equal(model.foundationModelId, "anthropic.claude-3-haiku-20240307-v1:0");
    assert.deepEqual(routedRegionsOf(model), ["us-east-1", "us-east-2", "us-west-2"]);
  });

  // kind "routing-unknown": only AWS or config can tell the routing, so a caller that can defer the question may.
  const failures: [string, string, RegExp, RoutingError["kind"]][] = [
    ["jp.anthropic.claude-sonnet-4-5-20250929-v1:0", "us-east-1", /cannot be called from Region 'us-east-1'.*ap-northeast-1/, "routing"],
    ["us.anthropic.claude-not-in-catalog-v1:0", "us-east-1", /not in the routing catalog.*destinationRegions/, "routing-unknown"],
    ["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0", "us-west-2", /Region 'us-east-1' but the stack's aws:region is 'us-west-2'/, "routing"],
    ["arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc", "us-east-1", /underlyingModelId/, "routing-unknown"],
  ];
  for (const [modelId, region, message, kind] of failures) {
    it(`rejects ${modelId} from ${region} with a clear error (kind ${kind})`, () => {
      assert.throws(
        () => resolveModel({ modelId, sourceRegion: region, account }),
        (e: Error) => e instanceof RoutingError && e.kind === kind && message.test(e.message),
      );
    });
  }
});

describe("routingLookup", () => {
  const base = { sourceRegion: "us-east-1", routingSource: "auto" as const };
  it("stays offline for catalogued profiles and foundation models", () => {
    assert.equal(routingLookup({ ...base, modelId: "us.anthropic.claude-3-haiku-20240307-v1:0" }), undefined);
    assert.equal(routingLookup({ ...base, modelId: "anthropic.claude-3-haiku-20240307-v1:0" }), undefined);
  });
  it("asks AWS for profiles the catalog lacks, and always when routingSource is live", () => {
    assert.equal(routingLookup({ ...base, modelId: "us.anthropic.claude-new-v1:0" }), "us.anthropic.claude-new-v1:0");
    assert.equal(routingLookup({ ...base, routingSource: "live", modelId: "us.anthropic.claude-3-haiku-20240307-v1:0" }), "us.anthropic.claude-3-haiku-20240307-v1:0");
  });
  it("fails fast, without a lookup, for a prefix the Region cannot call", () => {
    assert.throws(() => routingLookup({ ...base, modelId: "jp.anthropic.claude-new-v1:0" }), /'jp\.' profiles can be called from: ap-northeast-1, ap-northeast-3/);
  });
});
