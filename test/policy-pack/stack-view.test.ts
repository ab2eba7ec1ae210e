import { strict as assert } from "node:assert";
import { catalogDestinations } from "../../src/bedrock/routing";
import { InputResource } from "../../tools/shared/evaluate-pack";
import { stackViewPolicy } from "../../policy-pack/policies/stack-view";
import { ACCOUNT, APAC_SONNET_4, SONNET_4, advisory, allow, blocking, fixture, policyDocument, role, rolePolicy, run, stateMachine } from "./helpers";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; // how the engine sends a value unknown during preview
const BUCKET = "payloads-dev";
const TOKYO_PROFILE = `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/${APAC_SONNET_4}`;
const model = (region: string) => `arn:aws:bedrock:${region}::foundation-model/${SONNET_4}`;
const s3 = (actions: string[], resource: string) => ({ Effect: "Allow", Action: actions, Resource: resource });
const goodBedrock = [allow(TOKYO_PROFILE), allow(model("ap-*"), { Condition: { StringEquals: { "bedrock:InferenceProfileArn": TOKYO_PROFILE } } })];
const goodS3 = [s3(["s3:GetObject"], `arn:aws:s3:::${BUCKET}/input/*`), s3(["s3:PutObject"], `arn:aws:s3:::${BUCKET}/output/*`)];

/** A JSONata task whose Arguments is one expression, as the workflow builder writes it. */
function jsonataExpressionDefinition(modelId: string) {
  const args =
    `{% ( $input := $states.input; $merge([{"ModelId": "${modelId}", "ContentType": "application/json"}, ` +
    `$exists($input.inputS3Uri) ? {"Input": {"S3Uri": $input.inputS3Uri}} : {"Body": $input.body}, ` +
    `$input.outputToS3 = true ? {"Output": {"S3Uri": "s3://${BUCKET}/output/" & $states.context.Execution.Name & ".json"}} : {}]) ) %}`;
  return {
    QueryLanguage: "JSONata",
    StartAt: "Check",
    States: {
      Check: { Type: "Choice", Choices: [{ Condition: `{% $not($startsWith($states.input.inputS3Uri, "s3://${BUCKET}/input/")) %}`, Next: "Bad" }], Default: "Invoke" },
      Bad: { Type: "Fail", Error: "ValidationError" },
      Invoke: { Type: "Task", Resource: "arn:aws:states:::bedrock:invokeModel", Arguments: args, End: true },
    },
  };
}

/** JSONPath: a Choice in front of two task variants, one reading Input.S3Uri, one writing Output.S3Uri. */
function jsonPathDefinition(modelId: string) {
  return {
    StartAt: "Route",
    States: {
      Route: { Type: "Choice", Choices: [{ Variable: "$.inputS3Uri", StringMatches: `s3://${BUCKET}/input/*`, Next: "FromS3" }], Default: "ToS3" },
      FromS3: { Type: "Task", Resource: "arn:aws:states:::bedrock:invokeModel", Parameters: { ModelId: modelId, Input: { "S3Uri.$": "$.inputS3Uri" } }, End: true },
      ToS3: {
        Type: "Task",
        Resource: "arn:aws:states:::bedrock:invokeModel",
        Parameters: { ModelId: modelId, "Body.$": "$.body", Output: { "S3Uri.$": `States.Format('s3://${BUCKET}/output/{}.json', $$.Execution.Name)` } },
        End: true,
      },
    },
  };
}

const stack = (definition: unknown, ...statements: object[]): InputResource[] => [
  role("exec-role"),
  rolePolicy("exec-policy", policyDocument(...statements)),
  stateMachine("workflow", definition),
];
const inTokyo = { region: "ap-northeast-1" };
/** The Regions the APAC profile routes to from Tokyo, from the bundled catalog. */
function catalogRegions(): string[] {
  const routed = catalogDestinations(APAC_SONNET_4, "ap-northeast-1");
  assert.ok(routed?.kind === "regions");
  return routed.regions;
}

