// Issue 18: the routed-Regions policy at enforcement level "remediate", through the real engine offline. The
// hand-written role grants the APAC profile and the Tokyo model only; `pulumi up` with the policy set to remediate
// must deploy its RolePolicy with every routed Region added (read back from the deployed state), and the stack view
// then passes.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { catalogDestinations } from "../../../src/bedrock/routing";
import { readDeployedResources } from "../../../tools/engine/deployed-state";
import { POLICY_PACK, ScratchProject, engineAvailability } from "./helpers";

const PROFILE_ID = "apac.anthropic.claude-sonnet-4-20250514-v1:0";
const MODEL_ID = "anthropic.claude-sonnet-4-20250514-v1:0";

describe("real Pulumi engine (offline): remediation of a role that misses routed Regions", function () {
  this.timeout(600_000);
  const availability = engineAvailability();
  let project: ScratchProject | undefined;

  before(function () {
    if ("reason" in availability) {
      if (process.env.BEDROCK_SFN_ENGINE_TESTS === "required") throw new Error(`engine tests required but cannot run: ${availability.reason}`);
      console.log(`    engine tests did not run: ${availability.reason}`);
      this.skip();
    }
  });

  after(() => project?.remove());

  it("up --policy-pack with bedrock-profile-routed-regions at remediate deploys the role complete", async () => {
    if ("reason" in availability) return;
    project = new ScratchProject(availability.cli, "remediate");
    assert.equal((await project.run(["stack", "init", "dev"])).code, 0);
    project.addToProgram(path.join(__dirname, "fixtures", "hand-written-role.ts"));
    const config = project.writeFile("policy-config.json", JSON.stringify({ "bedrock-profile-routed-regions": { enforcementLevel: "remediate" } }));
    const result = await project.run(["up", "--stack", "dev", "--yes", "--skip-preview", "--policy-pack", POLICY_PACK, "--policy-pack-config", config]);
    assert.equal(result.code, 0, `up failed:\n${result.output.slice(-4000)}`);
    assert.match(result.output, /bedrock-profile-routed-regions/, "the engine reports the remediation");

    const resources = readDeployedResources("dev", project.backendDir) ?? [];
    const deployed = resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "hand-written");
    assert.ok(deployed, "the hand-written RolePolicy is deployed");
    const policy = JSON.parse(String(deployed.outputs.policy ?? deployed.inputs.policy)) as { Statement: { Resource: string | string[]; Condition?: unknown }[] };
    const destinations = catalogDestinations(PROFILE_ID, "ap-northeast-1");
    assert.ok(destinations?.kind === "regions");
    const granted = policy.Statement.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
    for (const region of destinations.regions) {
      assert.ok(granted.includes(`arn:aws:bedrock:${region}::foundation-model/${MODEL_ID}`), `the deployed policy grants ${region}`);
    }
    // Only the missing ARNs were added, tied to the profile as the component writes them.
    const added = policy.Statement.slice(1);
    assert.equal(added.length, 1);
    assert.deepEqual(added[0].Condition, {
      StringEquals: { "bedrock:InferenceProfileArn": `arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/${PROFILE_ID}` },
    });
    assert.equal((Array.isArray(added[0].Resource) ? added[0].Resource : [added[0].Resource]).length, destinations.regions.length - 1);
  });
});
