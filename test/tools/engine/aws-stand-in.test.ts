// The AWS provider stand-in, called directly (no engine): AWS-like outputs, preview semantics, and the cheap
// validations that catch real mistakes.
import { strict as assert } from "node:assert";
import { AwsStandIn, parseUrn } from "../../../tools/engine/aws/provider";
import { RESOURCE_KINDS } from "../../../tools/engine/aws/resources";
import { UNKNOWN } from "../../../tools/engine/aws/values";

const urn = (type: string, name: string) => `urn:pulumi:dev::bedrock-sfn::bedrock-sfn:index:BedrockStateMachine$${type}::${name}`;
const ROLE = "aws:iam/role:Role";
const POLICY = "aws:iam/rolePolicy:RolePolicy";
const MACHINE = "aws:sfn/stateMachine:StateMachine";
const BUCKET = "aws:s3/bucket:Bucket";
const LOGS = "aws:cloudwatch/logGroup:LogGroup";
const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

const trust = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" }],
});
const invoke = (resource: unknown, action: unknown = "bedrock:InvokeModel") =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: resource }] });
const definition = JSON.stringify({ StartAt: "Done", States: { Done: { Type: "Succeed" } } });

function standIn(): AwsStandIn {
  const provider = new AwsStandIn();
  provider.configure({ region: "ap-northeast-1" });
  return provider;
}

async function reasons(type: string, inputs: Record<string, unknown>): Promise<string[]> {
  const result = await standIn().check(urn(type, "x"), {}, inputs);
  return (result.failures ?? []).map((f) => `${f.property}: ${f.reason}`);
}

