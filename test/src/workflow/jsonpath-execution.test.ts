import { installPromiseWithResolvers } from "../../../tools/local/runners/polyfills";
import { strict as assert } from "node:assert";
import { ExecutionError, StateMachine } from "aws-local-stepfunctions";
import { buildRequestBody, MODEL_FAMILIES, normaliseResponse, responseResultPaths, sampleResponse, type ModelFamily } from "../../../src/bedrock/families";
import { buildDefinition, STATE_NAMES, VALIDATION_ERROR, type DefinitionOptions } from "../../../src/workflow";
import { BUCKET, MODEL_IDS, optionsFor } from "./helpers/fixtures";

installPromiseWithResolvers();

const S = STATE_NAMES;
const TASKS = [S.invokeModelWithBody, S.invokeModelWithBodyToS3, S.invokeModelWithS3Input, S.invokeModelWithS3InputToS3];
// No backslash: aws-local-stepfunctions drops backslashes from States.Format arguments (AWS keeps them).
const SYSTEM = `Answer briefly: {no} 'quotes' or "doubles"\nsecond line`;
const EXECUTION_NAME = "exec-7";

type Call = { state: string; parameters: Record<string, any> };
type Outcome = { output?: Record<string, any>; error?: string; cause?: string; calls: Call[] };

/** Runs the JSONPath definition locally; every Bedrock task answers (or fails) through `respond`. */
async function run(options: DefinitionOptions, input: unknown, respond: (state: string, attempt: number) => unknown = () => ({ Body: sample(options.family) })): Promise<Outcome> {
  const definition = buildDefinition({ ...options, queryLanguage: "JSONPath" });
  // aws-local-stepfunctions adds fields to the definition it is given: pass a copy.
  const machine = new StateMachine(structuredClone(definition) as never);
  const calls: Call[] = [];
  const handlers = Object.fromEntries(
    TASKS.map((state) => [
      state,
      async (parameters: unknown) => {
        calls.push({ state, parameters: parameters as Record<string, any> });
        return respond(state, calls.length) as never;
      },
    ]),
  );
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: handlers,
      retryIntervalOverrides: Object.fromEntries(TASKS.map((state) => [state, 0])),
    },
    context: { Execution: { Name: EXECUTION_NAME } },
  });
  try {
    return { output: (await execution.result) as Record<string, any>, calls };
  } catch (error) {
    assert.ok(error instanceof ExecutionError, String(error));
    const cause = (error as Error & { cause: Error }).cause;
    return { error: cause.name, cause: cause.message, calls };
  }
}

function sample(family: ModelFamily) {
  return sampleResponse(family, { text: `Answer from ${family}`, inputTokens: 30, outputTokens: 4, modelId: MODEL_IDS[family] });
}

function bedrockError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

