// The pack over a synthesized batch stack (batch = map): the Distributed Map's statements are not flagged, the child's
// Bedrock grants are judged as for a single call, and the stack view asks the role for the map's own calls.
import { strict as assert } from "node:assert";
import { InputResource, evaluateResources } from "../../tools/shared/evaluate-pack";
import { synthesize } from "../../tools/cli/lib/synth";

describe("policy pack over a synthesized batch stack (batch = map)", function () {
  this.timeout(60_000);
  let resources: InputResource[];
  let region: string;

  before(async () => {
    const result = await synthesize({ stack: "prod", overrides: { "bedrock-sfn:batch": "map" } });
    region = result.config["aws:region"];
    resources = result.resources.map(({ outputs, ...r }) => ({ ...r, id: r.id, outputs }));
  });

  const withoutStatement = (sid: string) => {
    const original = resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!;
    const document = JSON.parse(String(original.inputs!.policy)) as { Statement: { Sid?: string }[] };
    const policy = JSON.stringify({ ...document, Statement: document.Statement.filter((s) => s.Sid !== sid) });
    return resources.map((r) => (r === original ? { ...r, inputs: { ...r.inputs, policy }, outputs: { ...r.outputs, policy } } : r));
  };

  it("passes every policy, advisory ones included", async () => {
    const violations = await evaluateResources(resources, { region });
    assert.deepEqual(
      violations.map((v) => `${v.policyName}: ${v.message}`),
      [],
    );
  });

  for (const [sid, action] of [
    ["StartOwnChildExecutions", "states:StartExecution"],
    ["WriteBatchResults", "s3:PutObject"],
    ["InvokeGlobalInferenceProfile", "bedrock:InvokeModel"],
  ]) {
    it(`the stack view rejects the role without ${sid} (${action})`, async () => {
      const violations = (await evaluateResources(withoutStatement(sid), { region })).filter((v) => v.policyName === "bedrock-state-machine-role");
      assert.equal(violations.length, 1, JSON.stringify(violations));
      assert.ok(violations[0].message.includes(action), violations[0].message);
    });
  }
});
