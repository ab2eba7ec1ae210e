// A batch stack (batch = map) through the real Pulumi engine offline: preview with the policy pack, then up (the
// stand-in records the Distributed Map and the role naming its own state machine), then destroy.
import { strict as assert } from "node:assert";
import { deployedWorkflows, readDeployedResources } from "../../../tools/engine/deployed-state";
import { POLICY_PACK, RunResult, ScratchProject, engineAvailability } from "./helpers";

function assertOk(result: RunResult, what: string): void {
  assert.equal(result.code, 0, `${what} failed (exit ${result.code}):\n${result.output.slice(-4000)}`);
}

describe("real Pulumi engine (offline): a batch stack", function () {
  this.timeout(900_000);
  const availability = engineAvailability();
  let project: ScratchProject | undefined;

  before(async function () {
    if ("reason" in availability) {
      if (process.env.BEDROCK_SFN_ENGINE_TESTS === "required") throw new Error(`engine tests required but cannot run: ${availability.reason}`);
      console.log(`    engine tests did not run: ${availability.reason}`);
      this.skip();
    }
    project = new ScratchProject(availability.cli, "batch");
    assertOk(await project.run(["stack", "init", "prod"]), "stack init prod");
    assertOk(await project.run(["config", "set", "--stack", "prod", "bedrock-sfn:batch", "map"]), "config set batch");
  });

  after(() => project?.remove());

  it("preview --policy-pack passes, up deploys the Distributed Map, destroy removes it", async () => {
    const p = project!;
    const preview = await p.run(["preview", "--stack", "prod", "--policy-pack", POLICY_PACK]);
    assertOk(preview, "preview");
    assert.match(preview.stdout, /Policies:\s*\n\s*✅ bedrock-sfn@v[\d.]+/);
    assertOk(await p.run(["up", "--stack", "prod", "--yes", "--skip-preview"]), "up");
    const resources = readDeployedResources("prod", p.backendDir);
    assert.ok(resources, "no checkpoint for stack prod");
    const [workflow] = deployedWorkflows(resources);
    assert.equal(workflow.type, "STANDARD");
    const definition = workflow.definition as { States: Record<string, { Type: string; ItemProcessor?: { ProcessorConfig?: { Mode?: string } } }> };
    assert.equal(definition.States.RunBatch.ItemProcessor?.ProcessorConfig?.Mode, "DISTRIBUTED");
    const policy = JSON.stringify(workflow.rolePolicies[0]);
    assert.match(policy, /states:StartExecution/);
    assert.match(policy, /:stateMachine:bedrock-sfn-bedrock-sfn-prod"/);
    assertOk(await p.run(["destroy", "--stack", "prod", "--yes", "--skip-preview"]), "destroy");
  });
});
