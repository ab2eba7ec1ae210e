import { strict as assert } from "node:assert";
import { catalogDestinations } from "../../src/bedrock/routing";
import { routedRegionsPolicy } from "../../policy-pack/policies/routed-regions";
import { ACCOUNT, APAC_SONNET_4, SONNET_4, advisory, allow, blocking, fixture, policyDocument, role, rolePolicy, run } from "./helpers";

const TOKYO_PROFILE = `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/${APAC_SONNET_4}`;
const model = (region: string, id = SONNET_4) => `arn:aws:bedrock:${region}::foundation-model/${id}`;
// From the catalog, not written out: the test must not mirror the implementation's own list.
const tokyoDestinations = () => {
  const d = catalogDestinations(APAC_SONNET_4, "ap-northeast-1");
  assert.ok(d?.kind === "regions");
  return d.regions;
};

describe("policy: routed Regions", () => {
  describe("the seeds' policies", () => {
    it("accepts seed 001's final policy with arn:aws:bedrock:ap-*::foundation-model/...", async () => {
      assert.deepEqual(await run(routedRegionsPolicy, [rolePolicy("seed-3", fixture("seed-001-3-ap-wildcard.json"))]), []);
    });

    it("rejects seed 001's first fix (profile ARN plus the Tokyo model only), naming each missing Region and ARN", async () => {
      const [v, ...rest] = await run(routedRegionsPolicy, [rolePolicy("seed-2", fixture("seed-001-2-profile-added.json"))]);
      assert.deepEqual(rest, []);
      assert.equal(v.enforcementLevel, "mandatory");
      const missing = tokyoDestinations().filter((r) => r !== "ap-northeast-1");
      assert.equal(missing.length, 7);
      for (const region of missing) {
        assert.ok(v.message.includes(region), `names ${region}`);
        assert.ok(v.message.includes(model(region)), `lists the ARN for ${region}`);
      }
      assert.ok(!v.message.includes(model("ap-northeast-1")), "does not ask for the model it already has");
      assert.match(v.message, /'InvokeModel1'/);
    });

    it("accepts the SAM template's wildcards (seed 000): they cover every Region of every profile", async () => {
      assert.deepEqual(await run(routedRegionsPolicy, [rolePolicy("sam", fixture("seed-000-sam-template.json"))]), []);
    });
  });

  it("accepts the model granted Region by Region, tied to the profile by condition", async () => {
    const doc = policyDocument(
      allow(TOKYO_PROFILE),
      allow(
        tokyoDestinations().map((r) => model(r)),
        { Condition: { StringEquals: { "bedrock:InferenceProfileArn": TOKYO_PROFILE } } },
      ),
    );
    assert.deepEqual(await run(routedRegionsPolicy, [rolePolicy("p", doc)]), []);
  });

  it("rejects a model statement tied to another profile, and says why", async () => {
    const other = TOKYO_PROFILE.replace("ap-northeast-1", "ap-southeast-2");
    const doc = policyDocument(allow(TOKYO_PROFILE), allow(model("ap-*"), { Condition: { StringEquals: { "bedrock:InferenceProfileArn": other } } }));
    const [v] = await run(routedRegionsPolicy, [rolePolicy("p", doc)]);
    assert.match(v.message, /in 8 of them/);
    assert.match(v.message, /condition StringEquals bedrock:InferenceProfileArn/);
  });

  it("rejects when a Deny statement removes a destination Region, naming the Deny", async () => {
    const doc = policyDocument(allow([TOKYO_PROFILE, model("*")]), { Sid: "NoOsaka", Effect: "Deny", Action: "bedrock:*", Resource: model("ap-northeast-3") });
    const [v] = await run(routedRegionsPolicy, [rolePolicy("p", doc)]);
    assert.match(v.message, /in 1 of them: ap-northeast-3/);
    assert.match(v.message, /explicitly denied by statement 'NoOsaka'/);
  });

  for (const action of ["bedrock:InvokeModel", "BEDROCK:invokemodel", "bedrock:Invoke*", "bedrock:*", "*", ["s3:GetObject", "bedrock:InvokeModel"]]) {
    it(`recognises the profile grant with Action ${JSON.stringify(action)}`, async () => {
      const doc = policyDocument({ Effect: "Allow", Action: action, Resource: [TOKYO_PROFILE, model("ap-northeast-1")] });
      assert.equal((await run(routedRegionsPolicy, [rolePolicy("p", doc)])).length, 1);
    });
  }

  it("ignores profile ARNs in statements that do not allow InvokeModel", async () => {
    const doc = policyDocument(
      { Effect: "Allow", Action: "bedrock:GetInferenceProfile", Resource: TOKYO_PROFILE },
      { Effect: "Deny", Action: "bedrock:InvokeModel", Resource: TOKYO_PROFILE },
    );
    assert.deepEqual(await run(routedRegionsPolicy, [rolePolicy("p", doc)]), []);
  });

  describe("global profiles", () => {
    const GLOBAL = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";
    const FM = "anthropic.claude-sonnet-4-5-20250929-v1:0";
    const profileArn = `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/${GLOBAL}`;

    it("accepts AWS's three-part policy", async () => {
      const doc = policyDocument(
        allow(profileArn),
        allow(model("ap-northeast-1", FM), { Condition: { StringEquals: { "aws:RequestedRegion": "ap-northeast-1", "bedrock:InferenceProfileArn": profileArn } } }),
        allow(model("", FM), { Condition: { StringEquals: { "aws:RequestedRegion": "unspecified", "bedrock:InferenceProfileArn": profileArn } } }),
      );
      assert.deepEqual(await run(routedRegionsPolicy, [rolePolicy("p", doc)]), []);
    });

    it("rejects a global profile without the Region-less model ARN, and gives that ARN", async () => {
      const [v] = await run(routedRegionsPolicy, [rolePolicy("p", policyDocument(allow([profileArn, model("ap-northeast-1", FM)])))]);
      assert.match(v.message, /Region-less/);
      assert.ok(v.message.includes(`arn:aws:bedrock:::foundation-model/${FM}`));
    });

    it("does not count ap-* as covering the Region-less ARN", async () => {
      const [v] = await run(routedRegionsPolicy, [rolePolicy("p", policyDocument(allow([profileArn, model("ap-*", FM)])))]);
      assert.ok(v.message.includes(`arn:aws:bedrock:::foundation-model/${FM}`));
    });
  });

  describe("wildcard profile grants", () => {
    it("checks every catalogued profile a Region wildcard matches, and summarises", async () => {
      const doc = policyDocument(allow([`arn:aws:bedrock:*:${ACCOUNT}:inference-profile/${APAC_SONNET_4}`, model("ap-northeast-1")]));
      const [v] = await run(routedRegionsPolicy, [rolePolicy("p", doc)]);
      assert.match(v.message, /by the wildcard/);
      assert.match(v.message, /First 3, with the ARNs to add:/);
    });

    it("accepts a profile-ID wildcard when the model grant covers every Region", async () => {
      const doc = policyDocument(allow([`arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.*`, "arn:aws:bedrock:*::foundation-model/*"]));
      assert.deepEqual(await run(routedRegionsPolicy, [rolePolicy("p", doc)]), []);
    });
  });

  it("notes (advisory) a profile the catalog does not know, instead of guessing", async () => {
    const doc = policyDocument(allow(`arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.anthropic.claude-future-v9:0`));
    const violations = await run(routedRegionsPolicy, [rolePolicy("p", doc)]);
    assert.equal(blocking(violations).length, 0);
    assert.match(advisory(violations)[0].message, /cannot judge: .*not list/);
  });

  it("rejects a profile granted in a Region that cannot call it: the grant matches no call", async () => {
    const violations = await run(routedRegionsPolicy, [rolePolicy("p", policyDocument(allow(TOKYO_PROFILE.replace("ap-northeast-1", "eu-west-1"))))]);
    assert.equal(advisory(violations).length, 0);
    assert.match(
      blocking(violations)[0].message,
      /^.*grant the profile in a Region that can call it \(.*ap-northeast-1.*\): the routing catalog lists no call of apac\.anthropic\.claude-sonnet-4-20250514-v1:0 from 'eu-west-1'/,
    );
  });

  it("judges inline policies of a Role and policies given as objects", async () => {
    const bad = fixture("seed-001-2-profile-added.json");
    const inline = role("r", { inlinePolicies: [{ name: "bedrock", policy: JSON.stringify(bad) }, { name: "empty" }] });
    const asObject = { type: "aws:iam/policy:Policy", name: "managed", inputs: { policy: bad } };
    const userPolicy = { type: "aws:iam/userPolicy:UserPolicy", name: "u", inputs: { user: "alice", policy: JSON.stringify(bad) } };
    const groupPolicy = { type: "aws:iam/groupPolicy:GroupPolicy", name: "g", inputs: { group: "devs", policy: JSON.stringify(bad) } };
    const violations = await run(routedRegionsPolicy, [inline, asObject, userPolicy, groupPolicy]);
    assert.deepEqual(
      violations.map((v) => v.resource?.split("::").pop()),
      ["r", "managed", "u", "g"],
    );
    assert.match(violations[0].message, /inline policy 'bedrock' of Role 'r'/);
  });
});
