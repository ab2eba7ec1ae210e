// The generated definitions, both query languages, executed end to end through the local Bedrock and S3 stand-ins.
import * as assert from "node:assert/strict";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { buildRequestBody, MODEL_FAMILIES, normaliseResponse, type ModelFamily } from "../../../src/bedrock/families";
import { startLocalEnvironment, type LocalEnvironment } from "../../../tools/local/clients/environment";
import { runLocalExecution } from "../../../tools/local/clients/local-run";
import type { LocalStack } from "../../../tools/local/clients/local-stack";
import { buildDefinition, type QueryLanguage, type WorkflowType } from "../../../src/workflow";
import { MODEL_IDS } from "../../src/workflow/helpers/fixtures";

const BUCKET = "bedrock-sfn-payloads-test";
const MODEL = "apac.anthropic.claude-sonnet-4-20250514-v1:0";
const GENERATION = { maxTokens: 200, temperature: 0.3 };
const SYSTEM = "Answer in one sentence.";
const FAST = 0.001; // retry backoff 1000 times shorter; timeouts stay real unless a test shrinks them

const definitionFor = (queryLanguage: QueryLanguage, workflowType: WorkflowType = "EXPRESS") =>
  JSON.stringify(buildDefinition({ modelId: MODEL, family: "anthropic", queryLanguage, workflowType, payloadBucket: BUCKET, systemPrompt: SYSTEM, ...GENERATION }));

/** A native request body whose JSON is about `size` bytes. */
async function bodyOfSize(size: number): Promise<Buffer> {
  const skeleton = await buildRequestBody("anthropic", { prompt: "", system: SYSTEM, ...GENERATION });
  const overhead = Buffer.byteLength(JSON.stringify(skeleton));
  const prompt = `Summarise this log.
${"lorem ipsum dolor sit amet ".repeat(Math.ceil((size - overhead) / 27))}`;
  return Buffer.from(JSON.stringify(await buildRequestBody("anthropic", { prompt: prompt.slice(0, size - overhead), system: SYSTEM, ...GENERATION })));
}

// The legacy text format is only ever configured (its models also speak Messages): an identifier that hides its
// model makes the stand-in answer in the configured format.
const APPLICATION_PROFILE = "arn:aws:bedrock:ap-southeast-2:123456789012:application-inference-profile/local-test";
const modelFor = (family: ModelFamily) => (family === "anthropic-text-completions" ? APPLICATION_PROFILE : MODEL_IDS[family]);

function localStackFor(family: ModelFamily, queryLanguage: QueryLanguage): LocalStack {
  const modelId = modelFor(family);
  const generation = { family, ...GENERATION, systemPrompt: SYSTEM };
  return {
    definition: JSON.stringify(buildDefinition({ modelId, family, queryLanguage, workflowType: "EXPRESS", payloadBucket: BUCKET, systemPrompt: SYSTEM, ...GENERATION })),
    queryLanguage,
    stateMachineArn: "arn:aws:states:ap-southeast-2:123456789012:stateMachine:families-test",
    payloadBucket: BUCKET,
    modelId,
    family,
    ownDefinition: false,
    generation,
  };
}

describe("every family: one request body and one normalisation, in the workflow and offline", function () {
  this.timeout(60_000);

  for (const family of MODEL_FAMILIES) {
    it(`${family}: the runners send the body the offline tools build, and a response read back from S3 equals the inline output`, async () => {
      const env = await startLocalEnvironment({ payloadBucket: BUCKET, family });
      try {
        const prompt = 'Name a colour {% not JSONata %} "quoted"';
        const expectedBody = await buildRequestBody(family, { prompt, system: SYSTEM, ...GENERATION });
        for (const queryLanguage of ["JSONata", "JSONPath"] as const) {
          const stack = localStackFor(family, queryLanguage);
          const run = (input: object, executionName: string) => runLocalExecution(stack, { input, executionName, environment: env, timeScale: FAST });
          const inline = await run({ prompt }, `inline-${queryLanguage}`);
          const toS3 = await run({ prompt, outputToS3: true }, `to-s3-${queryLanguage}`);
          for (const result of [inline, toS3]) assert.equal(result.status, "SUCCEEDED", `${queryLanguage}: ${result.error}: ${result.cause}`);

          const sent = env.bedrock.calls.splice(0).map((call) => JSON.parse(call.body.toString()));
          assert.deepEqual(sent, [expectedBody, expectedBody], queryLanguage);
          assert.match((inline.output as { text: string }).text, /Local stand-in reply/);
          assert.equal(toS3.response?.model, modelFor(family));
          // JSONata: the expression the workflow ran inline is the one local-run (and invoke) ran on the S3 copy.
          // JSONPath reads the first content block only, which for these one-block answers is the same.
          assert.deepEqual(toS3.response, inline.output, queryLanguage);
        }
      } finally {
        await env.close();
      }
    });
  }
});

