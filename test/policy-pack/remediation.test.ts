// Issue 18: the routed-Regions policy's remediation rewrites a RolePolicy, a Policy or a role's inline policy to add
// exactly the missing ARNs, scoped to the profile as the component writes them, and nothing else; the result then
// passes the policy, and iam-simulate allows every routed call of it.
import { strict as assert } from "node:assert";
import { routedModelArns } from "../../src/bedrock/grants";
import { resolveModel } from "../../src/bedrock/resolve";
import { routedRegionsPolicy } from "../../policy-pack/policies/routed-regions";
import { inferenceProfileArnPolicy } from "../../policy-pack/policies/inference-profile-arn";
import { simulate } from "../support/simulate";
import { ACCOUNT, APAC_SONNET_4, SONNET_4, allow, policyDocument, role, rolePolicy, run } from "./helpers";

const PROFILE = `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/${APAC_SONNET_4}`;
const GLOBAL = `arn:aws:bedrock:eu-west-1:${ACCOUNT}:inference-profile/global.${SONNET_4}`;
const model = (region: string) => `arn:aws:bedrock:${region}::foundation-model/${SONNET_4}`;
const remediate = (type: string, props: Record<string, unknown>) =>
  routedRegionsPolicy.remediateResource!({ type, props, urn: "urn", name: "n", opts: {} } as never) as Record<string, unknown> | undefined;

describe("policy: routed Regions, remediation", () => {
  const routed = (arn: string, region: string) => routedModelArns(resolveModel({ modelId: arn, sourceRegion: region, account: ACCOUNT }));

  for (const [what, type, wrap, unwrap] of [
    [
      "a RolePolicy (JSON text)",
      "aws:iam/rolePolicy:RolePolicy",
      (d: object) => ({ role: "r", policy: JSON.stringify(d) }),
      (p: Record<string, unknown>) => JSON.parse(String(p.policy)),
    ],
    ["a Policy (object)", "aws:iam/policy:Policy", (d: object) => ({ policy: d }), (p: Record<string, unknown>) => p.policy],
    [
      "a role's inline policy",
      "aws:iam/role:Role",
      (d: object) => ({ inlinePolicies: [{ name: "own", policy: JSON.stringify(d) }] }),
      (p: Record<string, unknown>) => JSON.parse((p.inlinePolicies as { policy: string }[])[0].policy),
    ],
  ] as const) {
    it(`adds exactly the missing ARNs to ${what}, tied to the profile`, async () => {
      const doc = policyDocument(allow([PROFILE, model("ap-northeast-1")]));
      const fixed = remediate(type, wrap(doc));
      assert.ok(fixed);
      const out = unwrap(fixed) as { Statement: { Sid?: string; Resource: string[]; Condition?: object; Action: string[] }[] };
      assert.deepEqual(out.Statement[0], doc.Statement[0], "the original statement is untouched");
      assert.equal(out.Statement.length, 2);
      const expected = routed(PROFILE, "ap-northeast-1").filter((a) => a !== model("ap-northeast-1"));
      assert.deepEqual([...out.Statement[1].Resource].sort(), [...expected].sort());
      assert.deepEqual(out.Statement[1].Condition, { StringEquals: { "bedrock:InferenceProfileArn": PROFILE } });
      assert.deepEqual(out.Statement[1].Action, ["bedrock:InvokeModel"]);
      // The remediated document passes the policy.
      const resources = type === "aws:iam/role:Role" ? [role("r", fixed)] : [rolePolicy("p", out)];
      assert.deepEqual(await run(routedRegionsPolicy, resources), []);
    });
  }

  it("writes a global profile's statements with their conditions, as the component does", () => {
    const fixed = remediate("aws:iam/rolePolicy:RolePolicy", { policy: JSON.stringify(policyDocument(allow([GLOBAL]))) });
    const out = JSON.parse(String(fixed!.policy)) as { Statement: { Resource: string[]; Condition: Record<string, Record<string, string>> }[] };
    const added = out.Statement.slice(1);
    assert.deepEqual(added.flatMap((s) => s.Resource).sort(), [...routed(GLOBAL, "eu-west-1")].sort());
    for (const s of added) assert.equal(s.Condition.StringEquals["bedrock:InferenceProfileArn"], GLOBAL);
  });

  it("keeps the grant's actions (streaming too) and a unique Sid", () => {
    const doc = policyDocument({
      Sid: "InvokeFoundationModelThroughProfile",
      Effect: "Allow",
      Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
      Resource: [PROFILE],
    });
    const out = JSON.parse(String(remediate("aws:iam/rolePolicy:RolePolicy", { policy: JSON.stringify(doc) })!.policy));
    assert.deepEqual(out.Statement[1].Action, ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]);
    assert.equal(out.Statement[1].Sid, "InvokeFoundationModelThroughProfile2");
  });

  it("leaves complete documents, Denies and refusing conditions alone (the violation names those)", () => {
    const complete = policyDocument(allow([PROFILE, model("ap-*")]));
    assert.equal(remediate("aws:iam/rolePolicy:RolePolicy", { policy: JSON.stringify(complete) }), undefined);
    const denied = policyDocument(allow([PROFILE, model("ap-*")]), { Effect: "Deny", Action: "bedrock:*", Resource: model("ap-south-2") });
    assert.equal(remediate("aws:iam/rolePolicy:RolePolicy", { policy: JSON.stringify(denied) }), undefined);
    const pinned = policyDocument(allow([PROFILE, model("ap-*")], { Condition: { StringEquals: { "aws:RequestedRegion": "ap-northeast-1" } } }));
    assert.equal(remediate("aws:iam/rolePolicy:RolePolicy", { policy: JSON.stringify(pinned) }), undefined);
    assert.equal(remediate("aws:s3/bucket:Bucket", { policy: "{}" }), undefined);
  });
});

