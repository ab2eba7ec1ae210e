// `npm run synth` as a user calls it: a child process, its stdout, its exit code.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { foundationModelArn } from "../../../src/bedrock/arn";
import { catalogProfile } from "../../../src/bedrock/routing";

const root = path.resolve(__dirname, "..", "..", "..");

function synth(...args: string[]) {
  const run = spawnSync("npm", ["run", "--silent", "synth", "--", ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

interface Doc {
  resources: { type: string; name: string; inputs: Record<string, unknown> }[];
  outputs: Record<string, unknown>;
}

function bedrockResources(doc: Doc): string[] {
  const policy = doc.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!;
  const statements = JSON.parse(String(policy.inputs.policy)).Statement as { Action: string[]; Resource: string[] }[];
  return statements.filter((s) => s.Action.includes("bedrock:InvokeModel")).flatMap((s) => s.Resource);
}

describe("npm run synth", function () {
  this.timeout(180_000);

  it("--stack dev --json with the apac. Sonnet 4 profile: one JSON document; the role allows the profile and the model in all 8 routed Regions", () => {
    const { code, stdout } = synth("--stack", "dev", "--config", "bedrock-sfn:modelId=apac.anthropic.claude-sonnet-4-20250514-v1:0", "--json");
    assert.equal(code, 0);
    const doc = JSON.parse(stdout) as Doc;
    const types = doc.resources.map((r) => r.type);
    for (const t of ["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:s3/bucket:Bucket", "aws:cloudwatch/logGroup:LogGroup", "aws:sfn/stateMachine:StateMachine"]) {
      assert.ok(types.includes(t), t);
    }
    const granted = bedrockResources(doc);
    const id = "apac.anthropic.claude-sonnet-4-20250514-v1:0";
    assert.ok(granted.includes(`arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/${id}`));
    const routed = catalogProfile(id)!.sourceToDestinations["ap-northeast-1"] as string[];
    assert.equal(routed.length, 8);
    for (const region of routed) assert.ok(granted.includes(foundationModelArn("aws", region, "anthropic.claude-sonnet-4-20250514-v1:0")), region);
    const machine = doc.resources.find((r) => r.type === "aws:sfn/stateMachine:StateMachine")!;
    assert.equal(machine.inputs.type, "EXPRESS");
    assert.equal(typeof machine.inputs.definition, "string");
  });

  it("switching modelId and aws:region on the command line changes the grants", () => {
    const id = "us.anthropic.claude-3-haiku-20240307-v1:0";
    const { code, stdout } = synth("--stack", "dev", "--config", `bedrock-sfn:modelId=${id}`, "--config", "aws:region=us-east-2", "--json");
    assert.equal(code, 0);
    const granted = bedrockResources(JSON.parse(stdout));
    const models = granted.filter((arn) => arn.includes(":foundation-model/")).sort();
    assert.deepEqual(
      models,
      ["us-east-1", "us-east-2", "us-west-2"].map((r) => foundationModelArn("aws", r, "anthropic.claude-3-haiku-20240307-v1:0")),
    );
  });

  it("--json with a definition of your own: stdout is the document alone, its notes go to stderr", () => {
    const { code, stdout, stderr } = synth("--stack", "dev", "--config", "aws:region=us-east-1", "--config", "bedrock-sfn:definitionFile=examples/prompt-chain.asl.json", "--json");
    assert.equal(code, 0, stderr);
    const doc = JSON.parse(stdout) as Doc;
    assert.ok(doc.resources.some((r) => r.type === "aws:sfn/stateMachine:StateMachine"));
    assert.match(stderr, /bedrock-sfn:modelId does not apply: bedrock-sfn:definitionFile replaces the built-in workflow/);
    assert.doesNotMatch(stdout, /info: \[runtime\]/);
  });

  it("prints a readable tree with the grants and routed Regions for the prod stack", () => {
    const { code, stdout } = synth("--stack", "prod");
    assert.equal(code, 0);
    assert.match(stdout, /aws:sfn\/stateMachine:StateMachine/);
    assert.match(stdout, /arn:aws:bedrock:::foundation-model\/anthropic\.claude-opus-4-7/);
    assert.match(stdout, /Routed:\s+any commercial Region/);
  });

  it("exits 2 with one clear line per bad key, and for an unknown stack", () => {
    const bad = synth(
      "--stack",
      "dev",
      "--config",
      "bedrock-sfn:workflowType=BATCH",
      "--config",
      "bedrock-sfn:modelId=jp.anthropic.claude-sonnet-4-5-20250929-v1:0",
      "--config",
      "aws:region=us-east-1",
    );
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bedrock-sfn:workflowType = 'BATCH': must be one of STANDARD, EXPRESS/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, "no stack trace");
    const prefix = synth("--stack", "dev", "--config", "bedrock-sfn:modelId=jp.anthropic.claude-sonnet-4-5-20250929-v1:0", "--config", "aws:region=us-east-1");
    assert.equal(prefix.code, 2);
    assert.match(prefix.stderr, /cannot be called from Region 'us-east-1'.*ap-northeast-1, ap-northeast-3/);
    const stack = synth("--stack", "staging");
    assert.equal(stack.code, 2);
    assert.match(stack.stderr, /stack 'staging' has no Pulumi\.staging\.yaml; stacks: dev, prod/);
    const key = synth("--stack", "dev", "--config", "bedrock-sfn:modelID=x");
    assert.equal(key.code, 2);
    assert.match(key.stderr, /unknown config key 'bedrock-sfn:modelID' .*did you mean 'bedrock-sfn:modelId'\?\nvalid keys: /);
    for (const line of key.stderr.split("\n")) assert.ok(line.length <= 300, `line of ${line.length} characters`);
  });
});
