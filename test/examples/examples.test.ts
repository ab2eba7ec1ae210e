// The examples/ definitions as a user deploys them: synthesised with bedrock-sfn:definitionFile, the role judged
// by an independent IAM evaluator (every routed call of every model allowed, other models and S3 keys denied),
// and each run locally through `npm run local` against the stand-ins.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AuthorizationRequest, routedRequests } from "../../src/bedrock/grants";
import { resolveModel } from "../../src/bedrock/resolve";
import { main } from "../../tools/cli/local";
import { MOCK_ACCOUNT } from "../../tools/shared/mocks";
import { SynthResult, synthesize } from "../../tools/cli/lib/synth";
import { simulate } from "../support/simulate";
import { validateDefinition } from "../../tools/shared/asl-validation";
import { analyzeGrantable, requiredRequests } from "../../src/workflow/analysis";

const REGION = "us-east-1";
const BUCKET = `bedrock-sfn-bedrock-sfn-dev-${MOCK_ACCOUNT}-${REGION}`;
const one = (result: SynthResult, type: string) => {
  const found = result.resources.filter((r) => r.type === type);
  assert.equal(found.length, 1, `one ${type}`);
  return found[0];
};
const policyOf = (result: SynthResult) => JSON.parse(String(one(result, "aws:iam/rolePolicy:RolePolicy").inputs.policy));
const definitionOf = (result: SynthResult) => String(one(result, "aws:sfn/stateMachine:StateMachine").inputs.definition);
const request = (action: string, resource: string, context: Record<string, string> = {}): AuthorizationRequest => ({ action, resource, context, region: REGION, why: resource });

const routesOf = (modelId: string) => routedRequests(resolveModel({ modelId, sourceRegion: REGION, account: MOCK_ACCOUNT }));
async function allowsEveryRoute(policy: unknown, modelIds: string[]): Promise<void> {
  for (const modelId of modelIds) for (const routed of routesOf(modelId)) assert.equal(await simulate([policy as never], routed), "Allowed", `${modelId}: ${routed.why}`);
}
async function deniesEveryRoute(policy: unknown, modelId: string): Promise<void> {
  for (const routed of routesOf(modelId)) assert.notEqual(await simulate([policy as never], routed), "Allowed", `${modelId}: ${routed.why}`);
}
const writeJson = (file: string, value: unknown) => fs.writeFileSync(file, JSON.stringify(value));

interface Example {
  file: string;
  models: string[];
  input: unknown;
  s3: { reads: boolean; writes: boolean };
  states: string[];
  /** Models whose replies come back inline (the others write theirs to S3). */
  inline: string[];
}

const examples: Example[] = [
  {
    file: "examples/prompt-chain.asl.json",
    models: ["us.amazon.nova-pro-v1:0", "global.anthropic.claude-sonnet-4-5-20250929-v1:0"],
    input: { topic: "green tea" },
    s3: { reads: false, writes: false },
    states: ["CheckInput", "Outline", "Draft"],
    inline: ["us.amazon.nova-pro-v1:0", "global.anthropic.claude-sonnet-4-5-20250929-v1:0"],
  },
  {
    file: "examples/parallel-fan-out.asl.yaml",
    models: ["us.anthropic.claude-3-haiku-20240307-v1:0", "us.amazon.nova-lite-v1:0"],
    input: { document: "Green tea is made from Camellia sinensis." },
    s3: { reads: false, writes: true },
    states: ["FanOut", "HaikuToS3", "NovaConverse", "Combine"],
    inline: ["us.amazon.nova-lite-v1:0"],
  },
  {
    file: "examples/map-over-items.asl.json",
    models: ["global.anthropic.claude-haiku-4-5-20251001-v1:0", "us.amazon.nova-micro-v1:0"],
    input: {
      tickets: [
        { id: "1", text: "I was charged twice" },
        { id: "2", text: "The app crashes" },
        { id: "3", text: "Hello" },
      ],
    },
    s3: { reads: false, writes: true },
    states: ["ClassifyEach", "Pause", "Report", "Done"],
    inline: ["global.anthropic.claude-haiku-4-5-20251001-v1:0"],
  },
];

