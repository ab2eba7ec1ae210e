// The definition analysis: every Task at any depth, both query languages, each Bedrock integration, every partition.
import * as assert from "node:assert/strict";
import { requiredBedrockStatements } from "../../../src/bedrock/grants";
import { resolveModel } from "../../../src/bedrock/resolve";
import { analyzeDefinition, analyzeGrantable, DefinitionError, integrationOf, modelIdsToResolve, requiredRequests } from "../../../src/workflow/analysis";
import { simulate } from "../../support/simulate";

const context = { region: "us-east-1", account: "123456789012", payloadBucket: "payloads-bucket" };
const task = (Resource: string, args: Record<string, unknown> | string, lang: "JSONata" | "JSONPath" = "JSONata") =>
  lang === "JSONata" ? { Type: "Task", Resource, Arguments: args, End: true } : { Type: "Task", Resource, Parameters: args, End: true };
const machine = (States: Record<string, unknown>, QueryLanguage?: string) => ({ ...(QueryLanguage ? { QueryLanguage } : {}), StartAt: Object.keys(States)[0], States });
const INVOKE = "arn:aws:states:::bedrock:invokeModel";

describe("analyzeDefinition", () => {
  it("tells the integrations apart in every partition, and nothing else", () => {
    assert.equal(integrationOf("arn:aws-us-gov:states:::bedrock:invokeModel"), "bedrock:invokeModel");
    assert.equal(integrationOf("arn:aws-cn:states:::aws-sdk:bedrockruntime:converse"), "aws-sdk:bedrockruntime:converse");
    assert.equal(integrationOf("arn:aws:states:::bedrock:createModelCustomizationJob.sync"), "bedrock:createModelCustomizationJob.sync");
    assert.equal(integrationOf("arn:aws:states:::lambda:invoke"), undefined);
    assert.equal(integrationOf("arn:aws:states:::bedrock:invokeModel.waitForTaskToken"), undefined);
  });

  it("finds tasks in Parallel branches and Map processors at any depth, with inherited query languages", () => {
    const definition = machine(
      {
        Fan: {
          Type: "Parallel",
          End: true,
          Branches: [
            machine({ A: task(INVOKE, { ModelId: "us.amazon.nova-lite-v1:0", Body: {} }) }),
            machine({
              Each: {
                Type: "Map",
                End: true,
                ItemProcessor: machine({ B: task(INVOKE, { ModelId: "anthropic.claude-3-haiku-20240307-v1:0", Body: {} }, "JSONPath") }, "JSONPath"),
              },
            }),
            machine({
              Old: {
                Type: "Map",
                End: true,
                Iterator: machine({
                  C: task("arn:aws:states:::aws-sdk:bedrockruntime:invokeModel", "{% {'ModelId': 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'Body': $states.input} %}"),
                }),
              },
            }),
          ],
        },
      },
      "JSONata",
    );
    const analysis = analyzeGrantable(definition, context);
    assert.deepEqual(
      analysis.tasks.map((t) => [t.state, t.queryLanguage, t.integration, t.modelIds]),
      [
        ["Fan/Branch 0/A", "JSONata", "bedrock:invokeModel", ["us.amazon.nova-lite-v1:0"]],
        ["Fan/Branch 1/Each/B", "JSONPath", "bedrock:invokeModel", ["anthropic.claude-3-haiku-20240307-v1:0"]],
        ["Fan/Branch 2/Old/C", "JSONata", "aws-sdk:bedrockruntime:invokeModel", ["global.anthropic.claude-sonnet-4-5-20250929-v1:0"]],
      ],
    );
    // Each model's statements are exactly what src/bedrock/grants requires for it, Sids numbered to stay unique.
    for (const [i, id] of ["us.amazon.nova-lite-v1:0", "anthropic.claude-3-haiku-20240307-v1:0", "global.anthropic.claude-sonnet-4-5-20250929-v1:0"].entries()) {
      const expected = requiredBedrockStatements(resolveModel({ modelId: id, sourceRegion: "us-east-1", account: "123456789012" }));
      for (const statement of expected)
        assert.deepEqual(
          analysis.statements.find((s) => s.Sid === `${statement.Sid}${i + 1}`),
          { ...statement, Sid: `${statement.Sid}${i + 1}` },
        );
    }
    const sids = analysis.statements.map((s) => s.Sid);
    assert.equal(new Set(sids).size, sids.length, "unique Sids");
    assert.ok(!analysis.statements.some((s) => [s.Action].flat().some((a) => a.startsWith("s3:"))), "no S3 grant without S3 URIs");
  });

  it("requires allowedModels for a dynamic ModelId, naming the state, and grants exactly those", () => {
    const definition = machine({ Pick: task(INVOKE, { "ModelId.$": "$.model", "Body.$": "$.body" }, "JSONPath") });
    const refused = analyzeDefinition(definition, context);
    assert.equal(refused.problems.length, 1);
    assert.match(refused.problems[0], /^state 'Pick' computes ModelId at run time.*allowedModels/);
    assert.throws(
      () => analyzeGrantable(definition, context),
      (e: Error) => e instanceof DefinitionError && /'Pick'/.test(e.message),
    );
    const allowed = analyzeGrantable(definition, { ...context, allowedModels: ["us.amazon.nova-lite-v1:0", "anthropic.claude-3-haiku-20240307-v1:0"] });
    assert.deepEqual(
      allowed.models.map((m) => m.modelId),
      ["us.amazon.nova-lite-v1:0", "anthropic.claude-3-haiku-20240307-v1:0"],
    );
    assert.deepEqual(
      allowed.statements.map((s) => s.Sid),
      ["InvokeInferenceProfile1", "InvokeFoundationModelThroughProfile1", "InvokeFoundationModel2"],
    );
    // An allowed model that cannot be called from the source Region is refused, naming the key, not granted a dead route.
    const dead = analyzeDefinition(definition, { ...context, allowedModels: ["eu.amazon.nova-lite-v1:0"] });
    assert.match(dead.problems.join("\n"), /^allowedModels 'eu\.amazon\.nova-lite-v1:0': inference profile .* cannot be called from Region 'us-east-1'/);
    // Static ModelIds do not need allowedModels; setting it anyway is noted, and grants nothing.
    const needless = analyzeGrantable(machine({ S: task(INVOKE, { ModelId: "us.amazon.nova-lite-v1:0", Body: {} }, "JSONPath") }), {
      ...context,
      allowedModels: ["anthropic.claude-3-haiku-20240307-v1:0"],
    });
    assert.deepEqual(
      needless.models.map((m) => m.modelId),
      ["us.amazon.nova-lite-v1:0"],
    );
    assert.match(needless.notes.join("\n"), /allowedModels is set but every ModelId is written literally/);
  });

  it("reports a model that cannot be called from the source Region, naming the state and the model", () => {
    const analysis = analyzeDefinition(machine({ Eu: task(INVOKE, { ModelId: "eu.amazon.nova-lite-v1:0", Body: {} }) }, "JSONata"), context);
    assert.equal(analysis.problems.length, 1);
    assert.match(analysis.problems[0], /^state 'Eu': ModelId 'eu\.amazon\.nova-lite-v1:0': inference profile .* cannot be called from Region 'us-east-1'/);
  });

  it("treats a JSONata ModelId that is a string literal as static, any other expression as dynamic", () => {
    const literal = analyzeGrantable(machine({ T: task(INVOKE, { ModelId: "{% 'us.amazon.nova-lite-v1:0' %}", Body: {} }) }, "JSONata"), context);
    assert.deepEqual(literal.tasks[0].modelIds, ["us.amazon.nova-lite-v1:0"]);
    const computed = analyzeDefinition(machine({ T: task(INVOKE, { ModelId: "{% 'us.' & $states.input.m %}", Body: {} }) }, "JSONata"), context);
    assert.equal(computed.tasks[0].dynamicModelId, true);
    const opaque = analyzeDefinition(machine({ T: task(INVOKE, "{% $states.input.args %}") }, "JSONata"), context);
    assert.equal(opaque.tasks[0].dynamicModelId, true);
    assert.deepEqual(modelIdsToResolve(machine({ T: task(INVOKE, "{% $states.input.args %}") }, "JSONata"), ["us.amazon.nova-lite-v1:0"]), ["us.amazon.nova-lite-v1:0"]);
  });

  it("grants static S3 URIs exactly, confines dynamic ones to the payload bucket's prefixes, and refuses wildcards", () => {
    const definition = machine(
      {
        Static: {
          ...task(INVOKE, { ModelId: "anthropic.claude-3-haiku-20240307-v1:0", Input: { S3Uri: "s3://docs-bucket/in/a.json" }, Output: { S3Uri: "s3://docs-bucket/out/" } }),
          End: undefined,
          Next: "Dynamic",
        },
        Dynamic: task(INVOKE, { ModelId: "anthropic.claude-3-haiku-20240307-v1:0", Input: { S3Uri: "{% $states.input.uri %}" }, Output: "{% $states.input.out %}" }),
      },
      "JSONata",
    );
    const analysis = analyzeGrantable(definition, context);
    assert.deepEqual(analysis.statements.find((s) => s.Sid === "ReadPayloadInputs")?.Resource, ["arn:aws:s3:::docs-bucket/in/a.json", "arn:aws:s3:::payloads-bucket/input/*"]);
    assert.deepEqual(analysis.statements.find((s) => s.Sid === "WritePayloadOutputs")?.Resource, ["arn:aws:s3:::docs-bucket/out/*", "arn:aws:s3:::payloads-bucket/output/*"]);
    const wild = analyzeDefinition(machine({ W: task(INVOKE, { ModelId: "anthropic.claude-3-haiku-20240307-v1:0", Input: { S3Uri: "s3://b-bucket/*" } }) }, "JSONata"), context);
    assert.match(wild.problems[0], /^state 'W': Input\.S3Uri 's3:\/\/b-bucket\/\*': contains '\*'/);
  });

  it("grants bedrock:ApplyGuardrail on the guardrails tasks name, and refuses a computed one", () => {
    const definition = machine({
      Invoke: {
        ...task(INVOKE, { ModelId: "anthropic.claude-3-haiku-20240307-v1:0", Body: {}, GuardrailIdentifier: "abc123", GuardrailVersion: "1" }, "JSONPath"),
        End: undefined,
        Next: "Talk",
      },
      Talk: task(
        "arn:aws:states:::aws-sdk:bedrockruntime:converse",
        {
          ModelId: "anthropic.claude-3-haiku-20240307-v1:0",
          GuardrailConfig: { GuardrailIdentifier: "arn:aws:bedrock:us-east-1:123456789012:guardrail/zzz9", GuardrailVersion: "DRAFT" },
        },
        "JSONPath",
      ),
    });
    const analysis = analyzeGrantable(definition, context);
    assert.deepEqual(
      analysis.statements.find((s) => s.Sid === "ApplyGuardrails"),
      {
        Sid: "ApplyGuardrails",
        Effect: "Allow",
        Action: ["bedrock:ApplyGuardrail"],
        Resource: ["arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123", "arn:aws:bedrock:us-east-1:123456789012:guardrail/zzz9"],
      },
    );
    const computed = analyzeDefinition(
      machine({ G: task(INVOKE, { ModelId: "anthropic.claude-3-haiku-20240307-v1:0", Body: {}, "GuardrailIdentifier.$": "$.g" }, "JSONPath") }),
      context,
    );
    assert.match(computed.problems[0], /^state 'G': GuardrailIdentifier is computed at run time/);
  });

  it("grants customization jobs their actions and iam:PassRole on the declared role only, to Bedrock only", async () => {
    const role = "arn:aws-us-gov:iam::123456789012:role/bedrock-customization";
    const definition = machine({
      Tune: task(
        "arn:aws-us-gov:states:::bedrock:createModelCustomizationJob.sync",
        { BaseModelIdentifier: "amazon.titan-text-express-v1", RoleArn: role, JobName: "j", CustomModelName: "m" },
        "JSONPath",
      ),
    });
    const analysis = analyzeGrantable(definition, { ...context, region: "us-gov-west-1" });
    assert.deepEqual(analysis.statements, [
      {
        Sid: "CreateModelCustomizationJob",
        Effect: "Allow",
        Action: ["bedrock:CreateModelCustomizationJob"],
        Resource: ["arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/amazon.titan-text-express-v1", "arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:custom-model/*"],
      },
      {
        Sid: "TrackModelCustomizationJob",
        Effect: "Allow",
        Action: ["bedrock:GetModelCustomizationJob", "bedrock:StopModelCustomizationJob"],
        Resource: ["arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:model-customization-job/*"],
      },
      {
        Sid: "PassCustomizationRole",
        Effect: "Allow",
        Action: ["iam:PassRole"],
        Resource: [role],
        Condition: { StringEquals: { "iam:PassedToService": "bedrock.amazonaws.com" } },
      },
    ]);
    const policy = { Version: "2012-10-17" as const, Statement: analysis.statements };
    const needed = requiredRequests(analysis, { region: "us-gov-west-1" });
    assert.deepEqual([...new Set(needed.map((r) => r.action))].sort(), [
      "bedrock:CreateModelCustomizationJob",
      "bedrock:GetModelCustomizationJob",
      "bedrock:StopModelCustomizationJob",
      "iam:PassRole",
    ]);
    for (const request of needed) assert.equal(await simulate([policy], request), "Allowed", request.why);
    const otherRole = { ...needed.find((r) => r.action === "iam:PassRole")!, resource: "arn:aws-us-gov:iam::123456789012:role/admin" };
    assert.notEqual(await simulate([policy], otherRole), "Allowed");
    assert.notEqual(await simulate([policy], { ...needed.find((r) => r.action === "iam:PassRole")!, context: { "iam:PassedToService": "ec2.amazonaws.com" } }), "Allowed");
    const plain = analyzeGrantable(
      machine({
        Tune: task(
          "arn:aws:states:::bedrock:createModelCustomizationJob",
          { BaseModelIdentifier: "amazon.titan-text-express-v1", RoleArn: "arn:aws:iam::123456789012:role/r" },
          "JSONPath",
        ),
      }),
      context,
    );
    assert.deepEqual(
      plain.statements.map((s) => s.Sid),
      ["CreateModelCustomizationJob", "PassCustomizationRole"],
    );
    const dynamicRole = analyzeDefinition(
      machine({ Tune: task("arn:aws:states:::bedrock:createModelCustomizationJob", { BaseModelIdentifier: "amazon.titan-text-express-v1", "RoleArn.$": "$.role" }, "JSONPath") }),
      context,
    );
    assert.match(dynamicRole.problems.join("\n"), /state 'Tune': RoleArn must be written literally/);
  });

  it("lets a task with Credentials assume its role only, granting nothing else for it", () => {
    const other = "arn:aws:iam::210987654321:role/bedrock-caller";
    const definition = machine({
      Remote: { ...task(INVOKE, { ModelId: "anthropic.claude-3-haiku-20240307-v1:0", Body: {} }, "JSONPath"), Credentials: { RoleArn: other } },
    });
    const analysis = analyzeGrantable(definition, context);
    assert.deepEqual(analysis.statements, [{ Sid: "AssumeTaskRoles", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [other] }]);
    assert.deepEqual(analysis.tasks, []);
    assert.match(analysis.notes.join("\n"), /^Remote runs as arn:aws:iam::210987654321:role\/bedrock-caller: this role may only assume it/m);
    const dynamic = analyzeDefinition(machine({ R: { ...task(INVOKE, { ModelId: "m.x", Body: {} }, "JSONPath"), Credentials: { "RoleArn.$": "$.role" } } }), context);
    assert.match(dynamic.problems[0], /^state 'R': Credentials\.RoleArn must be written literally/);
  });

  it("lists tasks of other services in one note and grants them nothing", () => {
    const definition = machine({
      Notify: { Type: "Task", Resource: "arn:aws:states:::sns:publish", Parameters: { TopicArn: "arn:aws:sns:us-east-1:123456789012:t", Message: "x" }, Next: "Fn" },
      Fn: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", End: true },
    });
    const analysis = analyzeGrantable(definition, context);
    assert.deepEqual(analysis.statements, []);
    assert.equal(analysis.notes.length, 1);
    assert.match(
      analysis.notes[0],
      /^no grants derived for 2 tasks of other services: Notify \(arn:aws:states:::sns:publish\), Fn \(arn:aws:states:::lambda:invoke\); attach what they need with extraPolicies \(stack config: extraPolicyFiles\)$/,
    );
  });
});
