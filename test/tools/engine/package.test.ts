// bedrock-sfn as a Pulumi package, through the offline engine (`npm run pulumi -- -C <folder> ...`): the YAML example
// (examples/yaml) previews with the policy pack, goes up, shows its outputs and is destroyed; the role it deploys is
// the one the TypeScript program deploys for the same arguments; an argument error reaches YAML as one line.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cachedYamlHostIsUsable } from "../../../tools/engine/build-hosts";
import { type DeployedResource, readCheckpointResources } from "../../../tools/engine/deployed-state";
import { PROJECT_ROOT, YAML_HOST, cachedHostPath, projectBackendDir, stackStatePath } from "../../../tools/engine/paths";
import { type ScratchProject, engineAvailability, parseOutputs } from "./helpers";
import { STACK_TRACE, assertOk, componentResources, deployTypeScriptAs, rolePolicyOf, trustPolicyOf, wrapper } from "./package-helpers";

const EXAMPLE = path.join(PROJECT_ROOT, "examples", "yaml");

describe("bedrock-sfn as a Pulumi package, from YAML (offline engine)", function () {
  this.timeout(900_000);
  const engine = engineAvailability();
  const reason =
    "reason" in engine
      ? engine.reason
      : cachedYamlHostIsUsable()
        ? undefined
        : `no YAML language host built yet (${cachedHostPath(YAML_HOST.binary)}); build it with 'npm run engine:build'`;
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-package-"));
  const scratches: ScratchProject[] = [];
  let yamlResources: DeployedResource[] | undefined;

  before(function () {
    if (reason) {
      if (process.env.BEDROCK_SFN_ENGINE_TESTS === "required") throw new Error(`engine tests required but cannot run: ${reason}`);
      console.log(`    Pulumi package tests did not run: ${reason}`);
      this.skip();
    }
  });

  after(() => {
    for (const scratch of scratches) scratch.remove();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it("previews the YAML example with the policy pack: the component, its children, the pack passing", async () => {
    const result = await wrapper(["-C", "examples/yaml", "preview", "--stack", "dev", "--policy-pack", "./policy-pack"], stateDir);
    assertOk(result, "preview");
    for (const type of ["bedrock-sfn:index:BedrockStateMachine", "aws:sfn:StateMachine", "aws:iam:Role", "aws:iam:RolePolicy", "aws:s3:Bucket"]) {
      assert.match(result.stdout, new RegExp(`\\+\\s+${type}\\s`), `${type} missing from the preview:\n${result.stdout}`);
    }
    assert.match(result.stdout, /Policies:\s*\n\s*✅ bedrock-sfn@v[\d.]+ \(local: [^)]*policy-pack\)/);
  });

  it("goes up and shows the roleArn and stateMachineArn outputs", async () => {
    assertOk(await wrapper(["-C", "examples/yaml", "up", "--stack", "dev", "--yes", "--skip-preview"], stateDir), "up");
    const outputs = await wrapper(["-C", "examples/yaml", "stack", "output", "--json", "--stack", "dev"], stateDir);
    assertOk(outputs, "stack output");
    const values = parseOutputs(outputs);
    assert.match(String(values.roleArn), /^arn:aws:iam::123456789012:role\/bedrock-sfn-role-[0-9a-f]{7}$/);
    assert.match(String(values.stateMachineArn), /^arn:aws:states:ap-northeast-1:123456789012:stateMachine:bedrock-sfn-workflow-[0-9a-f]{7}$/);
    assert.deepEqual(values.routedRegions, ["*"]);
    yamlResources = readCheckpointResources(stackStatePath("dev", projectBackendDir(EXAMPLE, { BEDROCK_SFN_STATE_DIR: stateDir }), "bedrock-sfn-yaml"));
  });

  it("deploys the role the TypeScript program deploys for the same arguments", async () => {
    assert.ok(yamlResources, "the YAML stack was not deployed");
    if ("reason" in engine) throw new Error(engine.reason);
    const tsResources = await deployTypeScriptAs(engine.cli, "bedrock-sfn-yaml", scratches);
    assert.deepEqual(rolePolicyOf(yamlResources), rolePolicyOf(tsResources));
    assert.deepEqual(trustPolicyOf(yamlResources), trustPolicyOf(tsResources));
    assert.match(JSON.stringify(rolePolicyOf(yamlResources)), /arn:aws:bedrock:::foundation-model\/anthropic\.claude-opus-4-6-v1/);
  });

  it("destroy removes what the YAML program created", async () => {
    const result = await wrapper(["-C", "examples/yaml", "destroy", "--stack", "dev", "--yes", "--skip-preview"], stateDir);
    assertOk(result, "destroy");
    assert.match(result.stdout, /- (\d+) deleted/);
    const left = readCheckpointResources(stackStatePath("dev", projectBackendDir(EXAMPLE, { BEDROCK_SFN_STATE_DIR: stateDir }), "bedrock-sfn-yaml"));
    assert.deepEqual(componentResources(left), []);
  });

  it("an argument error reaches the YAML program as the component's one line, without a stack trace", async () => {
    const dir = fs.mkdtempSync(path.join(stateDir, "bad-"));
    const program = fs
      .readFileSync(path.join(EXAMPLE, "Pulumi.yaml"), "utf8")
      .replace(/^name: .*$/m, "name: bedrock-sfn-yaml-bad")
      .replace("bedrock-sfn: ../..", `bedrock-sfn: ${PROJECT_ROOT}`)
      .replace("workflowType: EXPRESS", "workflowType: BATCH");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), program);
    const result = await wrapper(["-C", dir, "preview", "--stack", "dev"], stateDir);
    assert.notEqual(result.code, 0, "the preview accepted workflowType BATCH");
    const lines = result.output.split("\n").filter((line) => line.includes("workflowType = 'BATCH'"));
    assert.ok(lines.length >= 1, `no line names workflowType = 'BATCH':\n${result.output}`);
    assert.match(lines[0], /BedrockStateMachine 'bedrock-sfn': workflowType = 'BATCH': must be one of STANDARD, EXPRESS/);
    assert.doesNotMatch(result.output, STACK_TRACE, `the output holds a stack trace:\n${result.output}`);
  });
});