describe("generated workflow, run locally", function () {
  this.timeout(60_000);
  let env: LocalEnvironment;

  before(async () => {
    env = await startLocalEnvironment({ payloadBucket: BUCKET });
  });
  after(() => env.close());
  beforeEach(() => {
    env.bedrock.setFaults({});
    env.bedrock.calls.length = 0;
  });

  for (const queryLanguage of ["JSONata", "JSONPath"] as const) {
    describe(queryLanguage, () => {
      const definition = definitionFor(queryLanguage);
      const run = (input: unknown, executionName = `run-${queryLanguage}`) => env.run({ definition, input, executionName, timeScale: FAST });

      it("turns a prompt into the family's body, calls Bedrock once and returns the normalised answer", async () => {
        const result = await run({ prompt: "What is Step Functions?" });
        assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
        assert.equal(env.bedrock.calls.length, 1);
        const call = env.bedrock.calls[0];
        assert.equal(call.modelId, MODEL);
        assert.deepEqual(JSON.parse(call.body.toString()), await buildRequestBody("anthropic", { prompt: "What is Step Functions?", system: SYSTEM, ...GENERATION }));
        const output = result.output as { text: string; model: string; raw: unknown };
        assert.deepEqual({ text: output.text, model: output.model }, { text: (await normaliseResponse("anthropic", output.raw)).text, model: MODEL });
        assert.match(output.text, new RegExp(`${call.body.length}-byte request`));
        // JSONata checks the input inside the Task: one state; JSONPath validates in a Choice first.
        if (queryLanguage === "JSONata") assert.deepEqual(result.states, ["InvokeModel"]);
        else assert.equal(result.states[0], "ValidateInput");
      });

      it("writes the response to the payload bucket when outputToS3 is true", async () => {
        const result = await run({ prompt: "Hello", outputToS3: true }, `to-s3-${queryLanguage}`);
        assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
        const uri = `s3://${BUCKET}/output/to-s3-${queryLanguage}.json`;
        assert.deepEqual(result.output, { outputS3Uri: uri, model: MODEL });
        const stored = await env.s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `output/to-s3-${queryLanguage}.json` }));
        assert.match((await normaliseResponse("anthropic", JSON.parse(await stored.Body!.transformToString()))).text, /Local stand-in reply/);
      });

      for (const [label, size] of [
        ["300 KB", 300 * 1024],
        ["1 MB", 1024 * 1024],
        ["10 MB", 10 * 1024 * 1024],
      ] as const) {
        it(`sends a ${label} request through Input.S3Uri with its bytes unchanged`, async () => {
          const bytes = await bodyOfSize(size);
          const key = `input/${queryLanguage}-${size}.json`;
          await env.s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bytes, ContentType: "application/json" }));
          const result = await run({ inputS3Uri: `s3://${BUCKET}/${key}`, outputToS3: true }, `big-${queryLanguage}-${size}`);
          assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
          assert.equal(env.bedrock.calls.length, 1);
          assert.ok(env.bedrock.calls[0].body.equals(bytes), `Bedrock received ${env.bedrock.calls[0].body.length} bytes, ${bytes.length} were uploaded`);
        });
      }

      it("fails a run without prompt, body or inputS3Uri with ValidationError, without calling Bedrock", async () => {
        const result = await run({ system: "only a system prompt" });
        assert.deepEqual([result.status, result.error], ["FAILED", "ValidationError"]);
        assert.match(result.cause ?? "", /prompt/);
        assert.equal(env.bedrock.calls.length, 0);
      });

      it("fails fast on AccessDeniedException: one attempt, the error name kept, a cause that says what to check", async () => {
        env.bedrock.setFaults({ always: "AccessDeniedException" });
        const result = await run({ prompt: "Hi" });
        assert.deepEqual([result.status, result.error], ["FAILED", "Bedrock.AccessDeniedException"]);
        assert.equal(env.bedrock.calls.length, 1);
        assert.match(result.cause ?? "", /access/i);
      });

      it("retries a ModelTimeoutException and succeeds", async () => {
        env.bedrock.setFaults({ next: ["ModelTimeoutException"] });
        const result = await run({ prompt: "Hi" });
        assert.equal(result.status, "SUCCEEDED", `${result.error}: ${result.cause}`);
        assert.deepEqual(
          env.bedrock.calls.map((c) => c.status),
          [408, 200],
        );
      });

      it("ends a call that outlives the task's TimeoutSeconds with States.Timeout", async () => {
        env.bedrock.setFaults({ latencyMs: 300 });
        // EXPRESS tasks time out after 25 s: 25 ms here, against 300 ms of latency.
        const result = await env.run({ definition, input: { prompt: "Hi" }, executionName: "slow", timeScale: FAST, timeoutScale: FAST });
        assert.deepEqual([result.status, result.error], ["FAILED", "States.Timeout"]);
      });

      for (const workflowType of ["EXPRESS", "STANDARD"] as const) {
        it(`gets 50 concurrent ${workflowType} executions through 30% throttling by retrying`, async () => {
          const retrying = definitionFor(queryLanguage, workflowType);
          env.bedrock.setFaults({ throttleRate: 0.3, seed: 42 });
          const results = await Promise.all(
            Array.from({ length: 50 }, (_, i) => env.run({ definition: retrying, input: { prompt: `question ${i}` }, executionName: `load-${i}`, timeScale: FAST })),
          );
          const failed = results.filter((r) => r.status !== "SUCCEEDED");
          assert.deepEqual(failed, []);
          const throttled = env.bedrock.calls.filter((c) => c.status === 429).length;
          assert.ok(throttled >= 5, `expected throttling, got ${throttled} throttled calls`);
          assert.equal(env.bedrock.calls.length, 50 + throttled);
        });
      }
    });
  }
});
