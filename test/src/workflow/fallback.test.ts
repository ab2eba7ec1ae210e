import { strict as assert } from "node:assert";
import aslValidator = require("asl-validator");
import { buildRequestBody, sampleResponse } from "../../../src/bedrock/families";
import { buildDefinition, EXPRESS_TIME_BUDGET_SECONDS, FALLBACK_ERRORS, fallbackStateName, STATE_NAMES, type DefinitionOptions, type TaskState } from "../../../src/workflow";
import { worstCaseSeconds } from "../../../src/workflow/retry-policy";
import { MODEL_IDS, optionsFor } from "./helpers/fixtures";
import { runJsonataDefinition, type RunResult } from "./helpers/jsonata-states";

const PRIMARY = MODEL_IDS.anthropic;
const NOVA = MODEL_IDS["amazon-nova"];
const LLAMA = MODEL_IDS["meta-llama"];

const chainOptions = (overrides: Partial<DefinitionOptions> = {}): DefinitionOptions =>
  optionsFor("anthropic", {
    fallbackModels: [
      { modelId: NOVA, family: "amazon-nova", temperature: 0.3 },
      { modelId: LLAMA, family: "meta-llama" },
    ],
    ...overrides,
  });

/** Bedrock as a table: each model ID either fails with the given error (every attempt) or answers in its family. */
function bedrock(failing: Record<string, string>) {
  const calls: Array<Record<string, any>> = [];
  const families: Record<string, "anthropic" | "amazon-nova" | "meta-llama"> = { [PRIMARY]: "anthropic", [NOVA]: "amazon-nova", [LLAMA]: "meta-llama" };
  const handler = (_state: string, args: unknown) => {
    const call = args as Record<string, any>;
    calls.push(call);
    const error = failing[call.ModelId];
    if (error) throw { Error: error, Cause: `${call.ModelId}: ${error}` };
    const family = families[call.ModelId];
    return { Body: sampleResponse(family, { text: `from ${call.ModelId}`, inputTokens: 3, outputTokens: 4, modelId: call.ModelId }) };
  };
  return { calls, handler };
}

const run = (options: DefinitionOptions, input: unknown, handler: (s: string, a: unknown) => unknown): Promise<RunResult> =>
  runJsonataDefinition(buildDefinition(options), input, handler);