describe("workflow JSONPath definition, run with aws-local-stepfunctions", () => {
  describe("prompt -> Pass builds the native Body -> ResultSelector normalises", () => {
    for (const family of MODEL_FAMILIES) {
      it(`${family}: configured system prompt, the execution's override, and none`, async () => {
        const options = optionsFor(family, { systemPrompt: SYSTEM });
        const params = { prompt: "Why is the sky {blue}?", maxTokens: options.maxTokens, temperature: options.temperature };

        const configured = await run(options, { prompt: params.prompt });
        const override = await run(options, { prompt: params.prompt, system: "Use French.\n" });
        const none = await run(options, { prompt: params.prompt, system: "" });
        const unconfigured = await run(optionsFor(family), { prompt: params.prompt });

        assert.deepEqual(configured.calls[0].parameters.Body, await buildRequestBody(family, { ...params, system: SYSTEM }));
        assert.deepEqual(override.calls[0].parameters.Body, await buildRequestBody(family, { ...params, system: "Use French.\n" }));
        assert.deepEqual(none.calls[0].parameters.Body, await buildRequestBody(family, params));
        assert.deepEqual(unconfigured.calls[0].parameters.Body, await buildRequestBody(family, params));

        const call = configured.calls[0];
        assert.equal(call.state, S.invokeModelWithBody);
        assert.equal(call.parameters.ModelId, MODEL_IDS[family]);
        assert.ok(!("Input" in call.parameters) && !("Output" in call.parameters));

        const expected = await normaliseResponse(family, sample(family));
        const output = configured.output!;
        assert.equal(output.text, `Answer from ${family}`);
        assert.equal(output.stopReason, expected.stopReason);
        // Cohere's token counts sit in an optional field: two more states copy them, as JSONata fills them.
        const paths = responseResultPaths(family);
        const inBody = paths.inputTokens !== null || paths.optionalUsage !== undefined;
        const tokens = inBody ? { inputTokens: 30, outputTokens: 4 } : { inputTokens: null, outputTokens: null };
        assert.deepEqual(output.usage, tokens);
        assert.equal(output.model, MODEL_IDS[family]);
        assert.deepEqual(output.raw, sample(family));
      });
    }
  });

  it("body goes straight to the task, unchanged", async () => {
    const body = { schemaVersion: "messages-v1", messages: [{ role: "user", content: [{ text: "hi" }] }] };
    const { calls, output } = await run(optionsFor("amazon-nova"), { body });
    assert.deepEqual(
      calls.map((c) => c.state),
      [S.invokeModelWithBody],
    );
    assert.deepEqual(calls[0].parameters.Body, body);
    assert.equal(output!.text, "Answer from amazon-nova");
  });

  it("inputS3Uri uses Input.S3Uri", async () => {
    const uri = `s3://${BUCKET}/input/req.json`;
    const { calls } = await run(optionsFor("anthropic"), { inputS3Uri: uri });
    assert.equal(calls[0].state, S.invokeModelWithS3Input);
    assert.deepEqual(calls[0].parameters.Input, { S3Uri: uri });
    assert.ok(!("Body" in calls[0].parameters));
  });

  it("outputToS3 adds Output.S3Uri named after the execution, for prompt, body and inputS3Uri", async () => {
    const expected = `s3://${BUCKET}/output/${EXECUTION_NAME}.json`;
    const inputs: Array<[Record<string, unknown>, string]> = [
      [{ prompt: "p", outputToS3: true }, S.invokeModelWithBodyToS3],
      [{ body: { a: 1 }, outputToS3: true }, S.invokeModelWithBodyToS3],
      [{ inputS3Uri: `s3://${BUCKET}/input/r.json`, outputToS3: true }, S.invokeModelWithS3InputToS3],
    ];
    for (const [input, state] of inputs) {
      const { calls, output } = await run(optionsFor("meta-llama"), input);
      assert.equal(calls[0].state, state);
      assert.deepEqual(calls[0].parameters.Output, { S3Uri: expected });
      assert.deepEqual(output, { outputS3Uri: expected, model: MODEL_IDS["meta-llama"] });
    }
  });

  it("outputToS3: false answers inline", async () => {
    const { calls, output } = await run(optionsFor("openai"), { prompt: "p", outputToS3: false });
    assert.equal(calls[0].state, S.invokeModelWithBody);
    assert.equal(output!.text, "Answer from openai");
  });

  describe("rejects bad input with ValidationError before calling Bedrock", () => {
    const cases: Array<[string, unknown, string, RegExp]> = [
      ["no request field", { outputToS3: true }, S.rejectMissingRequest, /exactly one of prompt, body, inputS3Uri; none was given/],
      ["two request fields", { prompt: "p", inputS3Uri: `s3://${BUCKET}/input/a` }, S.rejectConflictingRequests, /more than one/],
      ["empty prompt", { prompt: "" }, S.rejectInvalidPrompt, /non-empty string/],
      ["numeric prompt", { prompt: 1 }, S.rejectInvalidPrompt, /non-empty string/],
      ["system without prompt", { body: {}, system: "s" }, S.rejectInvalidSystem, /only used together with prompt/],
      ["numeric system", { prompt: "p", system: 2 }, S.rejectInvalidSystem, /must be a string/],
      ["string body", { body: "x" }, S.rejectInvalidBody, /JSON object/],
      ["null body", { body: null }, S.rejectInvalidBody, /JSON object/],
      ["other bucket", { inputS3Uri: "s3://elsewhere/input/a.json" }, S.rejectInvalidInputS3Uri, new RegExp(`under s3://${BUCKET}/input/`)],
      ["the prefix itself", { inputS3Uri: `s3://${BUCKET}/input/` }, S.rejectInvalidInputS3Uri, /under/],
      ["numeric inputS3Uri", { inputS3Uri: 3 }, S.rejectInvalidInputS3Uri, /under/],
      ["outputToS3 as a string", { prompt: "p", outputToS3: "true" }, S.rejectInvalidOutputToS3, /true or false/],
    ];
    const definition = buildDefinition(optionsFor("anthropic", { queryLanguage: "JSONPath" }));
    for (const [label, input, failState, cause] of cases) {
      it(label, async () => {
        const outcome = await run(optionsFor("anthropic"), input);
        assert.equal(outcome.error, VALIDATION_ERROR);
        assert.match(outcome.cause!, cause);
        assert.equal(outcome.cause, (definition.States[failState] as { Cause: string }).Cause, `ends in ${failState}`);
        assert.equal(outcome.calls.length, 0);
      });
    }
  });

  describe("Bedrock errors", () => {
    it("throttling is retried, then the answer comes through", async () => {
      const outcome = await run(optionsFor("anthropic"), { prompt: "p" }, (_state, attempt) => {
        if (attempt === 1) throw bedrockError("Bedrock.ThrottlingException", "Too many requests");
        return { Body: sample("anthropic") };
      });
      assert.equal(outcome.calls.length, 2);
      assert.equal(outcome.output!.text, "Answer from anthropic");
    });

    it("access denied is not retried and ends with the original error and cause", async () => {
      const outcome = await run(optionsFor("anthropic"), { prompt: "p" }, () => {
        throw bedrockError("Bedrock.AccessDeniedException", "not authorized");
      });
      assert.equal(outcome.calls.length, 1);
      assert.equal(outcome.error, "Bedrock.AccessDeniedException");
      assert.equal(outcome.cause, "not authorized");
    });

    it("a transient error that persists ends after the EXPRESS retry budget", async () => {
      const options = optionsFor("amazon-nova", { workflowType: "EXPRESS" });
      const outcome = await run(options, { prompt: "p" }, () => {
        throw bedrockError("Bedrock.ServiceUnavailableException", "try later");
      });
      const task = buildDefinition({ ...options, queryLanguage: "JSONPath" }).States[S.invokeModelWithBody] as any;
      const retrier = task.Retry.find((r: any) => r.ErrorEquals.includes("Bedrock.ServiceUnavailableException"));
      assert.equal(outcome.calls.length, 1 + retrier.MaxAttempts);
      assert.equal(outcome.error, "Bedrock.ServiceUnavailableException");
    });
  });
});
