// The mission's own commands through the real Pulumi engine (CLI built from source, the Node language host, the
// AWS provider stand-in, the policy pack loaded by the engine), each on a clean scratch copy of the project.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { deployedWorkflows, readDeployedResources } from "../../../tools/engine/deployed-state";
import { deployedStackFrom } from "../../../tools/cli/invoke/stack-outputs";
import * as fs from "node:fs";
import { parse as parseYaml } from "yaml";
import { readSettings } from "../../../stack/settings";
import { POLICY_PACK, RunResult, ScratchProject, engineAvailability, parseOutputs } from "./helpers";

const FIXTURES = path.join(__dirname, "fixtures");
const devConfig = (parseYaml(fs.readFileSync(path.join(__dirname, "..", "..", "..", "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

function assertOk(result: RunResult, what: string): void {
  assert.equal(result.code, 0, `${what} failed (exit ${result.code}):\n${result.output.slice(-4000)}`);
}

describe("real Pulumi engine (offline)", function () {
  this.timeout(600_000);
  const availability = engineAvailability();
  const projects: ScratchProject[] = [];

  before(function () {
    if ("reason" in availability) {
      if (process.env.BEDROCK_SFN_ENGINE_TESTS === "required") throw new Error(`engine tests required but cannot run: ${availability.reason}`);
      console.log(`    engine tests did not run: ${availability.reason}`);
      this.skip();
    }
  });

  after(() => {
    for (const p of projects) p.remove();
  });

  async function scratch(label: string, stacks: string[], options: { typeCheck?: boolean } = {}): Promise<ScratchProject> {
    if ("reason" in availability) throw new Error(availability.reason);
    const project = new ScratchProject(availability.cli, label, options);
    projects.push(project);
    for (const stack of stacks) assertOk(await project.run(["stack", "init", stack]), `stack init ${stack}`);
    return project;
  }

  for (const stack of ["dev", "prod"]) {
    it(`preview --policy-pack of ${stack} passes and shows the resources`, async () => {
      // The dev preview runs as a user's does, type check included; the other engine runs skip it (helpers.ts).
      const project = await scratch(stack, [stack], { typeCheck: stack === "dev" });
      const result = await project.run(["preview", "--stack", stack, "--policy-pack", POLICY_PACK]);
      assertOk(result, `preview ${stack}`);
      for (const type of ["aws:sfn:StateMachine", "aws:iam:Role", "aws:iam:RolePolicy", "aws:s3:Bucket", "aws:cloudwatch:LogGroup"]) {
        assert.match(result.stdout, new RegExp(`\\+\\s+${type}\\s`), `${type} missing from the preview`);
      }
      assert.match(result.stdout, /Policies:\s*\n\s*✅ bedrock-sfn@v[\d.]+ \(local: [^)]*policy-pack\)/);
      assert.match(result.stdout, /\+ \d+ to create/);
      // The stand-in comes from the engine's plugin cache (installAwsStandIn), the language host from beside the CLI.
      assert.doesNotMatch(result.output, /from \$PATH/, "the engine took a plugin from PATH");
    });
  }

  describe("a hand-written role that misses routed Regions", () => {
    let project: ScratchProject;
    before(async () => {
      project = await scratch("handrole", ["dev"]);
      project.addToProgram(path.join(FIXTURES, "hand-written-role.ts"));
    });

    it("fails the preview with the pack's mandatory message naming the missing Regions", async () => {
      const result = await project.run(["preview", "--stack", "dev", "--policy-pack", POLICY_PACK]);
      assert.notEqual(result.code, 0, "the preview passed a role that misses routed Regions");
      assert.match(result.output, /\[mandatory\]\s+(\[severity: high\]\s+)?bedrock-profile-routed-regions/);
      for (const region of ["ap-northeast-2", "ap-south-1", "ap-southeast-2", "ap-southeast-4"]) {
        assert.match(result.output, new RegExp(region), `the message does not name ${region}`);
      }
      assert.match(result.output, /aws:iam\/rolePolicy:RolePolicy 'hand-written'|hand-written/);
    });

    it("passes with --policy-pack-config making the policy advisory, and still reports it", async () => {
      const config = project.writeFile("policy-config.json", JSON.stringify({ "bedrock-profile-routed-regions": { enforcementLevel: "advisory" } }));
      const result = await project.run(["preview", "--stack", "dev", "--policy-pack", POLICY_PACK, "--policy-pack-config", config]);
      assertOk(result, "preview with the advisory override");
      assert.match(result.output, /\[advisory\]\s+(\[severity: high\]\s+)?bedrock-profile-routed-regions/);
    });
  });

  for (const { fixture, expected } of [
    {
      fixture: "refused-bucket.ts",
      expected:
        /aws:s3\/bucket:Bucket resource 'refused-bucket': property bucket value \{Payloads_Bucket\} has a problem: InvalidBucketName: 'Payloads_Bucket' may contain only lowercase/,
    },
    { fixture: "unserved-type.ts", expected: /the offline AWS stand-in does not implement resource type 'aws:sqs\/queue:Queue'/ },
  ]) {
    it(`the stand-in refuses at preview what it would not create (${fixture}), in one line and no stack trace`, async () => {
      const project = await scratch(fixture.replace(/\.ts$/, ""), ["dev"]);
      project.addToProgram(path.join(FIXTURES, fixture));
      const result = await project.run(["preview", "--stack", "dev"]);
      assert.notEqual(result.code, 0, "the preview passed");
      assert.match(result.output, expected);
      assert.doesNotMatch(result.output, STACK_TRACE, `the output holds a stack trace:\n${result.output}`);
    });
  }

  it("bad config fails with one line naming the key and the value, and no stack trace", async () => {
    const project = await scratch("badconfig", ["dev"]);
    assertOk(await project.run(["config", "set", "--stack", "dev", "bedrock-sfn:workflowType", "BATCH"]), "config set");
    const result = await project.run(["preview", "--stack", "dev"]);
    assert.notEqual(result.code, 0, "the preview accepted workflowType BATCH");
    const lines = result.output.split("\n").filter((line) => /bedrock-sfn:workflowType/.test(line));
    assert.ok(lines.length >= 1, `no line names bedrock-sfn:workflowType:\n${result.output}`);
    assert.match(lines[0], /BATCH/);
    assert.match(lines[0], /STANDARD/);
    assert.doesNotMatch(result.output, STACK_TRACE, `the output holds a stack trace:\n${result.output}`);
  });

  // The engine checks Pulumi.yaml's types before the program runs; the program reads what it lets through. Both
  // must give the answer config/settings.ts gives offline (test/config/config-reading.test.ts has the full list).
  it("accepts and refuses the same config strings as the offline tools", async () => {
    const project = await scratch("reading", ["dev"]);
    const cases: [string, string][] = [
      ["maxTokens", "1e3"],
      ["maxTokens", "5.0"],
      ["maxTokens", " 5"],
      ["temperature", "0x1"],
      ["tracing", "True"],
      ["maxTokens", "+5"],
    ];
    for (const [key, value] of cases) {
      assertOk(await project.run(["config", "set", "--stack", "dev", `bedrock-sfn:${key}`, value]), `config set ${key}`);
      const engine = await project.run(["preview", "--stack", "dev"]);
      assertOk(await project.run(["config", "rm", "--stack", "dev", `bedrock-sfn:${key}`]), `config rm ${key}`);
      const config: Record<string, unknown> = { ...devConfig, [`bedrock-sfn:${key}`]: value };
      let offline = true;
      try {
        readSettings((k) => config[k]);
      } catch {
        offline = false;
      }
      assert.equal(engine.code === 0, offline, `${key}=${JSON.stringify(value)}: the engine ${engine.code === 0 ? "accepted" : "refused"} it, offline did not:\n${engine.output}`);
      assert.doesNotMatch(engine.output, STACK_TRACE);
    }
  });

  describe("up, stack output, a config change, destroy", () => {
    let project: ScratchProject;
    let created = 0;
    before(async () => {
      project = await scratch("lifecycle", ["dev"]);
    });

    it("up creates the stack's resources", async () => {
      const result = await project.run(["up", "--stack", "dev", "--yes", "--skip-preview"]);
      assertOk(result, "up");
      created = Number(/\+ (\d+) created/.exec(result.stdout)?.[1] ?? 0);
      assert.ok(created >= 10, `expected the stack's resources to be created:\n${result.stdout}`);
    });

    it("stack output --json has what npm run invoke reads", async () => {
      const result = await project.run(["stack", "output", "--json", "--stack", "dev"]);
      assertOk(result, "stack output");
      const outputs = parseOutputs(result);
      const deployed = deployedStackFrom(outputs, "pulumi stack output --json");
      assert.equal(deployed.workflowType, "EXPRESS");
      assert.equal(deployed.region, "ap-northeast-1");
      assert.match(deployed.stateMachineArn, /^arn:aws:states:ap-northeast-1:123456789012:stateMachine:bedrock-sfn-workflow-[0-9a-f]{7}$/);
      assert.equal(deployed.payloadBucketName, "bedrock-sfn-bedrock-sfn-dev-123456789012-ap-northeast-1");
      assert.match(String(outputs.roleArn), /^arn:aws:iam::123456789012:role\/bedrock-sfn-role-[0-9a-f]{7}$/);
      assert.equal(deployed.modelFamily, "anthropic");
    });

    it("the stack's state records what the stand-in created: the definition and the role's policy", () => {
      const resources = readDeployedResources("dev", project.backendDir);
      assert.ok(resources, "no checkpoint for stack dev");
      const [workflow, ...others] = deployedWorkflows(resources);
      assert.equal(others.length, 0);
      assert.equal(workflow.type, "EXPRESS");
      assert.equal((workflow.definition as { QueryLanguage?: string }).QueryLanguage, "JSONata");
      assert.equal(workflow.rolePolicies.length, 1);
      const actions = JSON.stringify(workflow.rolePolicies[0]);
      assert.match(actions, /bedrock:InvokeModel/);
      // The dev stack's global profile: AWS's three-part policy, the Region-less model ARN included.
      assert.match(actions, /arn:aws:bedrock:::foundation-model\/anthropic\.claude-opus-4-6-v1/);
      assert.equal(readDeployedResources("nope", project.backendDir), undefined);
    });

    it("an unchanged program previews as no change (autonamed names are stable)", async () => {
      const result = await project.run(["preview", "--stack", "dev"]);
      assertOk(result, "preview");
      assert.match(result.stdout, new RegExp(`\\b${created} unchanged`));
    });

    it("a model change shows in preview --diff as an update of the role policy", async () => {
      // A Legacy model (Claude 3.5 Sonnet, which this test used before, is past its end of life and now refused).
      assertOk(await project.run(["config", "set", "--stack", "dev", "bedrock-sfn:modelId", "apac.anthropic.claude-sonnet-4-20250514-v1:0"]), "config set modelId");
      const result = await project.run(["preview", "--stack", "dev", "--diff"]);
      assertOk(result, "preview --diff");
      assert.match(result.stdout, /~ aws:iam\/rolePolicy:RolePolicy: \(update\)/);
      assert.match(result.stdout, /~ policy\s*:/);
      assert.match(result.stdout, /claude-sonnet-4-20250514-v1:0/);
      assert.doesNotMatch(result.stdout, /aws:iam\/role:Role: \(replace\)/);
    });

    it("destroy deletes every resource", async () => {
      const result = await project.run(["destroy", "--stack", "dev", "--yes", "--skip-preview"]);
      assertOk(result, "destroy");
      assert.match(result.stdout, new RegExp(`- ${created} deleted`));
      const outputs = await project.run(["stack", "output", "--json", "--stack", "dev"]);
      assert.deepEqual(parseOutputs(outputs), {});
    });
  });
});
