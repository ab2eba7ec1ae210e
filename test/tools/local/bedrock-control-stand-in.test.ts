// The Bedrock control-plane stand-in speaks the real wire format: the real SDK clients page, read and fail
// against it as they would against AWS.
import * as assert from "node:assert/strict";
import { AccountClient, ListRegionsCommand } from "@aws-sdk/client-account";
import { BedrockClient, GetInferenceProfileCommand, ListFoundationModelsCommand, ListInferenceProfilesCommand } from "@aws-sdk/client-bedrock";
import { FIXTURE_ACCOUNT_ID, FIXTURE_ADDITIONS, fixtureAccount } from "../../../tools/local/stand-ins/bedrock-control-fixture";
import { startBedrockControlStandIn, type BedrockControlStandIn } from "../../../tools/local/stand-ins/bedrock-control-stand-in";

const CREDENTIALS = { accessKeyId: "AKIDSTANDIN", secretAccessKey: "stand-in-secret" };
const REGIONS = ["ap-northeast-1", "us-east-1"];

async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).name;
  }
  assert.fail("expected the call to fail");
}

describe("local Bedrock control-plane stand-in", () => {
  let standIn: BedrockControlStandIn;
  const clients: { destroy(): void }[] = [];
  const bedrock = (region: string) => {
    const client = new BedrockClient({ region, endpoint: standIn.endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
    clients.push(client);
    return client;
  };

  before(async () => {
    standIn = await startBedrockControlStandIn({ fixture: fixtureAccount({ regions: REGIONS }), pageSize: 1000 });
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await standIn.close();
  });

  it("pages ListInferenceProfiles with maxResults and nextToken, answering for the Region the request is signed for", async () => {
    const client = bedrock("ap-northeast-1");
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(new ListInferenceProfilesCommand({ typeEquals: "SYSTEM_DEFINED", maxResults: 3, nextToken }));
      assert.ok((page.inferenceProfileSummaries ?? []).length <= 3);
      for (const summary of page.inferenceProfileSummaries ?? []) {
        seen.push(summary.inferenceProfileId!);
        assert.equal(summary.type, "SYSTEM_DEFINED");
        assert.ok(summary.createdAt instanceof Date);
        assert.ok(summary.inferenceProfileArn?.startsWith(`arn:aws:bedrock:ap-northeast-1:${FIXTURE_ACCOUNT_ID}:inference-profile/`));
      }
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    const fixture = fixtureAccount({ regions: REGIONS });
    const expected = Object.keys(fixture.profiles)
      .filter((id) => fixture.profiles[id]["ap-northeast-1"])
      .sort();
    assert.deepEqual(seen, expected);
    assert.equal(pages, Math.ceil(expected.length / 3));
    assert.equal(await errorName(client.send(new ListInferenceProfilesCommand({ nextToken: "not-a-token" }))), "ValidationException");
    const application = await client.send(new ListInferenceProfilesCommand({ typeEquals: "APPLICATION" }));
    assert.deepEqual(application.inferenceProfileSummaries, []);
  });

  it("answers GetInferenceProfile with the destinations from that source, and ResourceNotFoundException elsewhere", async () => {
    const fixture = fixtureAccount({ regions: REGIONS });
    const id = Object.keys(fixture.profiles).find((p) => p.startsWith("apac.") && fixture.profiles[p]["ap-northeast-1"])!;
    const profile = await bedrock("ap-northeast-1").send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: id }));
    const destinations = fixture.profiles[id]["ap-northeast-1"] as string[];
    assert.deepEqual(
      profile.models?.map((m) => m.modelArn),
      destinations.map((r) => `arn:aws:bedrock:${r}::foundation-model/${id.slice("apac.".length)}`),
    );
    assert.equal(await errorName(bedrock("us-east-1").send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: id }))), "ResourceNotFoundException");
  });

  it("answers ListFoundationModels with modelLifecycle, and ListRegions with the opt-in filter", async () => {
    const models = await bedrock("us-east-1").send(new ListFoundationModelsCommand({}));
    const legacy = models.modelSummaries?.find((m) => m.modelId === FIXTURE_ADDITIONS.legacy.id);
    assert.equal(legacy?.modelLifecycle?.status, "LEGACY");
    assert.ok(legacy?.modelLifecycle?.endOfLifeTime instanceof Date, JSON.stringify(legacy));
    const account = new AccountClient({ region: "us-east-1", endpoint: standIn.endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
    clients.push(account);
    const all = await account.send(new ListRegionsCommand({}));
    assert.ok(all.Regions?.some((r) => r.RegionOptStatus === "DISABLED"));
    const enabled = await account.send(new ListRegionsCommand({ RegionOptStatusContains: ["ENABLED", "ENABLED_BY_DEFAULT"] }));
    assert.deepEqual(
      enabled.Regions?.map((r) => r.RegionName),
      REGIONS,
    );
  });

  it("throttles the first N calls with ThrottlingException, then answers", async () => {
    standIn.setFaults({ throttleFirst: 2 });
    const client = bedrock("us-east-1");
    assert.equal(await errorName(client.send(new ListFoundationModelsCommand({}))), "ThrottlingException");
    assert.equal(await errorName(client.send(new ListFoundationModelsCommand({}))), "ThrottlingException");
    assert.ok((await client.send(new ListFoundationModelsCommand({}))).modelSummaries?.length);
    standIn.setFaults({});
  });
});
