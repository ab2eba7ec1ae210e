// Whatever a stack holds, the pack never crashes: malformed or unknown policies become clear diagnostics.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { InputResource, evaluateResources } from "../../policy-pack/evaluate";
import { readableDocumentsPolicy } from "../../policy-pack/policies/readable-documents";
import { advisory, blocking, role, rolePolicy, run, stateMachine } from "./helpers";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("policy pack robustness", () => {
  it("reports malformed JSON as a violation that names the resource", async () => {
    const [v] = await run(readableDocumentsPolicy, [rolePolicy("broken", '{"Version": "2012-10-17", "Statement": [')]);
    assert.equal(v.enforcementLevel, "mandatory");
    assert.match(v.message, /RolePolicy 'broken': the policy is not valid JSON/);
  });

  it("reports a statement AWS would reject", async () => {
    const [v] = await run(readableDocumentsPolicy, [rolePolicy("p", { Statement: [{ Effect: "Allow", Action: "bedrock:InvokeModel" }] })]);
    assert.match(v.message, /statement #1: needs 'Resource' or 'NotResource'/);
  });

  it("notes (advisory) a policy unknown during preview, and unsupported operators", async () => {
    const unknownPolicy = await run(readableDocumentsPolicy, [rolePolicy("p", UNKNOWN)]);
    assert.deepEqual(blocking(unknownPolicy), []);
    assert.match(advisory(unknownPolicy)[0].message, /not known during preview/);
    const unknownInline = await run(readableDocumentsPolicy, [role("r", { inlinePolicies: [{ name: "x", policy: UNKNOWN }] })]);
    assert.match(advisory(unknownInline)[0].message, /inline policy 'x' of Role 'r'/);
    const ip = { Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } }] };
    assert.match(advisory(await run(readableDocumentsPolicy, [rolePolicy("p", ip)]))[0].message, /IpAddress/);
  });

  it("never throws on arbitrary policy values and definitions, with every policy enabled", async () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    const statement = fc.record(
      {
        Effect: fc.oneof(fc.constantFrom("Allow", "Deny"), json),
        Action: fc.oneof(fc.constantFrom("bedrock:InvokeModel", "*", ["bedrock:*", "s3:GetObject"]), json),
        Resource: fc.oneof(fc.constantFrom("*", "arn:aws:bedrock:*:*:inference-profile/*", "arn:aws:bedrock:ap-*::foundation-model/apac.x.y"), json),
        Condition: json,
      },
      { requiredKeys: [] },
    );
    const policy = fc.oneof(json, fc.string(), fc.constant(UNKNOWN), fc.record({ Statement: fc.oneof(statement, fc.array(statement, { maxLength: 3 }), json) }));
    const definition = fc.oneof(json, fc.string(), fc.constant(UNKNOWN), fc.record({ StartAt: fc.constant("A"), States: fc.dictionary(fc.string(), fc.oneof(json, fc.record({ Type: fc.constant("Task"), Resource: fc.constant("arn:aws:states:::bedrock:invokeModel"), Arguments: json, Parameters: json }))) }));
    await fc.assert(
      fc.asyncProperty(policy, definition, async (p, d) => {
        const resources: InputResource[] = [
          role("exec-role", { inlinePolicies: [{ name: "i", policy: p }] }),
          { type: "aws:iam/rolePolicy:RolePolicy", name: "rp", inputs: { role: "exec-role", policy: p } },
          stateMachine("sm", d),
        ];
        const config = { "bedrock-data-residency": { allowedRegions: ["eu-*"], allowGlobalProfiles: false } };
        const violations = await evaluateResources(resources, { region: "eu-west-1", config });
        assert.ok(violations.every((v) => typeof v.message === "string" && v.message.length > 0));
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
