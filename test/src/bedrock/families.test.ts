import { installPromiseWithResolvers } from "../../../tools/local/runners/polyfills";
import { strict as assert } from "node:assert";
import { StateMachine } from "aws-local-stepfunctions";
import {
  buildRequestBody,
  familyOf,
  familyOfInvokedModel,
  MODEL_FAMILIES,
  normaliseResponse,
  requestBodyJsonPathTemplate,
  responseResultPaths,
  legacyNoteOf,
  sampleResponse,
  SUPPORTED_FAMILIES,
  UnsupportedModelError,
  type JsonPathSystemSource,
  type ModelFamily,
  type PromptParams,
} from "../../../src/bedrock/families";

installPromiseWithResolvers();

/** The body a JSONPath Pass state builds from the family's payload template (aws-local-stepfunctions runs it). */
async function jsonPathBody(family: ModelFamily, params: PromptParams): Promise<unknown> {
  const system: JsonPathSystemSource = params.system ? { kind: "inputPath", path: "$.system" } : { kind: "none" };
  const template = requestBodyJsonPathTemplate(family, params, system);
  const machine = new StateMachine({ StartAt: "Body", States: { Body: { Type: "Pass", Parameters: template, End: true } } } as never);
  return machine.run({ prompt: params.prompt, system: params.system } as never).result;
}