describe("workflow: fallback models (JSONata)", () => {
  it("is valid ASL, on both workflow types, with one Task per model and a Catch of FALLBACK_ERRORS to the next", () => {
    for (const workflowType of ["STANDARD", "EXPRESS"] as const) {
      const definition = buildDefinition(chainOptions({ workflowType }));
      const { isValid, errorsText } = aslValidator(structuredClone(definition) as never);
      assert.ok(isValid, errorsText("\n"));
      const tasks = [STATE_NAMES.invokeModel, fallbackStateName(1), fallbackStateName(2)].map((name) => definition.States[name] as TaskState);
      assert.ok(tasks.every((t) => t?.Type === "Task"));
      assert.deepEqual(tasks[0].Catch.find((c) => c.Next === fallbackStateName(1))?.ErrorEquals, [...FALLBACK_ERRORS]);
      assert.deepEqual(tasks[1].Catch.find((c) => c.Next === fallbackStateName(2))?.ErrorEquals, [...FALLBACK_ERRORS]);
      // The last model has nowhere to fall back to: every error ends the execution.
      assert.deepEqual(
        tasks[2].Catch.map((c) => c.Next),
        [STATE_NAMES.invocationFailed],
      );
    }
  });

  it("a successful primary call is still one transition, and never touches the fallbacks", async () => {
    const stub = bedrock({});
    const result = await run(chainOptions(), { prompt: "p" }, stub.handler);
    assert.equal(result.status, "SUCCEEDED");
    assert.deepEqual(result.path, [STATE_NAMES.invokeModel]);
    assert.deepEqual(
      stub.calls.map((c) => c.ModelId),
      [PRIMARY],
    );
    assert.equal((result as { output: { model: string } }).output.model, PRIMARY);
  });

  it("throttled after every retry: the same request goes to the next model, in its own family's body, and the output names it", async () => {
    const stub = bedrock({ [PRIMARY]: "Bedrock.ThrottlingException" });
    const options = chainOptions({ systemPrompt: "Be brief." });
    const result = await run(options, { prompt: "Why is the sky blue?" }, stub.handler);
    assert.equal(result.status, "SUCCEEDED", JSON.stringify(result));
    assert.deepEqual(result.path, [STATE_NAMES.invokeModel, fallbackStateName(1)]);
    const primaryCalls = stub.calls.filter((c) => c.ModelId === PRIMARY);
    // 1 attempt + the STANDARD policy's 6 retries of throttling, then the fallback.
    assert.equal(primaryCalls.length, 7);
    const novaCall = stub.calls.at(-1)!;
    assert.equal(novaCall.ModelId, NOVA);
    assert.deepEqual(novaCall.Body, await buildRequestBody("amazon-nova", { prompt: "Why is the sky blue?", system: "Be brief.", maxTokens: options.maxTokens, temperature: 0.3 }));
    const output = (result as { output: Record<string, any> }).output;
    assert.deepEqual([output.model, output.text], [NOVA, `from ${NOVA}`]);
  });

  for (const error of ["Bedrock.ModelNotReadyException", "Bedrock.ServiceUnavailableException", "Bedrock.ServiceQuotaExceededException"]) {
    it(`${error} also falls back`, async () => {
      const stub = bedrock({ [PRIMARY]: error });
      const result = await run(chainOptions(), { body: { messages: [] } }, stub.handler);
      assert.equal((result as { output: { model: string } }).output.model, NOVA);
      // A native body is passed through as it is, whichever model answers.
      assert.deepEqual(stub.calls.at(-1)!.Body, { messages: [] });
    });
  }

  it("walks the whole chain, and fails with the last model's error when every model is throttled", async () => {
    const stub = bedrock({ [PRIMARY]: "Bedrock.ThrottlingException", [NOVA]: "Bedrock.ModelNotReadyException" });
    const third = await run(chainOptions(), { prompt: "p" }, stub.handler);
    assert.deepEqual(third.path, [STATE_NAMES.invokeModel, fallbackStateName(1), fallbackStateName(2)]);
    assert.equal((third as { output: { model: string } }).output.model, LLAMA);
    // Llama rejects nothing here: no temperature configured for it, so none is sent.
    assert.ok(!("temperature" in stub.calls.at(-1)!.Body));

    const all = bedrock({ [PRIMARY]: "Bedrock.ThrottlingException", [NOVA]: "Bedrock.ThrottlingException", [LLAMA]: "Bedrock.ThrottlingException" });
    const failed = await run(chainOptions(), { prompt: "p" }, all.handler);
    assert.equal(failed.status, "FAILED");
    assert.equal((failed as { error: string }).error, "Bedrock.ThrottlingException");
    assert.match((failed as { cause: string }).cause, new RegExp(LLAMA.replace(/[.:]/g, "\\$&")));
    assert.deepEqual(failed.path, [STATE_NAMES.invokeModel, fallbackStateName(1), fallbackStateName(2), STATE_NAMES.invocationFailed]);
  });

  it("errors that another model cannot fix do not fall back: access denied, validation, bad input", async () => {
    for (const error of ["Bedrock.AccessDeniedException", "Bedrock.ValidationException"]) {
      const stub = bedrock({ [PRIMARY]: error });
      const result = await run(chainOptions(), { prompt: "p" }, stub.handler);
      assert.equal((result as { error: string }).error, error);
      assert.deepEqual(result.path, [STATE_NAMES.invokeModel, STATE_NAMES.invocationFailed]);
      assert.equal(stub.calls.length, 1);
    }
    const stub = bedrock({});
    const bad = await run(chainOptions(), { prompt: "" }, stub.handler);
    assert.equal((bad as { error: string }).error, "ValidationError");
    assert.equal(stub.calls.length, 0);
  });

  it("EXPRESS: the whole chain's worst case stays within the budget", () => {
    for (let fallbacks = 0; fallbacks <= 4; fallbacks++) {
      const models = [NOVA, LLAMA, MODEL_IDS.mistral, MODEL_IDS.openai].slice(0, fallbacks);
      const families = ["amazon-nova", "meta-llama", "mistral", "openai"] as const;
      const definition = buildDefinition(optionsFor("anthropic", { workflowType: "EXPRESS", fallbackModels: models.map((modelId, i) => ({ modelId, family: families[i] })) }));
      const tasks = Object.values(definition.States).filter((s): s is TaskState => s.Type === "Task");
      assert.equal(tasks.length, fallbacks + 1);
      const total = tasks.reduce((sum, t) => sum + worstCaseSeconds({ timeoutSeconds: t.TimeoutSeconds, retry: t.Retry }), 0);
      assert.ok(total <= EXPRESS_TIME_BUDGET_SECONDS, `${fallbacks} fallbacks: ${total}s`);
      // Every Task still retries throttling at least once while two or more share the budget... up to four models.
      if (fallbacks <= 3) assert.ok(tasks.every((t) => t.Retry.some((r) => r.ErrorEquals.includes("Bedrock.ThrottlingException"))));
    }
  });

  it("refuses JSONPath, a repeated model, a bad family and too long a chain, naming the field", () => {
    const cases: Array<[Partial<DefinitionOptions>, RegExp]> = [
      [{ queryLanguage: "JSONPath" }, /fallbackModels .*need queryLanguage JSONata/],
      [{ fallbackModels: [{ modelId: PRIMARY, family: "anthropic" }] }, /fallbackModels\[0\]\.modelId .*not already in the chain/],
      [{ fallbackModels: [{ modelId: NOVA, family: "gpt" as never }] }, /fallbackModels\[0\]\.family "gpt"/],
      [{ fallbackModels: Array.from({ length: 5 }, (_, i) => ({ modelId: `m${i}`, family: "anthropic" as const })) }, /fallbackModels 5: expected a list of at most 4/],
    ];
    for (const [overrides, message] of cases) assert.throws(() => buildDefinition(chainOptions(overrides)), message);
  });
});
