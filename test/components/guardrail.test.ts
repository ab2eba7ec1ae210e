// A guardrail on the built-in workflow: its identifier, version and trace in the Task's arguments, and
// bedrock:ApplyGuardrail on exactly that guardrail in the role, in both query languages; and the analysis of the
// built-in definition agreeing with the role the component writes for it.
import * as assert from "node:assert/strict";
import { MOCK_ACCOUNT } from "../../tools/shared/mocks";
import { SynthResult, synthesize } from "../../tools/cli/lib/synth";
import { analyzeGrantable } from "../../src/workflow/analysis";
import { simulate } from "../support/simulate";

const one = (result: SynthResult, type: string) => result.resources.filter((r) => r.type === type)[0];
const REGION = "us-east-1";
const GUARDRAIL = `arn:aws:bedrock:${REGION}:${MOCK_ACCOUNT}:guardrail/abc123`;

describe("built-in workflow with a guardrail", function () {
  this.timeout(60_000);
  for (const queryLanguage of ["JSONata", "JSONPath"]) {
    it(`puts the guardrail in the Task and the role (${queryLanguage})`, async () => {
      const result = await synthesize({
        stack: "dev",
        overrides: {
          "aws:region": REGION,
          "bedrock-sfn:modelId": "us.anthropic.claude-3-haiku-20240307-v1:0",
          "bedrock-sfn:queryLanguage": queryLanguage,
          "bedrock-sfn:guardrailId": "abc123",
          "bedrock-sfn:guardrailVersion": "2",
          "bedrock-sfn:trace": "ENABLED",
        },
      });
      const definition = String(one(result, "aws:sfn/stateMachine:StateMachine").inputs.definition);
      const policy = JSON.parse(String(one(result, "aws:iam/rolePolicy:RolePolicy").inputs.policy));
      const analysis = analyzeGrantable(definition, { region: REGION, account: MOCK_ACCOUNT, payloadBucket: String(result.outputs.payloadBucketName) });
      // AWS's "Permissions for guardrail profiles": the us. guardrail profile in each Region the us. model profile routes to.
      const profiles = ["us-east-1", "us-west-2"].map((r) => `arn:aws:bedrock:${r}:${MOCK_ACCOUNT}:guardrail-profile/us.guardrail.v1:0`);
      for (const task of analysis.tasks) assert.deepEqual(task.guardrails, [GUARDRAIL, ...profiles], task.state);
      for (const resource of profiles) {
        assert.equal(await simulate([policy], { action: "bedrock:ApplyGuardrail", resource, context: {}, region: REGION, why: "guardrail profile" }), "Allowed", resource);
      }
      assert.match(definition, queryLanguage === "JSONata" ? /\\"GuardrailVersion\\": \\"2\\", \\"Trace\\": \\"ENABLED\\"/ : /"GuardrailVersion":"2","Trace":"ENABLED"/);
      const request = { action: "bedrock:ApplyGuardrail", resource: GUARDRAIL, context: {}, region: REGION, why: "guardrail" };
      assert.equal(await simulate([policy], request), "Allowed");
      assert.notEqual(await simulate([policy], { ...request, resource: `${GUARDRAIL}x` }), "Allowed");
      // What the analysis derives from the built-in definition is what the component granted.
      const granted = JSON.stringify(policy.Statement);
      for (const statement of analysis.statements) {
        assert.ok(granted.includes(JSON.stringify([statement.Action].flat())) && [statement.Resource].flat().every((r) => granted.includes(r)), statement.Sid);
      }
    });
  }
});
