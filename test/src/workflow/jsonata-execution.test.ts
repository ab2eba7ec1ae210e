import { strict as assert } from "node:assert";
import { buildRequestBody, MODEL_FAMILIES, normaliseResponse, responseResultPaths, sampleResponse, type ModelFamily } from "../../../src/bedrock/families";
import { buildDefinition, STATE_NAMES, VALIDATION_ERROR, type DefinitionOptions } from "../../../src/workflow";
import { BUCKET, MODEL_IDS, optionsFor } from "./helpers/fixtures";
import { runJsonataDefinition, type RunResult, type TaskFailure } from "./helpers/jsonata-states";

const SYSTEM = "You answer in one sentence.";

/** A task handler that records its arguments and answers like the family's models do. */
function bedrockStub(family: ModelFamily, answer = `Answer from ${family}`) {
  const calls: Array<Record<string, any>> = [];
  const handler = (_state: string, args: unknown) => {
    calls.push(args as Record<string, any>);
    return { Body: sampleResponse(family, { text: answer, inputTokens: 21, outputTokens: 8, modelId: MODEL_IDS[family] }) };
  };
  return { calls, handler };
}

function failingStub(failure: TaskFailure) {
  return () => {
    throw failure;
  };
}

async function run(options: DefinitionOptions, input: unknown, handler = bedrockStub(options.family).handler): Promise<RunResult> {
  return runJsonataDefinition(buildDefinition(options), input, handler, "exec-42");
}

function succeeded(result: RunResult): Record<string, any> {
  assert.equal(result.status, "SUCCEEDED", JSON.stringify(result));
  return (result as { output: Record<string, any> }).output;
}

