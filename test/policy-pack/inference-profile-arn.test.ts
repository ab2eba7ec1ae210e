import { strict as assert } from "node:assert";
import { catalogDestinations } from "../../src/bedrock/routing";
import { inferenceProfileArnPolicy } from "../../policy-pack/policies/inference-profile-arn";
import { ACCOUNT, APAC_SONNET_4, SONNET_4, allow, fixture, policyDocument, rolePolicy, run } from "./helpers";

const TOKYO_PROFILE = `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/${APAC_SONNET_4}`;
const model = (region: string, id = SONNET_4) => `arn:aws:bedrock:${region}::foundation-model/${id}`;
const check = (doc: unknown) => run(inferenceProfileArnPolicy, [rolePolicy("p", doc)]);

describe("policy: inference-profile ARN", () => {
  describe("a profile ID inside a foundation-model ARN", () => {
    it("rejects seed 001's console-generated policy and names the ARNs to grant instead", async () => {
      const [v, ...rest] = await check(fixture("seed-001-1-console-generated.json"));
      assert.deepEqual(rest, []);
      assert.equal(v.enforcementLevel, "mandatory");
      assert.match(v.message, /puts inference profile ID 'apac\.anthropic\.claude-sonnet-4-20250514-v1:0' inside a foundation-model ARN/);
      assert.ok(v.message.includes(`arn:aws:bedrock:ap-northeast-1:<account-id>:inference-profile/${APAC_SONNET_4}`));
      const destinations = catalogDestinations(APAC_SONNET_4, "ap-northeast-1");
      assert.ok(destinations?.kind === "regions");
      for (const region of destinations.regions) assert.ok(v.message.includes(model(region)), `lists ${region}`);
    });

    it("fills in the account when the document names one, and also catches the prefix in a Deny", async () => {
      const doc = policyDocument(allow(TOKYO_PROFILE), { Effect: "Deny", Action: "bedrock:InvokeModel", Resource: model("us-east-1", "us.amazon.nova-lite-v1:0") });
      const [v] = await check(doc);
      assert.match(v.message, /'us\.amazon\.nova-lite-v1:0'/);
      assert.ok(v.message.includes(`arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.amazon.nova-lite-v1:0`));
    });

    it("accepts model IDs whose provider merely starts like a prefix", async () => {
      assert.deepEqual(await check(policyDocument(allow([model("us-east-1", "amazon.titan-text-express-v1")]))), []);
    });
  });

  describe("models across Regions without a profile", () => {
    for (const [what, resources] of [
      ["several Regions", [model("ap-northeast-1"), model("ap-northeast-3")]],
      ["a wildcard Region", [model("ap-*")]],
      ["the Region-less ARN", [model("")]],
    ] as const) {
      it(`rejects ${what}, suggesting the catalog's profiles of the model`, async () => {
        const [v] = await check(policyDocument(allow([...resources])));
        assert.match(v.message, /across Regions .* but no inference profile of it/);
        // Suggestions are real catalogued profiles of this model: global ones for the Region-less ARN.
        const expected = resources[0].includes(":::") ? `inference-profile/global.${SONNET_4}` : `inference-profile/apac.${SONNET_4}`;
        assert.ok(v.message.includes(expected), v.message);
      });
    }

    it("accepts them next to a grant on a profile of that model (exact, wildcard, application profile or '*')", async () => {
      for (const profile of [
        TOKYO_PROFILE,
        `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/*`,
        `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:application-inference-profile/abc123`,
        "*",
      ]) {
        assert.deepEqual(await check(policyDocument(allow([model("ap-*"), profile]))), [], profile);
      }
    });

    it("accepts a model in one Region only (a direct, in-Region call)", async () => {
      assert.deepEqual(await check(policyDocument(allow(model("eu-west-1")))), []);
    });

    it("does not count a profile of another model", async () => {
      const other = `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/apac.amazon.nova-lite-v1:0`;
      assert.equal((await check(policyDocument(allow([model("ap-*"), other])))).length, 1);
    });
  });

  it("rejects model grants tied to a profile that the document does not allow", async () => {
    // The shape the component writes for a profile that routes to its source Region only, minus the profile ARN.
    const doc = policyDocument(allow(model("ap-northeast-1"), { Condition: { StringEquals: { "bedrock:InferenceProfileArn": TOKYO_PROFILE } } }));
    const [v] = await check(doc);
    assert.match(v.message, /only through inference profile .* but the document does not allow the profile itself/);
    assert.ok(v.message.includes(TOKYO_PROFILE));
  });

  describe("a bedrock:InferenceProfileArn condition on the profile statement", () => {
    it("rejects it: the key is not set when AWS authorises the profile", async () => {
      const doc = policyDocument(allow([TOKYO_PROFILE, model("ap-*")], { Sid: "All", Condition: { StringEquals: { "bedrock:InferenceProfileArn": TOKYO_PROFILE } } }));
      const violations = await check(doc);
      assert.ok(violations.some((v) => /'All' allows inference profile\(s\) .* only under Condition StringEquals bedrock:InferenceProfileArn/.test(v.message)));
    });

    it("accepts IfExists and negated operators, which hold when the key is absent", async () => {
      for (const op of ["StringEqualsIfExists", "ArnLikeIfExists", "StringNotEquals"]) {
        const doc = policyDocument(allow(TOKYO_PROFILE, { Condition: { [op]: { "bedrock:InferenceProfileArn": TOKYO_PROFILE } } }), allow(model("ap-northeast-1")));
        assert.deepEqual(await check(doc), [], op);
      }
    });
  });

  it("accepts seed 001's final policy and the SAM template's", async () => {
    assert.deepEqual(await check(fixture("seed-001-3-ap-wildcard.json")), []);
    assert.deepEqual(await check(fixture("seed-000-sam-template.json")), []);
  });
});