describe("policy: state machine role (stack view)", () => {
  describe("the seeds", () => {
    it("accepts seed 001's JSONata workflow with the final ap-* policy", async () => {
      const resources = [role("exec-role"), rolePolicy("p", fixture("seed-001-3-ap-wildcard.json")), stateMachine("sm", fixture("seed-001-definition.json"))];
      assert.deepEqual(await run(stackViewPolicy, resources, inTokyo), []);
    });

    it("rejects it with the console-generated policy: the profile ARN and every routed Region are missing", async () => {
      const resources = [role("exec-role"), rolePolicy("p", fixture("seed-001-1-console-generated.json")), stateMachine("sm", fixture("seed-001-definition.json"))];
      const [v, ...rest] = await run(stackViewPolicy, resources, inTokyo);
      assert.deepEqual(rest, []);
      assert.equal(v.enforcementLevel, "mandatory");
      assert.ok(v.message.includes(TOKYO_PROFILE), "the profile ARN");
      const destinations = catalogDestinations(APAC_SONNET_4, "ap-northeast-1");
      assert.ok(destinations?.kind === "regions");
      for (const region of destinations.regions) assert.ok(v.message.includes(model(region)), region);
      assert.match(v.message, /task 'Bedrock InvokeModel'/);
    });

    it("accepts seed 000's JSONPath workflow (global profile ARN) with the SAM template's wildcards", async () => {
      const resources = [role("exec-role"), rolePolicy("p", fixture("seed-000-sam-template.json")), stateMachine("sm", fixture("seed-000-definition.json"))];
      assert.deepEqual(await run(stackViewPolicy, resources), []);
    });
  });

  for (const [language, build] of [
    ["JSONata (one expression)", jsonataExpressionDefinition],
    ["JSONPath (Choice and task variants)", jsonPathDefinition],
  ] as const) {
    describe(language, () => {
      it("accepts the full grants", async () => {
        assert.deepEqual(await run(stackViewPolicy, stack(build(APAC_SONNET_4), ...goodBedrock, ...goodS3), inTokyo), []);
      });

      it("reports a missing Region with its ARN", async () => {
        const narrow = [allow(TOKYO_PROFILE), allow([model("ap-northeast-1"), model("ap-northeast-2")])];
        const [v] = await run(stackViewPolicy, stack(build(APAC_SONNET_4), ...narrow, ...goodS3), inTokyo);
        assert.ok(v.message.includes(model("ap-south-2")));
        assert.ok(!v.message.includes(model("ap-northeast-2")));
      });

      it("reports missing s3:GetObject and s3:PutObject on the payload prefixes", async () => {
        const [v] = await run(stackViewPolicy, stack(build(APAC_SONNET_4), ...goodBedrock, s3(["s3:GetObject"], `arn:aws:s3:::${BUCKET}/output/*`)), inTokyo);
        assert.match(v.message, new RegExp(`s3:GetObject on arn:aws:s3:::${BUCKET}/input/\\*`));
        assert.match(v.message, new RegExp(`s3:PutObject on arn:aws:s3:::${BUCKET}/output/\\*`));
        assert.match(v.message, /2 authorisation/);
      });
    });
  }

  it("finds tasks inside Parallel branches and Map item processors", async () => {
    const task = (modelId: string) => ({ Type: "Task", Resource: "arn:aws:states:::bedrock:invokeModel", Arguments: { ModelId: modelId, Body: {} }, End: true });
    const definition = {
      QueryLanguage: "JSONata",
      StartAt: "Fan",
      States: {
        Fan: { Type: "Parallel", Branches: [{ StartAt: "A", States: { A: task(APAC_SONNET_4) } }], Next: "Each" },
        Each: { Type: "Map", ItemProcessor: { StartAt: "B", States: { B: task("amazon.nova-lite-v1:0") } }, End: true },
      },
    };
    const [v] = await run(stackViewPolicy, stack(definition, ...goodBedrock), inTokyo);
    assert.match(v.message, /task 'Each\/B'/);
    assert.ok(v.message.includes("arn:aws:bedrock:ap-northeast-1::foundation-model/amazon.nova-lite-v1:0"));
    assert.ok(!/task 'Fan/.test(v.message), "the Parallel branch's model is granted");
  });

  it("follows RolePolicyAttachment to a managed Policy, and mentions policies it cannot read", async () => {
    const resources: InputResource[] = [
      role("exec-role", { managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonBedrockReadOnly"] }),
      { type: "aws:iam/policy:Policy", name: "bedrock", inputs: { arn: `arn:aws:iam::${ACCOUNT}:policy/bedrock`, policy: JSON.stringify(policyDocument(allow(TOKYO_PROFILE))) } },
      { type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: "attach", inputs: { role: "exec-role", policyArn: `arn:aws:iam::${ACCOUNT}:policy/bedrock` } },
      stateMachine("sm", fixture("seed-001-definition.json")),
    ];
    const [v] = await run(stackViewPolicy, resources, inTokyo);
    assert.match(v.message, /Policy 'bedrock'/);
    assert.ok(v.message.includes(model("ap-south-1")));
    assert.match(v.message, /AmazonBedrockReadOnly/);
  });

  it("uses the engine's property dependencies when ARNs are unknown during preview", async () => {
    const urn = (type: string, name: string) => `urn:pulumi:dev::bedrock-sfn::${type}::${name}`;
    const roleResource = { ...role("exec-role", { arn: UNKNOWN, name: UNKNOWN }), urn: urn("aws:iam/role:Role", "exec-role") };
    const resources: InputResource[] = [
      roleResource,
      { ...rolePolicy("exec-policy", policyDocument(allow(TOKYO_PROFILE)), UNKNOWN), propertyDependencies: { role: [roleResource.urn] } },
      { ...stateMachine("sm", fixture("seed-001-definition.json"), "x", { roleArn: UNKNOWN }), propertyDependencies: { roleArn: [roleResource.urn] } },
    ];
    const [v] = await run(stackViewPolicy, resources, inTokyo);
    assert.equal(v.enforcementLevel, "mandatory");
    assert.ok(v.message.includes(model("ap-southeast-4")));
  });

  describe("what it cannot judge is advisory, never a crash", () => {
    it("a definition unknown during preview", async () => {
      const violations = await run(stackViewPolicy, [role("exec-role"), stateMachine("sm", UNKNOWN)], inTokyo);
      assert.deepEqual(blocking(violations), []);
      assert.match(advisory(violations)[0].message, /cannot judge: StateMachine 'sm': its definition is not known during preview/);
    });

    it("a role that is not in the stack", async () => {
      const violations = await run(stackViewPolicy, [stateMachine("sm", fixture("seed-001-definition.json"), "elsewhere")], inTokyo);
      assert.match(advisory(violations)[0].message, /not managed in this stack/);
    });

    it("a ModelId computed at run time", async () => {
      const definition = { StartAt: "I", States: { I: { Type: "Task", Resource: "arn:aws:states:::bedrock:invokeModel", Parameters: { "ModelId.$": "$.model" }, End: true } } };
      const violations = await run(stackViewPolicy, stack(definition, ...goodBedrock), inTokyo);
      assert.deepEqual(blocking(violations), []);
      assert.match(advisory(violations)[0].message, /computes its ModelId at run time/);
    });

    it("an unknown Region for a plain profile ID", async () => {
      const violations = await run(stackViewPolicy, stack(fixture("seed-001-definition.json"), ...goodBedrock));
      assert.match(advisory(violations)[0].message, /Region is unknown/);
    });

    it("a model whose routing only AWS or config can tell (a profile the catalog lacks, an application profile)", async () => {
      const invoke = (modelId: string) => ({
        StartAt: "I",
        States: { I: { Type: "Task", Resource: "arn:aws:states:::bedrock:invokeModel", Parameters: { ModelId: modelId, Body: {} }, End: true } },
      });
      const uncatalogued = await run(stackViewPolicy, stack(invoke("apac.anthropic.claude-not-catalogued-v1:0"), ...goodBedrock), inTokyo);
      assert.deepEqual(blocking(uncatalogued), []);
      assert.match(advisory(uncatalogued)[0].message, /is not in the routing catalog/);
      const application = `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:application-inference-profile/abcd1234efgh`;
      const wrapped = await run(stackViewPolicy, stack(invoke(application), ...goodBedrock), inTokyo);
      assert.deepEqual(blocking(wrapped), []);
      assert.match(advisory(wrapped)[0].message, /wraps models only your account can name/);
    });

    it("the role's policy unknown during preview", async () => {
      const resources = [role("exec-role"), rolePolicy("p", UNKNOWN), stateMachine("sm", fixture("seed-001-definition.json"))];
      const violations = await run(stackViewPolicy, resources, inTokyo);
      assert.ok(advisory(violations).some((v) => /not known during preview/.test(v.message)));
    });
  });

  it("rejects a definition that is not JSON, and a profile the Region cannot call", async () => {
    const notJson = await run(stackViewPolicy, [role("exec-role"), stateMachine("sm", "{ not json")], inTokyo);
    assert.match(blocking(notJson)[0].message, /definition is not valid JSON/);
    const wrongRegion = await run(stackViewPolicy, stack(fixture("seed-001-definition.json"), ...goodBedrock), { region: "us-east-1" });
    assert.match(blocking(wrongRegion)[0].message, /cannot be called from Region 'us-east-1'/);
  });

  describe("any Bedrock integration, through the one definition analysis (src/workflow/analysis.ts)", () => {
    const GUARDRAIL = `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:guardrail/gr-1234abcd`;
    // AWS's "Permissions for guardrail profiles": with cross-Region inference, the guardrail profile of the model's
    // geography in each Region the apac. profile routes to from Tokyo, as well as the guardrail itself.
    const guardrailProfiles = ["ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-4"].map(
      (r) => `arn:aws:bedrock:${r}:${ACCOUNT}:guardrail-profile/apac.guardrail.v1:0`,
    );
    const applyGuardrail = { Effect: "Allow", Action: "bedrock:ApplyGuardrail", Resource: [GUARDRAIL, ...guardrailProfiles] };
    const converse = (extra: object = {}) => ({
      QueryLanguage: "JSONata",
      StartAt: "Ask",
      States: {
        Ask: {
          Type: "Task",
          Resource: "arn:aws:states:::aws-sdk:bedrockruntime:converse",
          Arguments: { ModelId: APAC_SONNET_4, Messages: "{% $states.input.messages %}", ...extra },
          End: true,
        },
      },
    });
    const sdkInvoke = {
      StartAt: "Invoke",
      States: {
        Invoke: {
          Type: "Task",
          Resource: "arn:aws:states:::aws-sdk:bedrockruntime:invokeModel",
          Parameters: { ModelId: APAC_SONNET_4, GuardrailIdentifier: "gr-1234abcd", GuardrailVersion: "1", "Body.$": "$.body" },
          End: true,
        },
      },
    };

    it("accepts a Converse task and an SDK InvokeModel task with a guardrail when the role grants everything", async () => {
      assert.deepEqual(await run(stackViewPolicy, stack(converse(), ...goodBedrock), inTokyo), []);
      assert.deepEqual(await run(stackViewPolicy, stack(sdkInvoke, ...goodBedrock, applyGuardrail), inTokyo), []);
    });

    it("rejects a hand-written role missing the guardrail grant, naming the guardrail's ARN and the task", async () => {
      const [v, ...rest] = blocking(await run(stackViewPolicy, stack(sdkInvoke, ...goodBedrock), inTokyo));
      assert.equal(rest.length, 0);
      assert.match(v.message, /task 'Invoke':\n\s+bedrock:ApplyGuardrail on arn:aws:bedrock:ap-northeast-1:111122223333:guardrail\/gr-1234abcd/);
      const converseGuarded = converse({ GuardrailConfig: { GuardrailIdentifier: GUARDRAIL, GuardrailVersion: "DRAFT" } });
      const [c] = blocking(await run(stackViewPolicy, stack(converseGuarded, ...goodBedrock), inTokyo));
      assert.ok(c.message.includes(`bedrock:ApplyGuardrail on ${GUARDRAIL}`), c.message);
      assert.deepEqual(await run(stackViewPolicy, stack(converseGuarded, ...goodBedrock, applyGuardrail), inTokyo), []);
      // The guardrail alone is not enough: one destination's guardrail profile missing is named.
      const onlyGuardrail = { ...applyGuardrail, Resource: [GUARDRAIL, ...guardrailProfiles.slice(1)] };
      const [p] = blocking(await run(stackViewPolicy, stack(sdkInvoke, ...goodBedrock, onlyGuardrail), inTokyo));
      assert.ok(p.message.includes(`bedrock:ApplyGuardrail on ${guardrailProfiles[0]}`), p.message);
    });

    it("rejects a hand-written role missing one Region a Converse model's profile routes to", async () => {
      const withoutSydney = policyDocument(
        allow(TOKYO_PROFILE),
        ...catalogRegions()
          .filter((r) => r !== "ap-southeast-2")
          .map((r) => allow(model(r), { Condition: { StringEquals: { "bedrock:InferenceProfileArn": TOKYO_PROFILE } } })),
      );
      const resources = [role("exec-role"), rolePolicy("exec-policy", withoutSydney), stateMachine("workflow", converse())];
      const [v, ...rest] = blocking(await run(stackViewPolicy, resources, inTokyo));
      assert.equal(rest.length, 0);
      assert.ok(v.message.includes(`task 'Ask'`), v.message);
      assert.ok(v.message.includes(`bedrock:InvokeModel on ${model("ap-southeast-2")}`), v.message);
      assert.ok(!v.message.includes(model("ap-southeast-1")), "only the missing Region is listed");
    });

    it("judges a literal Input.S3Uri of an optimized task on that object", async () => {
      const definition = {
        StartAt: "Invoke",
        States: {
          Invoke: {
            Type: "Task",
            Resource: "arn:aws:states:::bedrock:invokeModel",
            Parameters: { ModelId: APAC_SONNET_4, Input: { S3Uri: `s3://${BUCKET}/fixed/prompt.json` } },
            End: true,
          },
        },
      };
      const [v] = blocking(await run(stackViewPolicy, stack(definition, ...goodBedrock, ...goodS3), inTokyo));
      assert.ok(v.message.includes(`s3:GetObject on arn:aws:s3:::${BUCKET}/fixed/prompt.json`), v.message);
      assert.deepEqual(await run(stackViewPolicy, stack(definition, ...goodBedrock, s3(["s3:GetObject"], `arn:aws:s3:::${BUCKET}/fixed/*`)), inTokyo), []);
    });
  });

  it("ignores state machines that do not call Bedrock", async () => {
    const definition = { StartAt: "P", States: { P: { Type: "Pass", End: true } } };
    assert.deepEqual(await run(stackViewPolicy, [stateMachine("sm", definition, "nobody")]), []);
  });
});
