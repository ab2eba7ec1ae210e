import { strict as assert } from "node:assert";
import { loggingStatements, tracingStatements } from "../../src/bedrock/grants";
import { leastPrivilegePolicy } from "../../policy-pack/policies/least-privilege";
import { ACCOUNT, APAC_SONNET_4, SONNET_4, allow, fixture, policyDocument, rolePolicy, run } from "./helpers";

const TOKYO_PROFILE = `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/${APAC_SONNET_4}`;
const model = (region: string) => `arn:aws:bedrock:${region}::foundation-model/${SONNET_4}`;
const check = (doc: unknown, config: Record<string, unknown> = {}) => run(leastPrivilegePolicy, [rolePolicy("p", doc)], { config: { [leastPrivilegePolicy.name]: config } });

describe("policy: least privilege (advisory)", () => {
  it("is advisory by default", () => {
    assert.equal(leastPrivilegePolicy.enforcementLevel, "advisory");
  });

  it("flags bedrock:* and *", async () => {
    const violations = await check(
      policyDocument({ Effect: "Allow", Action: ["bedrock:*"], Resource: TOKYO_PROFILE }, { Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::b/*" }),
    );
    assert.equal(violations.length, 2);
    assert.match(violations[0].message, /'bedrock:\*'/);
    assert.match(violations[1].message, /'\*'/);
    assert.ok(violations.every((v) => v.enforcementLevel === "advisory"));
  });

  it('flags Resource "*" where the actions take ARNs, naming them', async () => {
    const [v] = await check(policyDocument({ Effect: "Allow", Action: ["bedrock:InvokeModel", "s3:GetObject", "xray:PutTraceSegments"], Resource: "*" }));
    assert.match(v.message, /grants bedrock:InvokeModel, s3:GetObject on Resource "\*"/);
  });

  it('accepts Resource "*" for actions that need it: the component\'s log delivery and tracing statements, List calls', async () => {
    const doc = policyDocument(...loggingStatements(`arn:aws:logs:ap-northeast-1:${ACCOUNT}:log-group:x`), ...tracingStatements(), {
      Effect: "Allow",
      Action: "bedrock:ListFoundationModels",
      Resource: "*",
    });
    assert.deepEqual(await check(doc), []);
  });

  it('accepts actions the configuration allows on Resource "*", and rejects a malformed configuration clearly', async () => {
    const doc = policyDocument({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" });
    assert.deepEqual(await check(doc, { allowResourceWildcardFor: ["s3:GetObject"] }), []);
    const [v] = await check(doc, { allowResourceWildcardFor: "s3:GetObject" });
    assert.match(v.message, /allowResourceWildcardFor must be a list of actions/);
  });

  it("flags NotAction and NotResource in Allow statements", async () => {
    const violations = await check(
      policyDocument({ Effect: "Allow", NotAction: "iam:*", Resource: TOKYO_PROFILE }, { Effect: "Allow", Action: "bedrock:InvokeModel", NotResource: model("us-east-1") }),
    );
    assert.deepEqual(
      violations.map((v) => /NotAction/.test(v.message) || /NotResource/.test(v.message)),
      [true, true],
    );
  });

  describe("foundation models not tied to the profile", () => {
    it("flags seed 001's final policy (model and profile in one statement) and says to split the statement", async () => {
      const [v] = await check(fixture("seed-001-3-ap-wildcard.json"));
      assert.match(v.message, /without Condition bedrock:InferenceProfileArn/);
      assert.match(v.message, /statement of their own/);
      assert.ok(v.message.includes(TOKYO_PROFILE));
    });

    it("accepts a model statement tied with StringEquals or ArnLike", async () => {
      for (const Condition of [
        { StringEquals: { "bedrock:InferenceProfileArn": TOKYO_PROFILE } },
        { ArnLike: { "bedrock:InferenceProfileArn": "arn:aws:bedrock:*:*:inference-profile/apac.*" } },
      ]) {
        assert.deepEqual(await check(policyDocument(allow(TOKYO_PROFILE), allow(model("ap-*"), { Condition }))), []);
      }
    });

    it("says nothing when no profile is granted (direct model calls are the point then)", async () => {
      assert.deepEqual(await check(policyDocument(allow(model("eu-west-1")))), []);
    });
  });
});