describe("examples/", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "examples-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const synth = (file: string, extra: Record<string, string> = {}) =>
    synthesize({ stack: "dev", overrides: { "aws:region": REGION, "bedrock-sfn:definitionFile": file, ...extra } });

  for (const example of examples) {
    describe(example.file, () => {
      let result: SynthResult;
      before(async () => (result = await synth(example.file)));

      it("synthesises a valid definition with ${...} substituted", () => {
        const text = definitionOf(result);
        assert.doesNotMatch(text, /\$\{/);
        validateDefinition(JSON.parse(text));
        if (example.s3.writes) assert.match(text, new RegExp(`s3://${BUCKET}/output/`));
        assert.deepEqual(result.outputs.notes, ["bedrock-sfn:modelId does not apply: bedrock-sfn:definitionFile replaces the built-in workflow"]);
      });

      it("gets a role that allows every routed call of every model, and nothing else", async () => {
        const policy = policyOf(result);
        await allowsEveryRoute(policy, example.models);
        // The same, from the analysis' own list of the authorisations the definition makes.
        const definition = JSON.parse(definitionOf(result));
        const analysis = analyzeGrantable(definition, { region: REGION, account: MOCK_ACCOUNT, payloadBucket: BUCKET });
        for (const needed of requiredRequests(analysis, { region: REGION })) assert.equal(await simulate([policy], needed), "Allowed", needed.why);
        // Another model, directly or through a profile of the definition's models, is denied.
        await deniesEveryRoute(policy, "us.anthropic.claude-3-5-haiku-20241022-v1:0");
        assert.notEqual(await simulate([policy], request("bedrock:InvokeModel", `arn:aws:bedrock:${REGION}::foundation-model/anthropic.claude-3-opus-20240229-v1:0`)), "Allowed");
        // S3: only the payload bucket's prefixes, and only where the definition uses S3.
        const write = await simulate([policy], request("s3:PutObject", `arn:aws:s3:::${BUCKET}/output/x.json`));
        assert.equal(write === "Allowed", example.s3.writes, `PutObject output/: ${write}`);
        assert.notEqual(await simulate([policy], request("s3:PutObject", `arn:aws:s3:::${BUCKET}/input/x.json`)), "Allowed");
        assert.notEqual(await simulate([policy], request("s3:GetObject", `arn:aws:s3:::${BUCKET}/output/x.json`)), "Allowed");
        assert.notEqual(await simulate([policy], request("s3:PutObject", "arn:aws:s3:::someone-elses-bucket/output/x.json")), "Allowed");
        assert.ok(!policy.Statement.some((s: { Action: string[] }) => [s.Action].flat().some((a) => a === "*" || a.endsWith(":*"))), "no wildcard actions");
      });

      it("runs locally through npm run local", async () => {
        const inputFile = path.join(dir, `${path.basename(example.file)}.input.json`);
        writeJson(inputFile, example.input);
        let printed = "";
        const code = await main(
          ["--stack", "dev", "--config", `aws:region=${REGION}`, "--config", `bedrock-sfn:definitionFile=${example.file}`, "--input-file", inputFile, "--json"],
          {
            stdout: (text) => {
              printed += text;
            },
            timeScale: 0.001,
          },
        );
        assert.equal(code, 0, printed);
        const run = JSON.parse(printed);
        assert.equal(run.status, "SUCCEEDED");
        for (const state of example.states) assert.ok(run.states.includes(state), `${state} in ${run.states}`);
        // Every model answered: the stand-in names the model it served in each reply.
        const output = JSON.stringify(run.output);
        for (const modelId of example.inline) assert.ok(output.includes(modelId), `${modelId} answered`);
        if (example.s3.writes) assert.match(output, new RegExp(`"S3Uri":"s3://${BUCKET}/output/`));
      });
    });
  }

  it("refuses a dynamic ModelId naming the state, and grants exactly allowedModels when given", async () => {
    const file = path.join(dir, "dynamic.json");
    writeJson(file, {
      QueryLanguage: "JSONata",
      StartAt: "Pick",
      States: {
        Pick: { Type: "Task", Resource: "arn:aws:states:::bedrock:invokeModel", Arguments: { ModelId: "{% $states.input.model %}", Body: "{% $states.input.body %}" }, End: true },
      },
    });
    await assert.rejects(synth(file), /bedrock-sfn:definitionFile = '.*dynamic\.json': state 'Pick' computes ModelId at run time.*allowedModels/);
    const allowed = ["us.amazon.nova-lite-v1:0", "global.anthropic.claude-haiku-4-5-20251001-v1:0"];
    const result = await synth(file, { "bedrock-sfn:allowedModels": JSON.stringify(allowed) });
    const policy = policyOf(result);
    await allowsEveryRoute(policy, allowed);
    await deniesEveryRoute(policy, "us.amazon.nova-pro-v1:0");
  });

  it("asks AWS (GetInferenceProfile) for routing with routingSource=live, and names the state when routing is unknown", async () => {
    const catalog = policyOf(await synth(examples[0].file));
    const live = policyOf(await synth(examples[0].file, { "bedrock-sfn:routingSource": "live" }));
    assert.deepEqual(live, catalog);
    const file = path.join(dir, "application-profile.json");
    const profile = `arn:aws:bedrock:${REGION}:${MOCK_ACCOUNT}:application-inference-profile/abc123`;
    writeJson(file, { StartAt: "A", States: { A: { Type: "Task", Resource: "arn:aws:states:::bedrock:invokeModel", Parameters: { ModelId: profile, Body: {} }, End: true } } });
    // The early check leaves it to deploy time; offline, the mock GetInferenceProfile knows no such profile.
    await assert.rejects(synth(file), (e: Error) => e.name === "DefinitionError" && e.message.startsWith(`state 'A': ModelId '${profile}': application inference profile`));
  });

  it("attaches extra policy documents as their own inline policies, and mocks tasks the runners do not serve", async () => {
    const definition = path.join(dir, "notify.json");
    writeJson(definition, {
      StartAt: "Ask",
      States: {
        Ask: {
          Type: "Task",
          Resource: "arn:aws:states:::bedrock:invokeModel",
          Parameters: { ModelId: "anthropic.claude-3-haiku-20240307-v1:0", Body: { messages: [] } },
          ResultPath: "$.answer",
          Next: "Notify",
        },
        Notify: {
          Type: "Task",
          Resource: "arn:aws:states:::sns:publish",
          Parameters: { TopicArn: "arn:aws:sns:us-east-1:123456789012:answers", "Message.$": "States.JsonToString($.answer)" },
          End: true,
        },
      },
    });
    const extra = path.join(dir, "sns.json");
    const snsPolicy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sns:Publish", Resource: "arn:aws:sns:us-east-1:123456789012:answers" }] };
    writeJson(extra, snsPolicy);
    const result = await synth(definition, { "bedrock-sfn:extraPolicyFiles": extra });
    const policies = result.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy");
    assert.deepEqual(policies.map((p) => p.name).sort(), ["bedrock-sfn-extra-1", "bedrock-sfn-invoke"]);
    assert.deepEqual(JSON.parse(String(policies.find((p) => p.name === "bedrock-sfn-extra-1")!.inputs.policy)), snsPolicy);
    assert.match(String((result.outputs.notes as string[]).join("\n")), /no grants derived for 1 task of other services: Notify \(arn:aws:states:::sns:publish\)/);
    await assert.rejects(synth(definition, { "bedrock-sfn:extraPolicyFiles": path.join(dir, "nope.json") }), /bedrock-sfn:extraPolicyFiles: '.*nope\.json': no such file/);

    const input = path.join(dir, "empty.json");
    fs.writeFileSync(input, "{}");
    const run = async (extraArgs: string[]) => {
      let printed = "";
      const code = await main(
        ["--stack", "dev", "--config", `aws:region=${REGION}`, "--config", `bedrock-sfn:definitionFile=${definition}`, "--input-file", input, "--json", ...extraArgs],
        {
          stdout: (text) => {
            printed += text;
          },
          timeScale: 0.001,
        },
      );
      return { code, run: JSON.parse(printed) };
    };
    const unserved = await run([]);
    assert.equal(unserved.code, 1);
    assert.match(unserved.run.cause, /^Task 'Notify' calls 'arn:aws:states:::sns:publish', which the local runners do not serve .*--mock-task 'Notify=<output\.json>'/);
    const mock = path.join(dir, "notify-output.json");
    writeJson(mock, { MessageId: "m-1" });
    const mocked = await run(["--mock-task", `Notify=${mock}`]);
    assert.equal(mocked.code, 0, JSON.stringify(mocked.run));
    assert.deepEqual(mocked.run.output, { MessageId: "m-1" });
  });
});
