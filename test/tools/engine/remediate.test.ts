// Issue 18: the routed-Regions and profile-ARN policies at enforcement level "remediate", through the real engine
// offline. The hand-written role grants the APAC profile and the Tokyo model only; a second one ties its model grants
// to the profile but never grants the profile. `pulumi up` with both policies set to remediate must deploy the first
// RolePolicy with every routed Region added and the second with the profile ARN added (read back from the deployed
// state), and the stack policies then pass.
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

  it("up --policy-pack with the routed-Regions and profile-ARN policies at remediate deploys both roles complete", async () => {
    if ("reason" in availability) return;
    project = new ScratchProject(availability.cli, "remediate");
    assert.equal((await project.run(["stack", "init", "dev"])).code, 0);
    project.addToProgram(path.join(__dirname, "fixtures", "hand-written-role.ts"));
    project.addToProgram(path.join(__dirname, "fixtures", "profile-tied-role.ts"));
    const config = project.writeFile(
      "policy-config.json",
      JSON.stringify({ "bedrock-profile-routed-regions": { enforcementLevel: "remediate" }, "bedrock-inference-profile-arn": { enforcementLevel: "remediate" } }),
    );
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

    // The profile-ARN remediation: exactly the profile's own statement, without a condition.
    const tied = resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "profile-tied");
    assert.ok(tied, "the profile-tied RolePolicy is deployed");
    const tiedPolicy = JSON.parse(String(tied.outputs.policy ?? tied.inputs.policy)) as { Statement: object[] };
    assert.equal(tiedPolicy.Statement.length, 2);
    assert.deepEqual(tiedPolicy.Statement[1], {
      Sid: "InvokeInferenceProfile",
      Effect: "Allow",
      Action: ["bedrock:InvokeModel"],
      Resource: [`arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/${PROFILE_ID}`],
    });
  });
});
