// bedrockPolicies: an organisation's own pack from the same rules, with its own enforcement levels and baked-in
// configuration (the way awsguard's AwsGuard is used).
import { strict as assert } from "node:assert";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { evaluateResources } from "../../tools/shared/evaluate-pack";
import { BedrockPoliciesOptionsError, POLICY_NAMES, bedrockPolicies } from "../../policy-pack/library";
import { BedrockSfnError } from "../../src/core/errors";
import { policies } from "../../policy-pack/policies";
import { ACCOUNT, APAC_SONNET_4, allow, policyDocument, rolePolicy } from "./helpers";

const TOKYO_PROFILE = `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/${APAC_SONNET_4}`;
// s3:GetObject on Resource "*": least privilege complains (advisory by default).
const broad = [rolePolicy("broad", policyDocument({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }))];

describe("bedrockPolicies: the policies as a factory for an organisation's own pack", () => {
  it("gives the published pack's policies, names and levels, by default", () => {
    const made = bedrockPolicies();
    assert.deepEqual(
      made.map((p) => [p.name, p.enforcementLevel]),
      policies.map((p) => [p.name, p.enforcementLevel]),
    );
    assert.deepEqual(
      POLICY_NAMES,
      policies.map((p) => p.name),
    );
  });

  it("sets enforcement levels for all policies and per policy, and the custom pack reports at those levels", async () => {
    const made = bedrockPolicies({ enforcementLevel: "advisory", enforcementLevels: { "bedrock-least-privilege": "mandatory", "iam-policy-readable": "disabled" } });
    const level = (name: string) => made.find((p) => p.name === name)?.enforcementLevel;
    assert.equal(level("bedrock-least-privilege"), "mandatory");
    assert.equal(level("bedrock-profile-routed-regions"), "advisory");
    assert.equal(level("iam-policy-readable"), "disabled");

    const defaults = await evaluateResources(broad);
    assert.ok(
      defaults.some((v) => v.policyName === "bedrock-least-privilege" && v.enforcementLevel === "advisory"),
      JSON.stringify(defaults),
    );
    const custom = await evaluateResources(broad, { policies: made });
    assert.ok(
      custom.some((v) => v.policyName === "bedrock-least-privilege" && v.enforcementLevel === "mandatory"),
      JSON.stringify(custom),
    );
  });

  it("bakes configuration in: the schema's default and what a direct call sees, still overridable", async () => {
    const made = bedrockPolicies({ config: { "bedrock-data-residency": { allowedRegions: ["ap-northeast-*"] } } });
    const residency = made.find((p) => p.name === "bedrock-data-residency") as ResourceValidationPolicy;
    assert.deepEqual(residency.configSchema!.properties.allowedRegions.default, ["ap-northeast-*"]);
    assert.equal(residency.configSchema!.properties.allowGlobalProfiles.default, true);
    const resources = [rolePolicy("p", policyDocument(allow(TOKYO_PROFILE)))];

    assert.deepEqual(
      (await evaluateResources(resources)).filter((v) => v.policyName === "bedrock-data-residency"),
      [],
    );
    const baked = (await evaluateResources(resources, { policies: made })).filter((v) => v.policyName === "bedrock-data-residency");
    assert.equal(baked.length, 1);
    assert.match(baked[0].message, /ap-south-1/);
    const overridden = await evaluateResources(resources, { policies: made, config: { "bedrock-data-residency": { allowedRegions: ["ap-*"] } } });
    assert.deepEqual(
      overridden.filter((v) => v.policyName === "bedrock-data-residency"),
      [],
    );
    // The shared policy objects are untouched.
    assert.deepEqual(policies.find((p) => p.name === "bedrock-data-residency")!.configSchema!.properties.allowedRegions.default, []);
  });

  it("refuses unknown policies, levels and config keys in one line naming the choices", () => {
    // One of the project's user errors (the one base, so `instanceof BedrockSfnError` holds), naming the option.
    const refuses = (options: Parameters<typeof bedrockPolicies>[0], pattern: RegExp, option: string) =>
      assert.throws(
        () => bedrockPolicies(options),
        (e: unknown) =>
          e instanceof BedrockPoliciesOptionsError &&
          e instanceof BedrockSfnError &&
          e.kind === "policy-pack-options" &&
          e.argument === option &&
          pattern.test(e.message) &&
          !e.message.includes("\n"),
      );
    refuses(
      { enforcementLevels: { "bedrock-least-privlege": "mandatory" } },
      /enforcementLevels: unknown policy 'bedrock-least-privlege'; the policies are .*bedrock-least-privilege/,
      "enforcementLevels.bedrock-least-privlege",
    );
    refuses(
      { enforcementLevels: { "bedrock-least-privilege": "strict" as never } },
      /enforcementLevels\.bedrock-least-privilege: "strict" is not an enforcement level; use one of advisory, mandatory, remediate, disabled/,
      "enforcementLevels.bedrock-least-privilege",
    );
    refuses({ enforcementLevel: "warn" as never }, /enforcementLevel: "warn" is not an enforcement level/, "enforcementLevel");
    refuses(
      { config: { "bedrock-data-residency": { allowedRegion: ["eu-*"] } } },
      /config\.bedrock-data-residency\.allowedRegion: unknown key; valid keys are allowedRegions, allowGlobalProfiles/,
      "config.bedrock-data-residency.allowedRegion",
    );
    refuses({ config: { "iam-policy-readable": { strict: true } } }, /config\.iam-policy-readable: this policy takes no configuration/, "config.iam-policy-readable");
  });
});
