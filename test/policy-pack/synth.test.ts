// The pack over what the program itself would create, for each stack: synthesized under Pulumi's mocks.
import { strict as assert } from "node:assert";
import { InputResource, evaluateResources } from "../../tools/shared/evaluate-pack";
import { SynthResult, synthesize } from "../../tools/cli/lib/synth";

/**
 * The engine hands the pack each resource's outputs in a stack analysis; synthesize() records what the mock engine
 * answered (id and state) beside the inputs, so links such as RolePolicy.role (the role's id) can be followed.
 */
function withOutputs(result: SynthResult): InputResource[] {
  return result.resources.map(({ outputs, ...r }) => ({ ...r, id: r.id, outputs }));
}

const rolePolicyOf = (resources: InputResource[]) => {
  const found = resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy");
  assert.ok(found, "the program creates a RolePolicy");
  return found;
};

for (const stack of ["dev", "prod"]) {
  describe(`policy pack over the synthesized '${stack}' stack`, function () {
    this.timeout(60_000);
    let resources: InputResource[];
    let region: string;

    before(async () => {
      const result = await synthesize({ stack });
      region = result.config["aws:region"];
      resources = withOutputs(result);
    });

    it("has a state machine that calls Bedrock, with a role and a role policy", () => {
      const types = resources.map((r) => r.type);
      for (const type of ["aws:sfn/stateMachine:StateMachine", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"]) assert.ok(types.includes(type), type);
    });

    it("passes every policy, advisory ones included", async () => {
      const violations = await evaluateResources(resources, { region });
      assert.deepEqual(
        violations.map((v) => `${v.policyName}: ${v.message}`),
        [],
      );
    });

    it("rejects the stack once the role policy loses one routed foundation-model ARN", async () => {
      const original = rolePolicyOf(resources);
      const document = JSON.parse(String(original.inputs!.policy)) as { Statement: { Resource: string | string[] }[] };
      const modelArns = document.Statement.flatMap((s) => ([] as string[]).concat(s.Resource)).filter((r) => r.includes(":foundation-model/"));
      const removed = modelArns[modelArns.length - 1];
      const broken = {
        ...document,
        Statement: document.Statement.map((s) => ({ ...s, Resource: ([] as string[]).concat(s.Resource).filter((r) => r !== removed) })).filter((s) => s.Resource.length > 0),
      };
      const mutated = resources.map((r) =>
        r === original ? { ...r, inputs: { ...r.inputs, policy: JSON.stringify(broken) }, outputs: { ...r.outputs, policy: JSON.stringify(broken) } } : r,
      );
      const violations = (await evaluateResources(mutated, { region })).filter((v) => v.enforcementLevel === "mandatory");
      const policies = new Set(violations.map((v) => v.policyName));
      assert.ok(policies.has("bedrock-state-machine-role"), JSON.stringify(violations));
      assert.ok(policies.has("bedrock-profile-routed-regions"), JSON.stringify(violations));
      assert.ok(violations.every((v) => v.message.includes(removed)));
    });
  });
}