describe("policy: inference-profile ARN, remediation", () => {
  const fix = (type: string, props: Record<string, unknown>) =>
    inferenceProfileArnPolicy.remediateResource!({ type, props, urn: "urn", name: "n", opts: {} } as never) as Record<string, unknown> | undefined;
  const tied = (profile: string, extra: object = {}) =>
    allow([model("ap-northeast-1"), model("ap-northeast-3"), model("ap-southeast-2")], {
      Sid: "Models",
      Condition: { StringEquals: { "bedrock:InferenceProfileArn": profile } },
      ...extra,
    });
  type Doc = { Statement: { Sid?: string; Effect: string; Action: string[]; Resource: string[]; Condition?: unknown }[] };

  for (const [what, type, wrap, unwrap] of [
    [
      "a RolePolicy (JSON text)",
      "aws:iam/rolePolicy:RolePolicy",
      (d: object) => ({ role: "r", policy: JSON.stringify(d) }),
      (p: Record<string, unknown>) => JSON.parse(String(p.policy)),
    ],
    ["a Policy (object)", "aws:iam/policy:Policy", (d: object) => ({ policy: d }), (p: Record<string, unknown>) => p.policy],
    [
      "a role's inline policy",
      "aws:iam/role:Role",
      (d: object) => ({ inlinePolicies: [{ name: "own", policy: JSON.stringify(d) }] }),
      (p: Record<string, unknown>) => JSON.parse((p.inlinePolicies as { policy: string }[])[0].policy),
    ],
    ["an aws-native RolePolicy", "aws-native:iam:RolePolicy", (d: object) => ({ roleName: "r", policyDocument: d }), (p: Record<string, unknown>) => p.policyDocument],
  ] as const) {
    it(`adds exactly the profile ARN a model statement is tied to, to ${what}`, async () => {
      const doc = policyDocument(tied(PROFILE));
      const before = await run(inferenceProfileArnPolicy, [type === "aws:iam/role:Role" ? role("r", wrap(doc)) : rolePolicy("p", doc)]);
      assert.ok(
        before.some((v) => v.message.includes(PROFILE)),
        "the unremediated document is a violation naming the profile",
      );
      const fixed = fix(type, wrap(doc));
      assert.ok(fixed);
      const out = unwrap(fixed) as Doc;
      assert.deepEqual(out.Statement[0], doc.Statement[0], "the original statement is untouched");
      assert.equal(out.Statement.length, 2, "one statement added");
      assert.deepEqual(out.Statement[1], { Sid: "InvokeInferenceProfile", Effect: "Allow", Action: ["bedrock:InvokeModel"], Resource: [PROFILE] });
      const resources = type === "aws:iam/role:Role" ? [role("r", fixed)] : [rolePolicy("p", out)];
      assert.deepEqual(await run(inferenceProfileArnPolicy, resources), []);
      // An independent evaluator agrees: the profile call and the tied model calls are now allowed.
      const context = { "aws:RequestedRegion": "ap-northeast-1" };
      assert.equal(await simulate([out as never], { action: "bedrock:InvokeModel", resource: PROFILE, context } as never), "Allowed");
      const viaProfile = { ...context, "bedrock:InferenceProfileArn": PROFILE };
      assert.equal(await simulate([out as never], { action: "bedrock:InvokeModel", resource: model("ap-northeast-3"), context: viaProfile } as never), "Allowed");
    });
  }

  it("writes a global profile's statement with its source-Region condition, and keeps the model statement's actions", () => {
    const doc = policyDocument(
      allow([model("eu-west-1"), `arn:aws:bedrock:::foundation-model/${SONNET_4}`], {
        Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
        Condition: { StringEquals: { "bedrock:InferenceProfileArn": GLOBAL } },
      }),
    );
    const out = JSON.parse(String(fix("aws:iam/rolePolicy:RolePolicy", { policy: JSON.stringify(doc) })!.policy)) as Doc;
    assert.equal(out.Statement.length, 2);
    assert.deepEqual(out.Statement[1], {
      Sid: "InvokeGlobalInferenceProfile",
      Effect: "Allow",
      Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
      Resource: [GLOBAL],
      Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } },
    });
  });

  it("adds each missing profile once, with a unique Sid, and none that is already granted", () => {
    const other = `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.${SONNET_4}`;
    const doc = policyDocument(
      { Sid: "InvokeInferenceProfile", Effect: "Allow", Action: "bedrock:InvokeModel", Resource: other },
      tied(PROFILE),
      tied(PROFILE, { Sid: "Again" }),
      allow(model("us-east-2"), { Condition: { ArnEquals: { "bedrock:InferenceProfileArn": other } } }),
    );
    const out = JSON.parse(String(fix("aws:iam/rolePolicy:RolePolicy", { policy: JSON.stringify(doc) })!.policy)) as Doc;
    assert.equal(out.Statement.length, 5);
    assert.deepEqual(out.Statement[4].Resource, [PROFILE]);
    assert.equal(out.Statement[4].Sid, "InvokeInferenceProfile2");
  });

  it("leaves alone what only the user can decide: a Deny, a refusing condition, wildcards, variables, model grants naming no profile", () => {
    const same = (doc: object) => assert.equal(fix("aws:iam/rolePolicy:RolePolicy", { policy: JSON.stringify(doc) }), undefined, JSON.stringify(doc));
    same(policyDocument(allow(PROFILE), tied(PROFILE)));
    same(policyDocument(tied(PROFILE), { Effect: "Deny", Action: "bedrock:*", Resource: PROFILE }));
    same(policyDocument(tied(PROFILE), allow(PROFILE, { Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } } })));
    same(policyDocument(tied(PROFILE.replace("apac.", "*"))));
    same(policyDocument(tied(PROFILE.replace(ACCOUNT, "${aws:PrincipalAccount}"))));
    same(policyDocument(tied(`${PROFILE} `)));
    same(policyDocument(allow([model("ap-northeast-1"), model("ap-northeast-3")])));
    assert.equal(fix("aws:s3/bucket:Bucket", { policy: "{}" }), undefined);
  });
});

describe("policy metadata for Pulumi's policy views", () => {
  it("every policy of the pack has a severity, remediation steps, tags and a framework", async () => {
    const { policies } = await import("../../policy-pack/policies");
    for (const p of policies) {
      assert.ok(["low", "medium", "high", "critical"].includes(String(p.severity)), `${p.name}: severity`);
      assert.ok((p.remediationSteps ?? "").length > 20, `${p.name}: remediationSteps`);
      assert.ok((p.tags ?? []).length > 0, `${p.name}: tags`);
      assert.equal(p.framework?.name, "bedrock-sfn", `${p.name}: framework`);
      assert.equal(p.framework?.reference, p.name, `${p.name}: framework reference`);
      assert.match(p.framework?.version ?? "", /^\d+\.\d+\.\d+/, `${p.name}: framework version`);
    }
  });
});
