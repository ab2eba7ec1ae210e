import { strict as assert } from "node:assert";
import { catalogDestinations } from "../../src/bedrock/routing";
import { dataResidencyPolicy } from "../../policy-pack/policies/data-residency";
import { ACCOUNT, APAC_SONNET_4, allow, fixture, policyDocument, role, rolePolicy, run, stateMachine } from "./helpers";

const TOKYO_PROFILE = `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/${APAC_SONNET_4}`;
const GLOBAL_PROFILE = `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0`;
const config = (c: Record<string, unknown>) => ({ config: { [dataResidencyPolicy.name]: c } });

describe("policy: data residency (configurable)", () => {
  it("does nothing until configured, as the schema's defaults say", async () => {
    const schema = dataResidencyPolicy.configSchema!.properties;
    assert.deepEqual([schema.allowedRegions.default, schema.allowGlobalProfiles.default], [[], true]);
    assert.deepEqual(await run(dataResidencyPolicy, [rolePolicy("p", policyDocument(allow([TOKYO_PROFILE, GLOBAL_PROFILE])))]), []);
    // The CLI sends the defaults explicitly; the result must be the same.
    assert.deepEqual(
      await run(dataResidencyPolicy, [rolePolicy("p", policyDocument(allow([TOKYO_PROFILE, GLOBAL_PROFILE])))], config({ allowedRegions: [], allowGlobalProfiles: true })),
      [],
    );
  });

  it("rejects a profile routed outside the allowed Regions, naming those Regions", async () => {
    const allowed = ["ap-northeast-1", "ap-northeast-3"];
    const [v] = await run(dataResidencyPolicy, [rolePolicy("p", policyDocument(allow(TOKYO_PROFILE)))], config({ allowedRegions: allowed }));
    const routed = catalogDestinations(APAC_SONNET_4, "ap-northeast-1");
    assert.ok(routed?.kind === "regions");
    for (const region of routed.regions.filter((r) => !allowed.includes(r))) assert.ok(v.message.includes(region), region);
    assert.equal(v.enforcementLevel, "mandatory");
  });

  it("accepts Region wildcards that cover every routed Region", async () => {
    assert.deepEqual(await run(dataResidencyPolicy, [rolePolicy("p", policyDocument(allow(TOKYO_PROFILE)))], config({ allowedRegions: ["ap-*"] })), []);
  });

  it("rejects global profiles only when allowGlobalProfiles is false", async () => {
    const resources = [rolePolicy("p", policyDocument(allow(GLOBAL_PROFILE)))];
    assert.deepEqual(await run(dataResidencyPolicy, resources, config({ allowedRegions: ["ap-*"] })), []);
    const [v] = await run(dataResidencyPolicy, resources, config({ allowGlobalProfiles: false }));
    assert.match(v.message, /global inference profile/);
  });

  it("judges the models a state machine calls, in its provider's Region", async () => {
    const resources = [role("exec-role"), stateMachine("sm", fixture("seed-001-definition.json"))];
    const [v] = await run(dataResidencyPolicy, resources, { region: "ap-northeast-1", ...config({ allowedRegions: ["ap-northeast-*"] }) });
    assert.match(v.message, /StateMachine 'sm', task 'Bedrock InvokeModel'/);
    assert.match(v.message, /ap-south-1/);
  });

  it("judges the models of SDK tasks too (Converse), as the definition analysis finds them", async () => {
    const definition = {
      StartAt: "Ask",
      States: {
        Ask: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:bedrockruntime:converse", Parameters: { ModelId: APAC_SONNET_4, "Messages.$": "$.messages" }, End: true },
      },
    };
    const resources = [role("exec-role"), stateMachine("sm", definition)];
    const [v] = await run(dataResidencyPolicy, resources, { region: "ap-northeast-1", ...config({ allowedRegions: ["ap-northeast-*"] }) });
    assert.match(v.message, /StateMachine 'sm', task 'Ask'/);
    assert.match(v.message, /ap-south-1/);
    assert.deepEqual(await run(dataResidencyPolicy, resources, { region: "ap-northeast-1", ...config({ allowedRegions: ["ap-*"] }) }), []);
  });

  it("reports a malformed configuration with the expected form", async () => {
    const [v] = await run(dataResidencyPolicy, [rolePolicy("p", policyDocument(allow(TOKYO_PROFILE)))], config({ allowedRegions: "eu-west-1" }));
    assert.match(v.message, /allowedRegions must be a list of Region names such as \["eu-central-1", "eu-west-\*"\], got "eu-west-1"/);
  });
});
