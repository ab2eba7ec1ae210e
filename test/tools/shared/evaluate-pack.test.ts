import { strict as assert } from "node:assert";
import { evaluateResources } from "../../../tools/shared/evaluate-pack";
import { policies } from "../../../policy-pack/policies";
import { fixture, role, rolePolicy, stateMachine } from "../../policy-pack/helpers";

const seed2 = () => [rolePolicy("p", fixture("seed-001-2-profile-added.json"))];

describe("evaluateResources (the pack without the CLI)", () => {
  it("runs every policy by default, each at its own enforcement level", async () => {
    const violations = await evaluateResources(seed2());
    // Stack policies name the URN, resource policies the name: compare by the name at the URN's end.
    assert.deepEqual(
      violations.map((v) => [v.policyName, v.enforcementLevel, v.resource?.split("::").pop()]),
      [
        ["bedrock-profile-routed-regions", "mandatory", "p"],
        ["bedrock-least-privilege", "advisory", "p"],
      ],
    );
  });

  it("honours enforcement levels from the configuration, including disabled", async () => {
    const violations = await evaluateResources(seed2(), {
      config: { "bedrock-profile-routed-regions": "advisory", "bedrock-least-privilege": { enforcementLevel: "disabled" } },
    });
    assert.deepEqual(
      violations.map((v) => [v.policyName, v.enforcementLevel]),
      [["bedrock-profile-routed-regions", "advisory"]],
    );
  });

  it("names the state machine's URN for stack findings, and accepts `props` as well as `inputs`", async () => {
    const sm = stateMachine("sm", fixture("seed-001-definition.json"));
    const resources = [role("exec-role"), { ...rolePolicy("p", fixture("seed-001-3-ap-wildcard.json")) }, { type: sm.type, name: sm.name, props: sm.inputs }];
    const stackPolicy = policies.filter((p) => p.name === "bedrock-state-machine-role");
    assert.deepEqual(await evaluateResources(resources, { region: "ap-northeast-1", policies: stackPolicy }), []);
    const broken = [role("exec-role"), rolePolicy("p", fixture("seed-001-2-profile-added.json")), sm];
    const [v] = await evaluateResources(broken, { region: "ap-northeast-1", policies: stackPolicy });
    assert.match(v.resource ?? "", /aws:sfn\/stateMachine:StateMachine::sm$/);
  });
});