describe("workflow JSONata definition, evaluated", () => {
  describe("prompt -> the family's native Body -> normalised output", () => {
    for (const family of MODEL_FAMILIES) {
      it(family, async () => {
        const options = optionsFor(family, { systemPrompt: SYSTEM });
        const stub = bedrockStub(family);
        const output = succeeded(await run(options, { prompt: "Why is the sky blue?" }, stub.handler));

        assert.equal(stub.calls.length, 1);
        const args = stub.calls[0];
        assert.equal(args.ModelId, MODEL_IDS[family]);
        assert.deepEqual(
          args.Body,
          await buildRequestBody(family, { prompt: "Why is the sky blue?", system: SYSTEM, maxTokens: options.maxTokens, temperature: options.temperature }),
        );
        assert.ok(!("Input" in args) && !("Output" in args));

        const raw = sampleResponse(family, { text: `Answer from ${family}`, inputTokens: 21, outputTokens: 8, modelId: MODEL_IDS[family] });
        assert.equal(output.text, `Answer from ${family}`);
        // The inline output is what the offline tools make of the same body (the normalisation is written once).
        const { model, raw: rawOut, ...normalised } = output;
        assert.deepEqual(normalised, await normaliseResponse(family, raw));
        assert.deepEqual([model, rawOut], [MODEL_IDS[family], raw]);
        const paths = responseResultPaths(family);
        const inBody = paths.inputTokens !== null || paths.optionalUsage !== undefined;
        assert.deepEqual(output.usage, inBody ? { inputTokens: 21, outputTokens: 8 } : { inputTokens: null, outputTokens: null });
        assert.deepEqual(Object.keys(output), ["text", "stopReason", "usage", "model", "raw"]);
      });
    }
  });

  it('an execution\'s system overrides the configured one, and "" removes it', async () => {
    const options = optionsFor("anthropic", { systemPrompt: SYSTEM });
    const stub = bedrockStub("anthropic");
    succeeded(await run(options, { prompt: "p", system: "Answer in French." }, stub.handler));
    succeeded(await run(options, { prompt: "p", system: "" }, stub.handler));
    assert.equal(stub.calls[0].Body.system, "Answer in French.");
    assert.ok(!("system" in stub.calls[1].Body));
  });

  it("without any system prompt the body has none", async () => {
    const stub = bedrockStub("amazon-nova");
    succeeded(await run(optionsFor("amazon-nova"), { prompt: "p" }, stub.handler));
    assert.ok(!("system" in stub.calls[0].Body));
  });

  it("a configured system prompt with quotes, newlines and %} survives the expression", async () => {
    const tricky = `Say "hi" {% and %}\nthen stop \\ here`;
    const stub = bedrockStub("openai");
    succeeded(await run(optionsFor("openai", { systemPrompt: tricky }), { prompt: "p" }, stub.handler));
    assert.equal(stub.calls[0].Body.messages[0].content, tricky);
  });

  it("body is passed through unchanged", async () => {
    const body = { anthropic_version: "bedrock-2023-05-31", max_tokens: 9, messages: [{ role: "user", content: "hi" }], top_k: 5 };
    const stub = bedrockStub("anthropic");
    succeeded(await run(optionsFor("anthropic"), { body }, stub.handler));
    assert.deepEqual(stub.calls[0].Body, body);
  });

  it("inputS3Uri becomes Input.S3Uri instead of Body", async () => {
    const uri = `s3://${BUCKET}/input/big-request.json`;
    const stub = bedrockStub("amazon-nova");
    const output = succeeded(await run(optionsFor("amazon-nova"), { inputS3Uri: uri }, stub.handler));
    assert.deepEqual(stub.calls[0].Input, { S3Uri: uri });
    assert.ok(!("Body" in stub.calls[0]));
    assert.equal(output.text, "Answer from amazon-nova");
  });

  it("outputToS3 sends Output.S3Uri named after the execution and returns where the answer went", async () => {
    const stub = bedrockStub("anthropic");
    const options = optionsFor("anthropic", { outputPrefix: "answers/" });
    const output = succeeded(await run(options, { prompt: "p", outputToS3: true }, stub.handler));
    const expected = `s3://${BUCKET}/answers/exec-42.json`;
    assert.deepEqual(stub.calls[0].Output, { S3Uri: expected });
    assert.deepEqual(output, { outputS3Uri: expected, model: MODEL_IDS.anthropic });
  });

  it("inputS3Uri and outputToS3 together", async () => {
    const stub = bedrockStub("meta-llama");
    const uri = `s3://${BUCKET}/input/x.json`;
    succeeded(await run(optionsFor("meta-llama"), { inputS3Uri: uri, outputToS3: true }, stub.handler));
    assert.deepEqual(stub.calls[0].Input, { S3Uri: uri });
    assert.deepEqual(stub.calls[0].Output, { S3Uri: `s3://${BUCKET}/output/exec-42.json` });
  });

  it("outputToS3: false answers inline", async () => {
    const output = succeeded(await run(optionsFor("cohere-command-r"), { prompt: "p", outputToS3: false }));
    assert.equal(output.text, "Answer from cohere-command-r");
  });

  describe("the success path of a single call is one state transition (one billed transition on STANDARD)", () => {
    for (const [label, input] of [
      ["prompt", { prompt: "p" }],
      ["body", { body: { messages: [] } }],
      ["inputS3Uri with outputToS3", { inputS3Uri: `s3://${BUCKET}/input/r.json`, outputToS3: true }],
    ] as const) {
      for (const workflowType of ["STANDARD", "EXPRESS"] as const) {
        it(`${label}, ${workflowType}`, async () => {
          const stub = bedrockStub("anthropic");
          const result = await run(optionsFor("anthropic", { workflowType }), input, stub.handler);
          succeeded(result);
          // Every state entered is a transition: exactly the Task, once.
          assert.deepEqual(result.path, [STATE_NAMES.invokeModel]);
          assert.equal(stub.calls.length, 1);
        });
      }
    }
  });

  describe("rejects bad input with ValidationError before calling Bedrock", () => {
    const uriPrefix = `s3://${BUCKET}/input/`;
    const cases: Array<[string, unknown, RegExp]> = [
      ["no request field", {}, /none of prompt, body, inputS3Uri was given/],
      ["two request fields", { prompt: "p", body: {} }, /exactly one of prompt, body, inputS3Uri, not prompt and body/],
      ["all three", { prompt: "p", body: {}, inputS3Uri: `${uriPrefix}a` }, /not prompt and body and inputS3Uri/],
      ["empty prompt", { prompt: "" }, /prompt must be a non-empty string, got an empty string/],
      ["numeric prompt", { prompt: 5 }, /prompt must be a non-empty string, got a number/],
      ["null prompt", { prompt: null }, /prompt must be a non-empty string, got null/],
      ["array prompt", { prompt: ["a", "b"] }, /prompt must be a non-empty string, got an array/],
      ["object prompt", { prompt: { text: "a" } }, /prompt must be a non-empty string, got an object/],
      ["object inputS3Uri", { inputS3Uri: { uri: "s3://x" } }, /inputS3Uri .* got an object/],
      ["unknown field", { prompt: "p", temprature: 1 }, /unknown field\(s\) temprature \(valid fields: prompt, system, body, inputS3Uri, outputToS3\)/],
      ["string body", { body: '{"a":1}' }, /body must be a JSON object .*got a string/],
      ["array body", { body: [1] }, /body must be a JSON object .*got an array/],
      [
        "other bucket",
        { inputS3Uri: "s3://other-bucket/input/x.json" },
        new RegExp(`inputS3Uri must be the URI of an object under ${uriPrefix}, got s3://other-bucket/input/x.json`),
      ],
      ["outside the input prefix", { inputS3Uri: `s3://${BUCKET}/output/x.json` }, /inputS3Uri must be the URI of an object under/],
      ["the prefix itself", { inputS3Uri: uriPrefix }, /inputS3Uri must be the URI of an object under/],
      ["numeric inputS3Uri", { inputS3Uri: 42 }, /inputS3Uri .* got a number/],
      ["outputToS3 as a string", { prompt: "p", outputToS3: "yes" }, /outputToS3 must be true or false, got a string/],
      ["system without prompt", { body: { a: 1 }, system: "s" }, /system is only used together with prompt/],
      ["numeric system", { prompt: "p", system: 3 }, /system must be a string, got a number/],
      ["a string input", "hello", /must be a JSON object .* got a string/],
      ["an array input", [{ prompt: "p" }], /must be a JSON object .* got an array/],
      ["null input", null, /must be a JSON object .* got null$/],
    ];
    for (const [label, input, cause] of cases) {
      it(label, async () => {
        const stub = bedrockStub("anthropic");
        const result = await run(optionsFor("anthropic"), input, stub.handler);
        assert.equal(result.status, "FAILED");
        assert.equal((result as { error: string }).error, VALIDATION_ERROR);
        assert.match((result as { cause: string }).cause, cause);
        assert.equal(stub.calls.length, 0);
        // The check is in the Task's Arguments: it raises before any call, and the Catch names the problems.
        assert.deepEqual(result.path, [STATE_NAMES.invokeModel, STATE_NAMES.validationFailed]);
      });
    }

    it("lists every problem at once", async () => {
      const result = await run(optionsFor("anthropic"), { prompt: "", outputToS3: 1, extra: true });
      assert.equal(result.status, "FAILED");
      const cause = (result as { cause: string }).cause;
      assert.match(cause, /unknown field\(s\) extra/);
      assert.match(cause, /prompt must be a non-empty string/);
      assert.match(cause, /outputToS3 must be true or false/);
    });
  });

  describe("a failed invocation keeps the Bedrock error name and cause", () => {
    it("an expression failure that is not bad input keeps States.QueryEvaluationError (not reported as ValidationError)", async () => {
      const definition = buildDefinition(optionsFor("anthropic"));
      const task = definition.States[STATE_NAMES.invokeModel] as { Arguments: string };
      // A valid input, with Arguments that fail for another reason (as a bug in the expression would).
      task.Arguments = '{% $error("boom") %}';
      const result = await runJsonataDefinition(definition, { prompt: "p" }, bedrockStub("anthropic").handler);
      assert.equal(result.status, "FAILED");
      assert.equal((result as { error: string }).error, "States.QueryEvaluationError");
      assert.match((result as { cause: string }).cause, /boom/);
      assert.deepEqual(result.path, [STATE_NAMES.invokeModel, STATE_NAMES.validationFailed]);
    });

    it("access denied: the cause adds what to check", async () => {
      const failure = { Error: "Bedrock.AccessDeniedException", Cause: "not authorized to perform bedrock:InvokeModel" };
      const result = await run(optionsFor("anthropic"), { prompt: "p" }, failingStub(failure));
      assert.equal(result.status, "FAILED");
      const { error, cause } = result as { error: string; cause: string };
      assert.equal(error, "Bedrock.AccessDeniedException");
      assert.ok(cause.startsWith(failure.Cause), cause);
      assert.ok(cause.includes(MODEL_IDS.anthropic), cause);
      assert.deepEqual(result.path, [STATE_NAMES.invokeModel, STATE_NAMES.invocationFailed]);
    });

    it("an error without a hint keeps its cause as is", async () => {
      const failure = { Error: "Bedrock.SomethingNewException", Cause: "new failure" };
      const result = await run(optionsFor("amazon-nova"), { prompt: "p" }, failingStub(failure));
      assert.deepEqual([(result as any).error, (result as any).cause], ["Bedrock.SomethingNewException", "new failure"]);
    });
  });
});
