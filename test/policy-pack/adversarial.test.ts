// Adversarial documents: the verdict IAM would give, and an answer bounded in time as a ratio to a small baseline
// measured in the same run (never a wall-clock assertion).
import { strict as assert } from "node:assert";
import { InputResource, PackViolation, evaluateResources } from "../../tools/shared/evaluate-pack";
import { ACCOUNT, APAC_SONNET_4, SONNET_4, advisory, allow, blocking, policyDocument, role, rolePolicy, stateMachine } from "./helpers";

const TOKYO = `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/${APAC_SONNET_4}`;
const model = (region: string, id = SONNET_4) => `arn:aws:bedrock:${region}::foundation-model/${id}`;
const byPolicy = (vs: PackViolation[], name: string) => vs.filter((v) => v.policyName === name);

async function timed(resources: InputResource[]): Promise<{ ms: number; violations: PackViolation[] }> {
  const start = performance.now();
  const violations = await evaluateResources(resources, { region: "ap-northeast-1" });
  return { ms: performance.now() - start, violations };
}

describe("policy pack under attack", function () {
  this.timeout(120_000);
  let baseline = 0;

  before(async () => {
    // Warm up, then the median of a few small runs: the unit every bound below is a multiple of.
    const small = [rolePolicy("p", policyDocument(allow([TOKYO, model("ap-*")])))];
    await timed(small);
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) samples.push((await timed(small)).ms);
    baseline = Math.max(samples.sort((a, b) => a - b)[2], 1);
  });

  const bounded = (ms: number, factor: number, what: string) =>
    assert.ok(ms < baseline * factor, `${what}: ${ms.toFixed(0)} ms vs baseline ${baseline.toFixed(1)} ms (bound x${factor})`);

  it("answers long star runs in StringLike and Resource without backtracking", async () => {
    const stars = "*".repeat(5000);
    const doc = policyDocument(allow([`arn:aws:bedrock:${stars}Z`, TOKYO, model("ap-*")], { Condition: { StringLike: { "aws:RequestedRegion": `${stars}Z` } } }), {
      Effect: "Deny",
      Action: "bedrock:*",
      Resource: `arn:aws:bedrock:*:*:${"*a".repeat(3000)}Z`,
    });
    const { ms, violations } = await timed([rolePolicy("p", doc)]);
    bounded(ms, 200, "long star runs");
    assert.ok(violations.every((v) => typeof v.message === "string"));
  });

  it("judges 4,000 statements in time linear in their number, and says IAM refuses the size", async () => {
    const statements = (n: number) => Array.from({ length: n }, (_, i) => allow([TOKYO.replace(ACCOUNT, String(100000000000 + i)), model("ap-northeast-1")]));
    const small = await timed([rolePolicy("big", policyDocument(...statements(400)))]);
    const { ms, violations } = await timed([rolePolicy("big", policyDocument(...statements(4000)))]);
    // Ten times the statements: linear is about x10; the old quadratic evaluation was about x100.
    assert.ok(ms < small.ms * 30, `4,000 statements took ${ms.toFixed(0)} ms, 400 took ${small.ms.toFixed(0)} ms`);
    assert.ok(blocking(byPolicy(violations, "iam-policy-readable")).some((v) => /IAM refuses more than 10,240/.test(v.message)));
    assert.ok(blocking(byPolicy(violations, "bedrock-profile-routed-regions")).length > 0, "the missing Regions are still found");
  });

  it("never fails open on deep nesting: the rest of the document is still judged", async () => {
    let deep: unknown = "x";
    for (let i = 0; i < 20000; i++) deep = [deep];
    const doc = policyDocument(allow([TOKYO, model("ap-northeast-1")]), { Effect: "Allow", Action: "s3:GetObject", Resource: deep });
    const inline = role("r", { inlinePolicies: [{ name: "deep", policy: doc }] });
    const { violations } = await timed([inline]);
    assert.ok(
      blocking(byPolicy(violations, "bedrock-profile-routed-regions")).some((v) => v.message.includes(model("ap-southeast-2"))),
      JSON.stringify(violations.map((v) => v.message.slice(0, 120))),
    );
    assert.ok(blocking(byPolicy(violations, "iam-policy-readable")).some((v) => /'Resource' must be a string/.test(v.message)));
  });

  it("follows profiles reached through a wildcard resource type", async () => {
    for (const resource of [`arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:*`, `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:*/${APAC_SONNET_4}`]) {
      const { violations } = await timed([rolePolicy("p", policyDocument(allow([resource, model("ap-northeast-1")])))]);
      assert.ok(
        blocking(byPolicy(violations, "bedrock-profile-routed-regions")).some((v) => /by the wildcard/.test(v.message) && v.message.includes("inference-profile/")),
        resource,
      );
    }
  });

  it("checks streaming-only grants", async () => {
    const doc = policyDocument({ Effect: "Allow", Action: "bedrock:InvokeModelWithResponseStream", Resource: [TOKYO, model("ap-northeast-1")] });
    const [v] = blocking(byPolicy((await timed([rolePolicy("p", doc)])).violations, "bedrock-profile-routed-regions"));
    assert.match(v.message, /^Add these ARNs to an Allow statement for bedrock:InvokeModelWithResponseStream/);
  });

  it("rejects a GovCloud profile ARN written in the aws partition", async () => {
    const gov = `arn:aws:bedrock:us-gov-east-1:${ACCOUNT}:inference-profile/us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0`;
    const [v] = blocking(byPolicy((await timed([rolePolicy("p", policyDocument(allow(gov)))])).violations, "bedrock-profile-routed-regions"));
    assert.match(v.message, /write it in the aws-us-gov partition/);
  });

  it("judges conditions on keys AWS always sets as AWS does", async () => {
    const secure = { Condition: { Bool: { "aws:SecureTransport": "true" } } };
    const doc = policyDocument(allow(TOKYO, secure), allow(model("ap-*"), { Condition: { StringEquals: { "bedrock:InferenceProfileArn": TOKYO }, ...secure.Condition } }));
    assert.deepEqual(blocking((await timed([rolePolicy("p", doc)])).violations), []);
  });

  it("uses the document's own account for a wildcard account, instead of a made-up one", async () => {
    const doc = policyDocument(
      allow(`arn:aws:bedrock:ap-northeast-1:*:inference-profile/${APAC_SONNET_4}`),
      allow(model("ap-*"), { Condition: { StringEquals: { "bedrock:InferenceProfileArn": TOKYO } } }),
    );
    assert.deepEqual(blocking(byPolicy((await timed([rolePolicy("p", doc)])).violations, "bedrock-profile-routed-regions")), []);
  });

  it("unions a role's RolePolicies: the profile in one, its models in another", async () => {
    const resources = [
      role("exec-role"),
      rolePolicy("profile", policyDocument(allow(TOKYO))),
      rolePolicy("models", policyDocument(allow(model("ap-*"), { Condition: { StringEquals: { "bedrock:InferenceProfileArn": TOKYO } } }))),
    ];
    assert.deepEqual(blocking(byPolicy((await timed(resources)).violations, "bedrock-profile-routed-regions")), []);
  });

  it("unions a role's policies for the profile-ARN rule too: models across Regions in one, the profile in another", async () => {
    const resources = [
      role("exec-role"),
      rolePolicy("models", policyDocument(allow([model("ap-northeast-1"), model("ap-southeast-2")], { Condition: { StringEquals: { "bedrock:InferenceProfileArn": TOKYO } } }))),
      rolePolicy("profile", policyDocument(allow(TOKYO))),
    ];
    const all = (await timed(resources)).violations;
    assert.deepEqual(blocking(byPolicy(all, "bedrock-inference-profile-arn")), []);
    // Alone (its role's other policy not in the stack), the models statement is rejected.
    const alone = (
      await timed([
        rolePolicy("models", policyDocument(allow([model("ap-northeast-1"), model("ap-southeast-2")], { Condition: { StringEquals: { "bedrock:InferenceProfileArn": TOKYO } } }))),
      ])
    ).violations;
    assert.ok(blocking(byPolicy(alone, "bedrock-inference-profile-arn")).length > 0);
  });

  it("reads aws-native IAM types like the classic ones", async () => {
    const bad = policyDocument(allow([TOKYO, model("ap-northeast-1")]));
    const resources: InputResource[] = [
      { type: "aws-native:iam:Role", name: "native-role", inputs: { roleName: "native-role", policies: [{ policyName: "b", policyDocument: bad }] } },
      { type: "aws-native:iam:RolePolicy", name: "native-rp", inputs: { roleName: "elsewhere", policyName: "x", policyDocument: bad } },
    ];
    const routed = blocking(byPolicy((await timed(resources)).violations, "bedrock-profile-routed-regions"));
    assert.deepEqual(routed.map((v) => v.resource?.split("::").pop()).sort(), ["native-role", "native-rp"]);
  });

  it("names the blocking Deny first", async () => {
    const doc = policyDocument(allow([TOKYO, model("*")]), { Sid: "NoSydney", Effect: "Deny", Action: "bedrock:*", Resource: model("ap-southeast-2") });
    const [v] = blocking(byPolicy((await timed([rolePolicy("p", doc)])).violations, "bedrock-profile-routed-regions"));
    assert.match(v.message.split("\n")[0], /^Remove or narrow Deny statement 'NoSydney'/);
  });

  it("names the Deny that refuses the profile itself, not 'add an Allow'", async () => {
    const doc = policyDocument(allow(TOKYO), allow(model("ap-*"), { Condition: { StringEquals: { "bedrock:InferenceProfileArn": TOKYO } } }), {
      Sid: "NoProfiles",
      Effect: "Deny",
      Action: "bedrock:InvokeModel",
      Resource: `arn:aws:bedrock:*:*:inference-profile/*`,
    });
    const found = blocking((await timed([rolePolicy("p", doc)])).violations).filter((v) => v.policyName !== "iam-policy-readable");
    assert.ok(found.length > 0);
    for (const v of found) assert.match(v.message.split("\n")[0], /^Remove or narrow Deny statement 'NoProfiles'/, `${v.policyName}: ${v.message}`);
  });

  it("names the blocking condition first", async () => {
    const doc = policyDocument(allow(TOKYO), allow(model("ap-*"), { Condition: { StringEquals: { "aws:RequestedRegion": "ap-northeast-1" } } }));
    const [v] = blocking(byPolicy((await timed([rolePolicy("p", doc)])).violations, "bedrock-profile-routed-regions"));
    assert.match(v.message.split("\n")[0], /^Change the condition StringEquals aws:RequestedRegion = "ap-northeast-1" of statement #2/);
  });

  it("reads policy variables as literal text under Version 2008-10-17", async () => {
    const { readPolicyDocument, evaluateRequest } = await import("../../src/iam");
    const request = { action: "s3:GetObject", resource: "arn:aws:s3:::b/${aws:username}/x", context: { "aws:username": "alice" } };
    const statement = { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/${aws:username}/*" };
    const legacy = readPolicyDocument({ Version: "2008-10-17", Statement: [statement] }, "legacy").document!;
    assert.equal(evaluateRequest(request, [legacy]).verdict, "allowed");
    const modern = readPolicyDocument({ Version: "2012-10-17", Statement: [statement] }, "modern").document!;
    assert.equal(evaluateRequest(request, [modern]).verdict, "implicit-deny");
    assert.equal(evaluateRequest({ ...request, resource: "arn:aws:s3:::b/alice/x" }, [modern]).verdict, "allowed");
  });

  it("refuses what IAM refuses: an unknown Version, bad or duplicate Sids", async () => {
    const doc = {
      Version: "2012-10-18",
      Statement: [
        { Sid: "a-b", ...allow(TOKYO) },
        { Sid: "Same", ...allow(TOKYO) },
        { Sid: "Same", ...allow(TOKYO) },
      ],
    };
    const messages = blocking(byPolicy((await timed([rolePolicy("p", doc)])).violations, "iam-policy-readable")).map((v) => v.message);
    assert.ok(messages.some((m) => /set 'Version' to "2012-10-17"/.test(m)));
    assert.ok(messages.some((m) => /letters A-Z, a-z and digits/.test(m)));
    assert.ok(messages.some((m) => /unique Sid/.test(m)));
  });

  it("a role whose only Bedrock grant is AmazonBedrockFullAccess passes the stack view", async () => {
    const definition = {
      QueryLanguage: "JSONata",
      StartAt: "Call",
      States: { Call: { Type: "Task", Resource: "arn:aws:states:::bedrock:invokeModel", Arguments: { ModelId: APAC_SONNET_4, Body: {} }, End: true } },
    };
    const resources = [role("exec-role", { managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonBedrockFullAccess"] }), stateMachine("sm", definition)];
    const { violations } = await timed(resources);
    assert.deepEqual(blocking(byPolicy(violations, "bedrock-state-machine-role")), []);
    assert.deepEqual(
      advisory(byPolicy(violations, "bedrock-state-machine-role")).filter((v) => /cannot read/.test(v.message)),
      [],
    );
  });

  it("applies a permissions boundary in the stack view", async () => {
    const definition = {
      QueryLanguage: "JSONata",
      StartAt: "Call",
      States: { Call: { Type: "Task", Resource: "arn:aws:states:::bedrock:invokeModel", Arguments: { ModelId: APAC_SONNET_4, Body: {} }, End: true } },
    };
    const boundary = {
      type: "aws:iam/policy:Policy",
      name: "boundary",
      inputs: { name: "boundary", arn: `arn:aws:iam::${ACCOUNT}:policy/boundary`, policy: JSON.stringify(policyDocument(allow(model("ap-northeast-*")), allow(TOKYO))) },
    };
    const resources = [
      boundary,
      role("exec-role", { permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/boundary`, managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonBedrockFullAccess"] }),
      stateMachine("sm", definition),
    ];
    const [v] = blocking(byPolicy((await timed(resources)).violations, "bedrock-state-machine-role"));
    assert.ok(v, "the boundary leaves Regions out");
    assert.ok(v.message.includes(model("ap-southeast-2")));
    assert.match(v.message, /permissions boundary/);
  });

  it("starts every violation with what to do", async () => {
    const seed1 = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "bedrock:*", Resource: [model("ap-*", APAC_SONNET_4), model("ap-northeast-1"), model("ap-southeast-2")] },
        { Effect: "Allow", NotAction: "iam:*", Resource: "*" },
      ],
    };
    const tied = policyDocument(
      allow(model("ap-*"), { Condition: { StringEquals: { "bedrock:InferenceProfileArn": TOKYO } } }),
      allow(TOKYO, { Condition: { StringEquals: { "bedrock:InferenceProfileArn": TOKYO } } }),
    );
    const violations = (await timed([rolePolicy("a", seed1), rolePolicy("b", tied), rolePolicy("c", policyDocument(allow([TOKYO, model("ap-northeast-1")])))])).violations;
    const fixers = violations.filter((v) => v.policyName !== "iam-policy-readable" && !v.message.startsWith("cannot judge"));
    assert.ok(fixers.length >= 5, JSON.stringify(fixers.map((v) => v.policyName)));
    for (const v of fixers) assert.match(v.message.split("\n")[0], /^(Add|Remove|Change|Replace|Move|Name|List|Use|Narrow|Fix) /, `${v.policyName}: ${v.message.split("\n")[0]}`);
  });
});