describe("src/bedrock/families", () => {
  describe("legacy text formats of the seed write-ups", () => {
    it("anthropic-text-completions: the Human/Assistant prompt and max_tokens_to_sample, answer from completion", async () => {
      const body = await buildRequestBody("anthropic-text-completions", { prompt: "Give me a cowboy joke", maxTokens: 256, temperature: 0.5 });
      assert.deepEqual(body, { prompt: "\n\nHuman: Give me a cowboy joke\n\nAssistant:", max_tokens_to_sample: 256, temperature: 0.5 });
      const withSystem = (await buildRequestBody("anthropic-text-completions", { prompt: "Hi", system: "Be brief.", maxTokens: 10, temperature: 0 })) as { prompt: string };
      assert.equal(withSystem.prompt, "Be brief.\n\nHuman: Hi\n\nAssistant:");
      assert.deepEqual(await normaliseResponse("anthropic-text-completions", { completion: " Howdy", stop_reason: "stop_sequence" }), {
        text: " Howdy",
        stopReason: "stop_sequence",
        usage: { inputTokens: null, outputTokens: null },
      });
      // The same models take the Messages API, which stays the derived default.
      assert.equal(familyOf("anthropic.claude-instant-v1"), "anthropic");
    });

    it("cohere-command: prompt -> generations[0].text, derived from cohere.command-text-v14", async () => {
      assert.equal(familyOf("cohere.command-text-v14"), "cohere-command");
      assert.equal(familyOf("cohere.command-light-text-v14"), "cohere-command");
      assert.deepEqual(await buildRequestBody("cohere-command", { prompt: "Hello", maxTokens: 250, temperature: 0.5 }), { prompt: "Hello", max_tokens: 250, temperature: 0.5 });
      assert.equal((await buildRequestBody("cohere-command", { prompt: "Hello", system: "Sys", maxTokens: 250, temperature: 0.5 })).prompt, "Sys\n\nHello");
      assert.equal((await normaliseResponse("cohere-command", { generations: [{ text: "Hi there", finish_reason: "COMPLETE" }] })).text, "Hi there");
    });

    it("both are marked legacy with AWS's lifecycle note; current families are not", () => {
      for (const family of ["anthropic-text-completions", "cohere-command"] as const) assert.match(legacyNoteOf(family) ?? "", /^legacy: .*model-lifecycle/);
      assert.equal(legacyNoteOf("anthropic"), undefined);
    });
  });

  describe("familyOf", () => {
    const examples: Array<[string, ModelFamily]> = [
      ["anthropic.claude-sonnet-4-20250514-v1:0", "anthropic"],
      ["anthropic.claude-3-haiku-20240307-v1:0", "anthropic"],
      ["amazon.nova-lite-v1:0", "amazon-nova"],
      ["amazon.nova-premier-v1:0", "amazon-nova"],
      ["amazon.titan-text-express-v1", "amazon-titan-text"],
      ["meta.llama3-1-8b-instruct-v1:0", "meta-llama"],
      ["meta.llama4-scout-17b-instruct-v1:0", "meta-llama"],
      ["mistral.mistral-large-2402-v1:0", "mistral"],
      ["mistral.mixtral-8x7b-instruct-v0:1", "mistral"],
      ["cohere.command-r-v1:0", "cohere-command-r"],
      ["cohere.command-r-plus-v1:0", "cohere-command-r"],
      ["openai.gpt-oss-120b-1:0", "openai"],
    ];
    for (const [id, family] of examples) {
      it(`${id} -> ${family}`, () => assert.equal(familyOf(id), family));
    }

    it("reads the model out of a foundation-model ARN and a system inference profile ID", () => {
      assert.equal(familyOf("arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"), "amazon-nova");
      assert.equal(familyOf("global.anthropic.claude-sonnet-4-5-20250929-v1:0"), "anthropic");
      assert.equal(familyOf("us-gov.meta.llama3-8b-instruct-v1:0"), "meta-llama");
    });

    const unsupported: Array<[string, RegExp]> = [
      ["amazon.titan-embed-text-v2:0", /embedding/],
      ["cohere.embed-english-v3", /embedding/],
      ["stability.sd3-large-v1:0", /image/],
      ["amazon.nova-canvas-v1:0", /image/],
      ["meta.llama2-13b-chat-v1", /Llama 2/],
      ["mistral.mistral-large-2407-v1:0", /chat-completion/],
      ["ai21.jamba-1-5-large-v1:0", /matches no supported family/],
      ["", /empty/],
    ];
    for (const [id, reason] of unsupported) {
      it(`rejects ${JSON.stringify(id)} naming the ID, the reason and every supported family`, () => {
        assert.throws(
          () => familyOf(id),
          (error: unknown) => {
            assert.ok(error instanceof UnsupportedModelError);
            assert.ok(error.message.includes(`"${id}"`), error.message);
            assert.match(error.message, reason);
            for (const family of MODEL_FAMILIES) assert.ok(error.message.includes(family), `${family} missing`);
            return true;
          },
        );
      });
    }
  });

  it("describes every family", () => {
    assert.deepEqual(Object.keys(SUPPORTED_FAMILIES).sort(), [...MODEL_FAMILIES].sort());
    for (const family of MODEL_FAMILIES) assert.ok(SUPPORTED_FAMILIES[family].length > 10, family);
  });

  describe("buildRequestBody follows each provider's documented format", () => {
    const params: PromptParams = { prompt: "What is 2+2?", system: "Be terse.", maxTokens: 300, temperature: 0.4 };
    const bare: PromptParams = { ...params, system: undefined };

    it("anthropic: Messages API with anthropic_version, max_tokens and a top-level system string", async () => {
      const body = (await buildRequestBody("anthropic", params)) as any;
      assert.equal(body.anthropic_version, "bedrock-2023-05-31");
      assert.equal(body.max_tokens, 300);
      assert.equal(body.temperature, 0.4);
      assert.equal(body.system, "Be terse.");
      assert.deepEqual(body.messages, [{ role: "user", content: [{ type: "text", text: "What is 2+2?" }] }]);
      assert.ok(!("system" in (await buildRequestBody("anthropic", bare))));
    });

    it("amazon-nova: messages-v1 with system [{text}] and inferenceConfig", async () => {
      const body = (await buildRequestBody("amazon-nova", params)) as any;
      assert.equal(body.schemaVersion, "messages-v1");
      assert.deepEqual(body.system, [{ text: "Be terse." }]);
      assert.deepEqual(body.messages, [{ role: "user", content: [{ text: "What is 2+2?" }] }]);
      assert.deepEqual(body.inferenceConfig, { maxTokens: 300, temperature: 0.4 });
      assert.ok(!("system" in (await buildRequestBody("amazon-nova", bare))));
    });

    it("amazon-titan-text: inputText and textGenerationConfig.maxTokenCount", async () => {
      const body = (await buildRequestBody("amazon-titan-text", params)) as any;
      assert.equal(body.inputText, "Be terse.\n\nWhat is 2+2?");
      assert.deepEqual(body.textGenerationConfig, { maxTokenCount: 300, temperature: 0.4 });
      assert.equal(((await buildRequestBody("amazon-titan-text", bare)) as any).inputText, "What is 2+2?");
    });

    it("meta-llama: Llama 3 chat template in prompt, max_gen_len", async () => {
      const body = (await buildRequestBody("meta-llama", params)) as any;
      assert.equal(
        body.prompt,
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe terse.<|eot_id|>" +
          "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>" +
          "<|start_header_id|>assistant<|end_header_id|>\n\n",
      );
      assert.equal(body.max_gen_len, 300);
      assert.ok(!((await buildRequestBody("meta-llama", bare)) as any).prompt.includes("system"));
    });

    it("mistral: [INST] prompt and max_tokens", async () => {
      const body = (await buildRequestBody("mistral", params)) as any;
      assert.equal(body.prompt, "<s>[INST] Be terse.\n\nWhat is 2+2? [/INST]");
      assert.equal(body.max_tokens, 300);
      assert.equal(((await buildRequestBody("mistral", bare)) as any).prompt, "<s>[INST] What is 2+2? [/INST]");
    });

    it("cohere-command-r: message and preamble", async () => {
      assert.deepEqual(await buildRequestBody("cohere-command-r", params), {
        message: "What is 2+2?",
        preamble: "Be terse.",
        max_tokens: 300,
        temperature: 0.4,
      });
    });

    it("openai: chat completions messages and max_completion_tokens", async () => {
      assert.deepEqual(await buildRequestBody("openai", params), {
        messages: [
          { role: "system", content: "Be terse." },
          { role: "user", content: "What is 2+2?" },
        ],
        max_completion_tokens: 300,
        temperature: 0.4,
      });
    });

    it("every generation setting gets its own expression, however many a process uses", async () => {
      // More settings than the compiled-expression cache holds: evicted ones compile again, none is mixed up.
      for (let maxTokens = 1; maxTokens <= 600; maxTokens += 1) {
        const body = await buildRequestBody("mistral", { prompt: "p", maxTokens, temperature: maxTokens / 1000 });
        assert.deepEqual([body.max_tokens, body.temperature], [maxTokens, maxTokens / 1000]);
      }
      assert.equal((await buildRequestBody("mistral", { prompt: "p", maxTokens: 1, temperature: 0.001 })).max_tokens, 1);
    });
  });

  describe("normaliseResponse", () => {
    for (const family of MODEL_FAMILIES) {
      it(`${family}: reads back what sampleResponse wrote`, async () => {
        const body = sampleResponse(family, { text: `Hi from ${family}`, inputTokens: 12, outputTokens: 5, modelId: "m-1" });
        const normalised = await normaliseResponse(family, body);
        assert.deepEqual(Object.keys(normalised), ["text", "stopReason", "usage"]);
        assert.equal(normalised.text, `Hi from ${family}`);
        assert.equal(typeof normalised.stopReason, "string");
        const usage = reportsUsageInBody(family) ? { inputTokens: 12, outputTokens: 5 } : { inputTokens: null, outputTokens: null };
        assert.deepEqual(normalised.usage, usage);
      });

      it(`${family}: an empty body reads as empty text and nulls`, async () => {
        assert.deepEqual(await normaliseResponse(family, {}), { text: "", stopReason: null, usage: { inputTokens: null, outputTokens: null } });
      });
    }

    it("anthropic: joins the text blocks and skips thinking blocks; the model is the caller's, not the body's", async () => {
      const body = {
        model: "claude-x",
        content: [
          { type: "thinking", thinking: "hmm" },
          { type: "text", text: "Four" },
          { type: "text", text: "." },
        ],
        stop_reason: "end_turn",
        usage: { input_tokens: 3, output_tokens: 2 },
      };
      assert.deepEqual(await normaliseResponse("anthropic", body), {
        text: "Four.",
        stopReason: "end_turn",
        usage: { inputTokens: 3, outputTokens: 2 },
      });
    });

    it("openai: strips the <reasoning> block InvokeModel puts before the answer, and only that", async () => {
      const answer = async (content: string) => (await normaliseResponse("openai", { choices: [{ message: { content }, finish_reason: "stop" }] })).text;
      assert.equal(await answer("<reasoning>add them</reasoning>\n\n4"), "4");
      assert.equal(await answer("  <reasoning>x\ny</reasoning> answer"), "answer");
      assert.equal(await answer("4, not <reasoning>quoted</reasoning>"), "4, not <reasoning>quoted</reasoning>");
      assert.equal(await answer("<reasoning>never closed"), "<reasoning>never closed");
    });

    it("reads fields of the wrong type as empty text and null, not as errors", async () => {
      assert.deepEqual(await normaliseResponse("cohere-command-r", { text: 7, finish_reason: ["x"], meta: { billed_units: { input_tokens: "3" } } }), {
        text: "",
        stopReason: null,
        usage: { inputTokens: null, outputTokens: null },
      });
      assert.deepEqual((await normaliseResponse("amazon-nova", { output: { message: { content: [{ text: 1 }, { toolUse: {} }, { text: "ok" }] } } })).text, "ok");
    });

    it("rejects a body that is not a JSON object, naming the family", async () => {
      await assert.rejects(normaliseResponse("anthropic", "oops"), /anthropic response: expected a JSON object body, got a string/);
      await assert.rejects(normaliseResponse("openai", [1]), /got an array/);
      await assert.rejects(normaliseResponse("mistral", null), /got null/);
    });

    it("rejects an unknown family, listing the valid ones", async () => {
      await assert.rejects(normaliseResponse("gpt" as ModelFamily, {}), /Unknown model family "gpt"; valid families: anthropic, amazon-nova/);
      await assert.rejects(buildRequestBody("gpt" as ModelFamily, { prompt: "p", maxTokens: 1, temperature: 0 }), /Unknown model family "gpt"/);
    });
  });

  // Responses are at most 25 MB (InvokeModel's limit): an attacker-sized one is read, or refused clearly, never hangs.
  describe("attacker-sized responses", () => {
    const MB25 = 25_000_000;

    it("openai: a 25 MB answer with an unclosed, a repeated or a whitespace-only <reasoning> is read as it is", async () => {
      const answer = async (content: string) => (await normaliseResponse("openai", { choices: [{ message: { content } }] })).text;
      const unclosed = `<reasoning>${"x".repeat(MB25)}`;
      assert.equal(await answer(unclosed), unclosed);
      const repeated = "<reasoning> ".repeat(MB25 / 12);
      assert.equal(await answer(repeated), repeated);
      const spaces = " ".repeat(MB25);
      assert.equal(await answer(spaces), spaces);
      assert.equal(await answer(`<reasoning>${"y".repeat(MB25)}</reasoning> done`), "done");
    });

    it("a body nested a million arrays deep is refused, naming the family", async () => {
      const deep = JSON.parse("[".repeat(1_000_000) + "]".repeat(1_000_000));
      await assert.rejects(normaliseResponse("anthropic", { content: deep }), /^Error: Cannot normalise the anthropic response: the body is nested too deeply to read$/);
    });

    it("a 25 MB prompt becomes a body with the prompt intact, for every family", async () => {
      const prompt = "p".repeat(MB25);
      for (const family of MODEL_FAMILIES) {
        const body = JSON.stringify(await buildRequestBody(family, { prompt, system: "s", maxTokens: 1, temperature: 0 }));
        assert.ok(body.includes(prompt), family);
      }
    });
  });

  describe("the body is written once: every input form gives the same body", () => {
    // No backslash: aws-local-stepfunctions drops backslashes from States.Format arguments (AWS keeps them).
    const inputs: Array<Pick<PromptParams, "prompt" | "system">> = [
      { prompt: "plain", system: undefined },
      { prompt: "plain", system: "" },
      { prompt: `quotes " and ' and {braces} {}`, system: "line one\nline two" },
      { prompt: "%} {% and $dollar & ampersand", system: "ünïcödé ✓ and \t tab" },
    ];
    for (const family of MODEL_FAMILIES) {
      it(`${family}: the JSONPath payload template builds what the JSONata body builds`, async () => {
        for (const input of inputs) {
          const params = { ...input, maxTokens: 77, temperature: 0.9 };
          assert.deepEqual(await jsonPathBody(family, params), await buildRequestBody(family, params), JSON.stringify(input));
        }
      });

      it(`${family}: prompt and system text reach the body unchanged, backslashes included`, async () => {
        const prompt = `a "quoted" \\ backslash \\n not a newline, {% not an expression %}`;
        const system = `sys \\ "x" \u2028`;
        const body = JSON.stringify(await buildRequestBody(family, { prompt, system, maxTokens: 5, temperature: 0 }));
        assert.ok(body.includes(JSON.stringify(prompt).slice(1, -1)), body);
        assert.ok(body.includes(JSON.stringify(system).slice(1, -1)), body);
      });
    }
  });

  describe("familyOfInvokedModel: the format a server answers a model ID in", () => {
    it("the model the identifier names wins over the configured family", () => {
      assert.equal(familyOfInvokedModel("us.meta.llama3-8b-instruct-v1:0", "amazon-nova"), "meta-llama");
      assert.equal(familyOfInvokedModel("arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"), "amazon-nova");
    });

    it("the configured family answers for an identifier that hides its model, and its absence is a clear error", () => {
      const profile = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123";
      assert.equal(familyOfInvokedModel(profile, "openai"), "openai");
      assert.throws(
        () => familyOfInvokedModel(profile),
        (error: unknown) => error instanceof UnsupportedModelError && /set modelFamily/.test(error.message),
      );
    });
  });
});

/** Families whose response body carries token counts somewhere (Mistral and the legacy formats: headers only). */
function reportsUsageInBody(family: ModelFamily): boolean {
  const paths = responseResultPaths(family);
  return paths.inputTokens !== null || paths.optionalUsage !== undefined;
}
