// Every (profile, source Region) pair of the catalog, through every routing path: the catalog, a live
// GetInferenceProfile answer that leaves the source Region out, and configured destinations. All three must
// write the same grants, and those grants must always include the foundation model in the source Region.
import * as assert from "node:assert/strict";
import { foundationModelArn, partitionOf } from "../../../src/bedrock/arn";
import { requiredBedrockStatements, routedRequests } from "../../../src/bedrock/grants";
import { RoutingError, resolveModel, routedRegionsOf } from "../../../src/bedrock/resolve";
import { catalogDestinations, catalogProfile, catalogProfileIds } from "../../../src/bedrock/routing";

const account = "123456789012";

function pairs(): [profileId: string, source: string][] {
  return catalogProfileIds().flatMap((id) => Object.keys(catalogProfile(id)!.sourceToDestinations).map((source) => [id, source] as [string, string]));
}

describe("routing paths over the whole catalog", () => {
  const all = pairs();

  it("covers every profile of the catalog", () => {
    assert.equal(new Set(all.map(([id]) => id)).size, catalogProfileIds().length);
    assert.ok(all.length > catalogProfileIds().length, `${all.length} (profile, source) pairs`);
  });

  it("gives identical grants through the catalog, live and configured paths, always with the source-Region model", () => {
    for (const [modelId, sourceRegion] of all) {
      const destinations = catalogDestinations(modelId, sourceRegion)!;
      const fm = catalogProfile(modelId)!.foundationModelId;
      const partition = partitionOf(sourceRegion);
      const catalog = resolveModel({ modelId, sourceRegion, account });
      // AWS's answer may omit the source Region; the resolution must add it back.
      const liveArns =
        destinations.kind === "global"
          ? [foundationModelArn(partition, "", fm)]
          : destinations.regions.filter((r) => r !== sourceRegion).map((r) => foundationModelArn(partition, r, fm));
      const live = resolveModel({ modelId, sourceRegion, account, liveModelArns: liveArns.length ? liveArns : [foundationModelArn(partition, sourceRegion, fm)] });
      const expected = requiredBedrockStatements(catalog);
      assert.deepEqual(requiredBedrockStatements(live), expected, `${modelId} from ${sourceRegion}: live`);
      if (destinations.kind === "regions") {
        const others = destinations.regions.filter((r) => r !== sourceRegion);
        const configuredRegions = others.length ? others : [sourceRegion];
        const configured = resolveModel({ modelId, sourceRegion, account, configuredRegions });
        assert.deepEqual(requiredBedrockStatements(configured), expected, `${modelId} from ${sourceRegion}: configured`);
        // A profile the catalog does not know, configured with the same Regions (minus the source), routes the same way.
        const unknownId = modelId.replace(/(-v\d+)?(:\d+)?$/, "-uncatalogued-v9:0");
        const uncatalogued = resolveModel({ modelId: unknownId, sourceRegion, account, configuredRegions });
        assert.deepEqual(routedRegionsOf(uncatalogued), routedRegionsOf(catalog), `${unknownId} from ${sourceRegion}: configured, uncatalogued`);
      }
      const sourceModel = foundationModelArn(partition, sourceRegion, fm);
      assert.ok(
        routedRequests(catalog).some((r) => r.resource === sourceModel),
        `${modelId} from ${sourceRegion}: the source-Region model ${sourceModel} is always authorised`,
      );
      assert.ok(
        expected.some((s) => ([] as string[]).concat(s.Resource).includes(sourceModel)),
        `${modelId} from ${sourceRegion}: the role grants ${sourceModel}`,
      );
    }
  });
});

describe("destinationRegions on a catalogued profile", () => {
  const modelId = "apac.anthropic.claude-sonnet-4-20250514-v1:0";
  const sourceRegion = "ap-northeast-1";

  it("is refused when it would drop catalogued Regions, naming the key, the profile and its Regions", () => {
    assert.throws(
      () => resolveModel({ modelId, sourceRegion, account, configuredRegions: ["us-east-1"] }),
      (e: Error) =>
        e instanceof RoutingError &&
        e.setting === "destinationRegions" &&
        e.message.includes(modelId) &&
        e.message.includes("ap-northeast-2") &&
        e.message.includes("8 catalog Regions") &&
        e.message.length < 300,
    );
  });

  it("extends the catalog's Regions when it lists them all plus more", () => {
    const regions = (catalogDestinations(modelId, sourceRegion) as { regions: string[] }).regions;
    const model = resolveModel({ modelId, sourceRegion, account, configuredRegions: [...regions, "ap-east-2"] });
    assert.deepEqual(routedRegionsOf(model), [...regions, "ap-east-2"].sort());
    assert.equal(model.routingSource, "config");
  });

  it("is refused on a global profile", () => {
    assert.throws(
      () => resolveModel({ modelId: "global.anthropic.claude-sonnet-4-5-20250929-v1:0", sourceRegion: "us-east-1", account, configuredRegions: ["us-east-1"] }),
      /global profile.*destinationRegions does not apply/,
    );
  });
});

describe("the GovCloud example of the issue", () => {
  it("grants us-gov-east-1 when AWS's answer names only us-gov-west-1", () => {
    const modelId = "us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0";
    const model = resolveModel({
      modelId,
      sourceRegion: "us-gov-east-1",
      account,
      liveModelArns: ["arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0"],
    });
    assert.deepEqual(routedRegionsOf(model), ["us-gov-east-1", "us-gov-west-1"]);
  });
});
