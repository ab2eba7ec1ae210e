// The whole pack as the Pulumi CLI runs it (run-policy-pack, the Analyzer gRPC protocol), through grpc-client.ts:
// one suite, run on the in-repo pack by grpc.test.ts and on the published tarball by published-pack.test.ts.
// Importing the pack's index.ts here would start a server in mocha.
import { strict as assert } from "node:assert";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { LEVELS, PackClient, stackResource, urnOf } from "../../tools/shared/grpc-client";
import { ACCOUNT, APAC_SONNET_4, allow, fixture, policyDocument } from "./helpers";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The Analyzer-protocol tests, against the pack in `packDir()` (read when the suite starts, so a before hook may make it). */
export function packOverGrpcSuite(packDir: () => string): void {
  let pack: PackClient;
  let info: analyzer.AnalyzerInfo;

  const configure = (overrides: Record<string, Record<string, unknown>> = {}) => pack.configure(overrides);
  const analyzeStack = (resources: analyzer.AnalyzerResource[]) => pack.analyzeStack(resources);
  const analyzeRolePolicy = (policy: unknown) =>
    pack.analyze("aws:iam/rolePolicy:RolePolicy", "exec-policy", { role: "exec-role", policy: typeof policy === "string" ? policy : JSON.stringify(policy) });

  before(async () => {
    pack = await PackClient.start(packDir());
    info = pack.info;
  });

  after(() => pack?.stop());

  it("describes the pack and its policies (GetAnalyzerInfo)", () => {
    assert.equal(info.getName(), "bedrock-sfn");
    const policies = Object.fromEntries(info.getPoliciesList().map((p) => [p.getName(), p]));
    assert.deepEqual(Object.keys(policies).sort(), [
      "api-gateway-role-scope",
      "bedrock-data-residency",
      "bedrock-inference-profile-arn",
      "bedrock-least-privilege",
      "bedrock-model-lifecycle",
      "bedrock-profile-routed-regions",
      "bedrock-state-machine-role",
      "iam-policy-readable",
    ]);
    assert.equal(LEVELS[policies["bedrock-least-privilege"].getEnforcementlevel()], "advisory");
    assert.equal(LEVELS[policies["bedrock-profile-routed-regions"].getEnforcementlevel()], "mandatory");
    assert.equal(policies["bedrock-state-machine-role"].getPolicyType(), analyzer.PolicyType.POLICY_TYPE_STACK);
    const schema = policies["bedrock-data-residency"].getConfigschema()!.getProperties()!.toJavaScript();
    assert.deepEqual(Object.keys(schema).sort(), ["allowGlobalProfiles", "allowedRegions"]);
    for (const p of Object.values(policies)) assert.match(p.getDescription(), /Fix/, `${p.getName()} tells how to fix it`);
  });

  it("rejects seed 001's first two policies, naming what is missing, and accepts the third (Analyze)", async () => {
    // The profile-ARN and routed-Region rules judge a role's policies together, so they answer AnalyzeStack.
    const first = await analyzeStack([
      stackResource("aws:iam/rolePolicy:RolePolicy", "exec-policy", { role: "exec-role", policy: JSON.stringify(fixture("seed-001-1-console-generated.json")) }),
    ]);
    const profileArn = first.find((d) => d.policy === "bedrock-inference-profile-arn" && d.level === "mandatory");
    assert.ok(profileArn, JSON.stringify(first));
    assert.ok(profileArn.message.includes(`inference-profile/${APAC_SONNET_4}`));

    // Routed Regions are judged over the union of a role's policies, so over the stack (AnalyzeStack).
    const second = await analyzeStack([
      stackResource("aws:iam/rolePolicy:RolePolicy", "exec-policy", { role: "exec-role", policy: JSON.stringify(fixture("seed-001-2-profile-added.json")) }),
    ]);
    const routed = second.find((d) => d.policy === "bedrock-profile-routed-regions");
    assert.equal(routed?.level, "mandatory");
    for (const region of ["ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-4"]) {
      assert.ok(routed!.message.includes(`arn:aws:bedrock:${region}::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0`), region);
    }

    const third = await analyzeRolePolicy(fixture("seed-001-3-ap-wildcard.json"));
    assert.deepEqual(
      third.filter((d) => d.level === "mandatory"),
      [],
    );
    const thirdStack = await analyzeStack([
      stackResource("aws:iam/rolePolicy:RolePolicy", "exec-policy", { role: "exec-role", policy: JSON.stringify(fixture("seed-001-3-ap-wildcard.json")) }),
    ]);
    assert.deepEqual(
      thirdStack.filter((d) => d.level === "mandatory"),
      [],
    );
  });

  it("starts each message with what to do, not with the policy's description", async () => {
    const found = [
      ...(await analyzeRolePolicy(fixture("seed-001-1-console-generated.json"))),
      ...(await analyzeStack([
        stackResource("aws:iam/rolePolicy:RolePolicy", "exec-policy", { role: "exec-role", policy: JSON.stringify(fixture("seed-001-1-console-generated.json")) }),
      ])),
    ];
    const descriptions = new Map(info.getPoliciesList().map((p) => [p.getName(), p.getDescription()]));
    assert.ok(found.length > 0);
    for (const d of found) assert.ok(!d.message.startsWith(descriptions.get(d.policy)!.slice(0, 40)), d.message);
  });

  it("still judges a policy nested thousands of levels deep, and answers other calls after it", async () => {
    const deep = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":${"[".repeat(5000)}"x"${"]".repeat(5000)}}]}`;
    const found = await analyzeRolePolicy(deep);
    assert.ok(
      found.some((d) => d.policy === "iam-policy-readable" && d.level === "mandatory" && /'Resource' must be a string/.test(d.message)),
      JSON.stringify(found).slice(0, 500),
    );
    assert.deepEqual(await analyzeRolePolicy(fixture("seed-000-sam-template.json")), []);
  });

  it("accepts the SAM template's policy from seed 000 without any diagnostic", async () => {
    assert.deepEqual(await analyzeRolePolicy(fixture("seed-000-sam-template.json")), []);
  });

  it("turns unknown and malformed policies into diagnostics, advisory when it cannot judge", async () => {
    const unknown = await analyzeRolePolicy(UNKNOWN);
    assert.ok(unknown.length > 0 && unknown.every((d) => d.level === "advisory"), JSON.stringify(unknown));
    assert.match(unknown[0].message, /not known during preview/);
    const malformed = await analyzeRolePolicy("{ nope");
    assert.deepEqual(
      malformed.map((d) => [d.policy, d.level]),
      [["iam-policy-readable", "mandatory"]],
    );
  });

  it("judges the whole stack: a state machine's role and routed Regions (AnalyzeStack)", async () => {
    const urn = urnOf;
    const resource = stackResource;
    const provider = new analyzer.AnalyzerProviderResource()
      .setType("pulumi:providers:aws")
      .setName("default")
      .setUrn(urn("pulumi:providers:aws", "default"))
      .setProperties(Struct.fromJavaScript({ region: "ap-northeast-1" }));
    const roleUrn = urn("aws:iam/role:Role", "exec-role");
    const profile = `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/${APAC_SONNET_4}`;
    // Preview-like: the role's ARN is unknown; the engine's property dependencies link the resources.
    const resources = [
      resource("aws:iam/role:Role", "exec-role", { name: "exec-role-1a2b3c4", arn: UNKNOWN }),
      resource(
        "aws:iam/rolePolicy:RolePolicy",
        "exec-policy",
        {
          role: "exec-role-1a2b3c4",
          policy: JSON.stringify(policyDocument(allow([profile, "arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0"]))),
        },
        { role: [roleUrn] },
      ),
      resource(
        "aws:sfn/stateMachine:StateMachine",
        "workflow",
        { roleArn: UNKNOWN, definition: JSON.stringify(fixture("seed-001-definition.json")) },
        { roleArn: [roleUrn] },
      ).setProvider(provider),
    ];
    const all = await analyzeStack(resources);
    const stackView = all.filter((d) => d.policy === "bedrock-state-machine-role");
    assert.equal(stackView.length, 1, JSON.stringify(all));
    assert.equal(stackView[0].level, "mandatory");
    assert.match(stackView[0].message, /StateMachine 'workflow' runs as Role 'exec-role'/);
    assert.ok(stackView[0].message.includes("arn:aws:bedrock:ap-southeast-4::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0"));
  });

  it("applies configuration sent with Configure (data residency)", async () => {
    const policy = policyDocument(
      allow(`arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/${APAC_SONNET_4}`),
      allow("arn:aws:bedrock:ap-*::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0", {
        Condition: { StringEquals: { "bedrock:InferenceProfileArn": `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/${APAC_SONNET_4}` } },
      }),
    );
    assert.deepEqual(await analyzeRolePolicy(policy), []);
    await configure({ "bedrock-data-residency": { allowedRegions: ["ap-northeast-*"] } });
    try {
      const residency = (await analyzeRolePolicy(policy)).filter((d) => d.policy === "bedrock-data-residency");
      assert.equal(residency.length, 1);
      assert.match(residency[0].message, /ap-south-1/);
    } finally {
      await configure();
    }
  });
}