describe("tools/engine/aws: the AWS provider stand-in", () => {
  it("reads type and name out of a URN with a parent chain", () => {
    assert.deepEqual(parseUrn(urn(ROLE, "bedrock-sfn-role")), { type: ROLE, name: "bedrock-sfn-role" });
  });

  it("refuses a resource type it does not serve, naming it and what it serves", async () => {
    const [reason] = await reasons("aws:lambda/function:Function", {});
    assert.match(reason, /does not implement resource type 'aws:lambda\/function:Function'/);
    assert.match(reason, /aws:sfn\/stateMachine:StateMachine/);
  });

  it("refuses a data source it does not serve", async () => {
    const result = await standIn().invoke("aws:ec2/getVpc:getVpc", {});
    assert.match(result.failures![0].reason, /does not implement data source 'aws:ec2\/getVpc:getVpc'/);
  });

  it("answers the program's data sources for the configured Region", async () => {
    const provider = standIn();
    assert.equal((await provider.invoke("aws:index/getRegion:getRegion", {})).outputs.region, "ap-northeast-1");
    assert.equal((await provider.invoke("aws:index/getCallerIdentity:getCallerIdentity", {})).outputs.accountId, "123456789012");
    assert.equal((await provider.invoke("aws:index/getPartition:getPartition", {})).outputs.partition, "aws");
    const profile = await provider.invoke("aws:bedrock/getInferenceProfile:getInferenceProfile", { inferenceProfileId: "apac.anthropic.claude-sonnet-4-20250514-v1:0" });
    assert.ok((profile.outputs.models as unknown[]).length >= 2);
  });

  it("autonames a physical name `<name>-<7 hex>` and keeps it on later checks", async () => {
    const provider = standIn();
    const first = await provider.check(urn(ROLE, "bedrock-sfn-role"), {}, { assumeRolePolicy: trust });
    assert.match(String(first.inputs.name), /^bedrock-sfn-role-[0-9a-f]{7}$/);
    const again = await provider.check(urn(ROLE, "bedrock-sfn-role"), first.inputs, { assumeRolePolicy: trust });
    assert.equal(again.inputs.name, first.inputs.name);
    const named = await provider.check(urn(ROLE, "bedrock-sfn-role"), first.inputs, { assumeRolePolicy: trust, name: "mine" });
    assert.equal(named.inputs.name, "mine");
  });

  it("names a new resource alike in up's preview and in its update (two checks from empty olds), and a replacement anew", async () => {
    const preview = await standIn().check(urn(MACHINE, "bedrock-sfn-workflow"), {}, { definition: "{}" });
    const update = await standIn().check(urn(MACHINE, "bedrock-sfn-workflow"), {}, { definition: "{}", roleArn: "arn:aws:iam::123456789012:role/r" });
    assert.match(String(preview.inputs.name), /^bedrock-sfn-workflow-[0-9a-f]{7}$/);
    assert.equal(update.inputs.name, preview.inputs.name);
    const other = await standIn().check(urn(MACHINE, "other"), {}, { definition: "{}" });
    assert.notEqual(String(other.inputs.name).slice(-7), String(preview.inputs.name).slice(-7));
    // A replacement (olds without the generated-defaults marker) is named from the old name: a new name.
    const replacement = await standIn().check(urn(MACHINE, "bedrock-sfn-workflow"), { name: preview.inputs.name }, { definition: "{}" });
    assert.notEqual(replacement.inputs.name, preview.inputs.name);
  });

  it("computes AWS-like IDs and ARNs", async () => {
    const provider = standIn();
    const role = await provider.create(urn(ROLE, "r"), { name: "r-abc1234", assumeRolePolicy: trust });
    assert.equal(role.id, "r-abc1234");
    assert.equal(role.outs.arn, "arn:aws:iam::123456789012:role/r-abc1234");
    assert.match(String(role.outs.uniqueId), /^AROA[0-9A-F]{17}$/);
    const machine = await provider.create(urn(MACHINE, "m"), { name: "m-abc1234", definition, roleArn: role.outs.arn, type: "EXPRESS" });
    assert.equal(machine.id, "arn:aws:states:ap-northeast-1:123456789012:stateMachine:m-abc1234");
    const bucket = await provider.create(urn(BUCKET, "b"), { bucket: "my-bucket" });
    assert.equal(bucket.outs.arn, "arn:aws:s3:::my-bucket");
    const logs = await provider.create(urn(LOGS, "l"), { name: "/aws/vendedlogs/states/x", retentionInDays: 30 });
    assert.equal(logs.outs.arn, "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/vendedlogs/states/x");
  });

  it("diffs only what the program sets: a policy change updates in place, a rename replaces", async () => {
    const provider = standIn();
    const created = await provider.create(urn(POLICY, "p"), { name: "p-1234567", role: "r", policy: invoke("arn:aws:bedrock:*::foundation-model/a") });
    const same = await provider.diff(created.id, urn(POLICY, "p"), created.outs, { name: "p-1234567", role: "r", policy: invoke("arn:aws:bedrock:*::foundation-model/a") });
    assert.equal(same.changes, false);
    const policy = await provider.diff(created.id, urn(POLICY, "p"), created.outs, { name: "p-1234567", role: "r", policy: invoke("arn:aws:bedrock:*::foundation-model/b") });
    assert.deepEqual([policy.changes, policy.replaces], [true, []]);
    const renamed = await provider.diff(created.id, urn(POLICY, "p"), created.outs, { name: "other", role: "r", policy: invoke("arn:aws:bedrock:*::foundation-model/a") });
    assert.deepEqual(renamed.replaces, ["name"]);
  });

  it("passes unknown values through during preview without judging them", async () => {
    assert.deepEqual(await reasons(POLICY, { role: UNKNOWN, policy: UNKNOWN }), []);
    assert.deepEqual(await reasons(MACHINE, { definition: UNKNOWN, roleArn: UNKNOWN, loggingConfiguration: { level: "ALL", logDestination: UNKNOWN } }), []);
  });

  describe("AWS's cheap validations", () => {
    it("IAM policy syntax: JSON, vendor-prefixed actions, ARN resources, Effect", async () => {
      assert.match((await reasons(POLICY, { role: "r", policy: "{not json" }))[0], /policy: MalformedPolicyDocument: not valid JSON/);
      assert.match((await reasons(POLICY, { role: "r", policy: invoke("arn:aws:s3:::b", "InvokeModel") }))[0], /action 'InvokeModel' must be '<service>:<action>'/);
      assert.match((await reasons(POLICY, { role: "r", policy: invoke("my-bucket") }))[0], /resource 'my-bucket' must be an ARN or "\*"/);
      const noEffect = JSON.stringify({ Version: "2012-10-17", Statement: [{ Action: "s3:GetObject", Resource: "*" }] });
      assert.match((await reasons(POLICY, { role: "r", policy: noEffect })).join("\n"), /'Effect' must be "Allow" or "Deny"/);
      assert.match((await reasons(POLICY, { role: "r", policy: JSON.stringify({ Version: "2012-10-18", Statement: [] }) })).join("\n"), /Version '2012-10-18'/);
    });

    it("IAM policy size: an inline role policy over 10,240 characters", async () => {
      const resources = Array.from({ length: 200 }, (_, i) => `arn:aws:bedrock:us-east-1::foundation-model/model-number-${i}`);
      const [reason] = await reasons(POLICY, { role: "r", policy: invoke(resources) });
      assert.match(reason, /LimitExceeded: the policy is \d+ characters without whitespace; the limit is 10240/);
    });

    it("trust policies need a Principal and no Resource; secrets are checked through their wrapping", async () => {
      const bad = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] });
      const found = (await reasons(ROLE, { assumeRolePolicy: secret(bad) })).join("\n");
      assert.match(found, /assumeRolePolicy: MalformedPolicyDocument: statement #1: needs 'Principal'/);
      assert.match(found, /a trust policy cannot have 'Resource'/);
      assert.deepEqual(await reasons(ROLE, { assumeRolePolicy: secret(trust) }), []);
    });

    it("bucket policies are resource policies: a Principal is required there, and the statements are still read", async () => {
      const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
      const statement = { Sid: "DenyInsecureTransport", Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::b/*", Condition: { Bool: { "aws:SecureTransport": "false" } } };
      const policy = (extra: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [{ ...statement, ...extra }] });
      assert.deepEqual(await reasons(BUCKET_POLICY, { bucket: "b", policy: policy({ Principal: "*" }) }), []);
      assert.match((await reasons(BUCKET_POLICY, { bucket: "b", policy: policy({}) })).join("\n"), /needs 'Principal'/);
      assert.match((await reasons(BUCKET_POLICY, { bucket: "b", policy: policy({ Principal: "*", Effect: "Maybe" }) })).join("\n"), /MalformedPolicyDocument/);
    });

    it("bucket names, log retention, state machine definition and logging", async () => {
      assert.match((await reasons(BUCKET, { bucket: "My_Bucket" }))[0], /InvalidBucketName: 'My_Bucket' may contain only lowercase/);
      assert.match((await reasons(BUCKET, { bucket: "192.168.1.1" }))[0], /IP address/);
      assert.match((await reasons(LOGS, { name: "/x", retentionInDays: 45 }))[0], /retentionInDays: InvalidParameterException: retention 45 is not one of 1, 3, 5/);
      const badDefinition = JSON.stringify({ StartAt: "Missing", States: { Done: { Type: "Succeed" } } });
      assert.match((await reasons(MACHINE, { definition: badDefinition, roleArn: "arn:aws:iam::123456789012:role/r" }))[0], /definition: InvalidDefinition/);
      const logging = { level: "ALL", logDestination: "arn:aws:logs:ap-northeast-1:123456789012:log-group:/x" };
      assert.match(
        (await reasons(MACHINE, { definition, roleArn: "arn:aws:iam::123456789012:role/r", loggingConfiguration: logging }))[0],
        /must be a log group ARN ending in ':\*'/,
      );
      assert.match(
        (await reasons(MACHINE, { definition, roleArn: "r", type: "BATCH" })).join("\n"),
        /type: 'BATCH' is not one of STANDARD, EXPRESS[\s\S]*roleArn: 'r' is not an IAM role ARN/,
      );
    });
  });

  it("serves exactly the resource types the project and its API front door declare", () => {
    const types = Object.keys(RESOURCE_KINDS);
    for (const type of [
      "aws:cloudwatch/logGroup:LogGroup",
      "aws:iam/role:Role",
      "aws:iam/rolePolicy:RolePolicy",
      "aws:iam/policy:Policy",
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "aws:s3/bucket:Bucket",
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
      "aws:s3/bucketPolicy:BucketPolicy",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "aws:sfn/stateMachine:StateMachine",
      "aws:apigateway/restApi:RestApi",
      "aws:apigateway/integration:Integration",
      "aws:apigateway/stage:Stage",
      "aws:apigateway/apiKey:ApiKey",
      "aws:apigateway/usagePlan:UsagePlan",
    ]) {
      assert.ok(types.includes(type), `${type} is not served`);
    }
    assert.ok(
      types.every((t) => /^aws:(cloudwatch|iam|s3|sfn|apigateway)\//.test(t)),
      "serves a type outside the services the project uses",
    );
  });

  it("API Gateway: API IDs, stage URLs, a secret API key value, service integration URIs", async () => {
    const provider = standIn();
    const api = await provider.create(urn("aws:apigateway/restApi:RestApi", "api"), { name: "api-1234567" });
    assert.match(api.id, /^[a-z0-9]{10}$/);
    assert.equal(api.outs.executionArn, `arn:aws:execute-api:ap-northeast-1:123456789012:${api.id}`);
    const updated = await provider.update(api.id, urn("aws:apigateway/restApi:RestApi", "api"), api.outs, { name: "api-1234567", description: "d" });
    assert.equal(updated.outs.executionArn, api.outs.executionArn);
    const stage = await provider.create(urn("aws:apigateway/stage:Stage", "s"), { restApi: api.id, stageName: "v1", deployment: "d1" });
    assert.equal(stage.outs.invokeUrl, `https://${api.id}.execute-api.ap-northeast-1.amazonaws.com/v1`);
    const key = await provider.create(urn("aws:apigateway/apiKey:ApiKey", "k"), { name: "k-1234567" });
    assert.equal((key.outs.value as Record<string, unknown>)["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270");
    const integration = { restApi: api.id, resourceId: "abc123", httpMethod: "POST", type: "AWS", integrationHttpMethod: "POST" };
    assert.deepEqual(await reasons("aws:apigateway/integration:Integration", { ...integration, uri: "arn:aws:apigateway:ap-northeast-1:states:action/StartSyncExecution" }), []);
    assert.match(
      (await reasons("aws:apigateway/integration:Integration", { ...integration, uri: "states:StartSyncExecution" }))[0],
      /uri: 'states:StartSyncExecution' is not an AWS service integration URI/,
    );
    assert.match(
      (await reasons("aws:apigateway/method:Method", { restApi: api.id, resourceId: "r", httpMethod: "FETCH", authorization: "IAM" })).join("\n"),
      /'FETCH' is not one of GET[\s\S]*'IAM' is not one of NONE, AWS_IAM/,
    );
  });
});
