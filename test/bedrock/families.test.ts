import { strict as assert } from "node:assert";
import jsonata from "jsonata";
import {
  buildRequestBody,
  familyOf,
  MODEL_FAMILIES,
  normaliseResponse,
  normaliseResponseJsonata,
  requestBodyJsonata,
  responseResultPaths,
  legacyNoteOf,
  sampleResponse,
  SUPPORTED_FAMILIES,
  UnsupportedModelError,
  type ModelFamily,
  type PromptParams,
} from "../../bedrock/families";

const evaluate = (expression: string, bindings: Record<string, unknown>) => jsonata(expression).evaluate(null, bindings);

describe("bedrock/families", () => {
  describe("legacy text formats of the seed write-ups", () => {
    it("anthropic-text-completions: the Human/Assistant prompt and max_tokens_to_sample, answer from completion", () => {
      const body = buildRequestBody("anthropic-text-completions", { prompt: "Give me a cowboy joke", maxTokens: 256, temperature: 0.5 });
      assert.deepEqual(body, { prompt: "\n\nHuman: Give me a cowboy joke\n\nAssistant:", max_tokens_to_sample: 256, temperature: 0.5 });
      const withSystem = buildRequestBody("anthropic-text-completions", { prompt: "Hi", system: "Be brief.", maxTokens: 10, temperature: 0 }) as { prompt: string };
      assert.equal(withSystem.prompt, "Be brief.\n\nHuman: Hi\n\nAssistant:");
      assert.equal(normaliseResponse("anthropic-text-completions", { completion: " Howdy", stop_reason: "stop_sequence" }).text, " Howdy");
      // The same models take the Messages API, which stays the derived default.
      assert.equal(familyOf("anthropic.claude-instant-v1"), "anthropic");
    });

    it("cohere-command: prompt -> generations[0].text, derived from cohere.command-text-v14", () => {
      assert.equal(familyOf("cohere.command-text-v14"), "cohere-command");
      assert.equal(familyOf("cohere.command-light-text-v14"), "cohere-command");
      assert.deepEqual(buildRequestBody("cohere-command", { prompt: "Hello", maxTokens: 250, temperature: 0.5 }), { prompt: "Hello", max_tokens: 250, temperature: 0.5 });
      assert.equal(normaliseResponse("cohere-command", { generations: [{ text: "Hi there", finish_reason: "COMPLETE" }] }).text, "Hi there");
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

    it("anthropic: Messages API with anthropic_version, max_tokens and a top-level system string", () => {
      const body = buildRequestBody("anthropic", params) as any;
      assert.equal(body.anthropic_version, "bedrock-2023-05-31");
      assert.equal(body.max_tokens, 300);
      assert.equal(body.temperature, 0.4);
      assert.equal(body.system, "Be terse.");
      assert.deepEqual(body.messages, [{ role: "user", content: [{ type: "text", text: "What is 2+2?" }] }]);
      assert.ok(!("system" in buildRequestBody("anthropic", bare)));
    });

    it("amazon-nova: messages-v1 with system [{text}] and inferenceConfig", () => {
      const body = buildRequestBody("amazon-nova", params) as any;
      assert.equal(body.schemaVersion, "messages-v1");
      assert.deepEqual(body.system, [{ text: "Be terse." }]);
      assert.deepEqual(body.messages, [{ role: "user", content: [{ text: "What is 2+2?" }] }]);
      assert.deepEqual(body.inferenceConfig, { maxTokens: 300, temperature: 0.4 });
      assert.ok(!("system" in buildRequestBody("amazon-nova", bare)));
    });

    it("amazon-titan-text: inputText and textGenerationConfig.maxTokenCount", () => {
      const body = buildRequestBody("amazon-titan-text", params) as any;
      assert.equal(body.inputText, "Be terse.\n\nWhat is 2+2?");
      assert.deepEqual(body.textGenerationConfig, { maxTokenCount: 300, temperature: 0.4 });
      assert.equal((buildRequestBody("amazon-titan-text", bare) as any).inputText, "What is 2+2?");
    });

    it("meta-llama: Llama 3 chat template in prompt, max_gen_len", () => {
      const body = buildRequestBody("meta-llama", params) as any;
      assert.equal(
        body.prompt,
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe terse.<|eot_id|>" +
          "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>" +
          "<|start_header_id|>assistant<|end_header_id|>\n\n",
      );
      assert.equal(body.max_gen_len, 300);
      assert.ok(!(buildRequestBody("meta-llama", bare) as any).prompt.includes("system"));
    });

    it("mistral: [INST] prompt and max_tokens", () => {
      const body = buildRequestBody("mistral", params) as any;
      assert.equal(body.prompt, "<s>[INST] Be terse.\n\nWhat is 2+2? [/INST]");
      assert.equal(body.max_tokens, 300);
      assert.equal((buildRequestBody("mistral", bare) as any).prompt, "<s>[INST] What is 2+2? [/INST]");
    });

    it("cohere-command-r: message and preamble", () => {
      assert.deepEqual(buildRequestBody("cohere-command-r", params), {
        message: "What is 2+2?",
        preamble: "Be terse.",
        max_tokens: 300,
        temperature: 0.4,
      });
    });

    it("openai: chat completions messages and max_completion_tokens", () => {
      assert.deepEqual(buildRequestBody("openai", params), {
        messages: [
          { role: "system", content: "Be terse." },
          { role: "user", content: "What is 2+2?" },
        ],
        max_completion_tokens: 300,
        temperature: 0.4,
      });
    });
  });

  describe("normaliseResponse", () => {
    for (const family of MODEL_FAMILIES) {
      it(`${family}: reads back what sampleResponse wrote`, () => {
        const body = sampleResponse(family, { text: `Hi from ${family}`, inputTokens: 12, outputTokens: 5, modelId: "m-1" });
        const normalised = normaliseResponse(family, body);
        assert.equal(normalised.text, `Hi from ${family}`);
        assert.equal(typeof normalised.stopReason, "string");
        if (!reportsUsageInBody(family)) {
          assert.deepEqual(normalised.usage, { inputTokens: null, outputTokens: null });
        } else {
          assert.deepEqual(normalised.usage, { inputTokens: 12, outputTokens: 5 });
        }
      });
    }

    it("anthropic: joins the text blocks and skips thinking blocks", () => {
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
      assert.deepEqual(normaliseResponse("anthropic", body), {
        text: "Four.",
        stopReason: "end_turn",
        usage: { inputTokens: 3, outputTokens: 2 },
        model: "claude-x",
      });
    });

    it("openai: strips the <reasoning> block InvokeModel puts before the answer", () => {
      const body = { choices: [{ message: { content: "<reasoning>add them</reasoning>\n\n4" }, finish_reason: "stop" }] };
      assert.equal(normaliseResponse("openai", body).text, "4");
    });

    it("reports missing fields as empty text and null, not as errors", () => {
      assert.deepEqual(normaliseResponse("cohere-command-r", { text: "ok", finish_reason: "COMPLETE" }).usage, {
        inputTokens: null,
        outputTokens: null,
      });
      assert.deepEqual(normaliseResponse("amazon-nova", {}), {
        text: "",
        stopReason: null,
        usage: { inputTokens: null, outputTokens: null },
      });
    });

    it("rejects a body that is not a JSON object, naming the family", () => {
      assert.throws(() => normaliseResponse("anthropic", "oops"), /anthropic response: expected a JSON object body, got a string/);
      assert.throws(() => normaliseResponse("openai", [1]), /got an array/);
    });
  });

  describe("JSONata fragments agree with the TypeScript functions", () => {
    const tricky = [
      { prompt: "plain", system: "" },
      { prompt: "quotes \" and ' and \\ backslash", system: "line one\nline two" },
      { prompt: "braces {} %} {% and $dollar", system: "ünïcödé ✓ and \t tab" },
    ];
    for (const family of MODEL_FAMILIES) {
      it(`${family}: request body`, async () => {
        const expression = requestBodyJsonata(family, { maxTokens: 77, temperature: 0.9 });
        for (const { prompt, system } of tricky) {
          const viaJsonata = await evaluate(expression, { prompt, system });
          assert.deepEqual(viaJsonata, buildRequestBody(family, { prompt, system, maxTokens: 77, temperature: 0.9 }));
        }
      });

      it(`${family}: normalised response`, async () => {
        const bodies: unknown[] = [
          sampleResponse(family, { text: "Answer with\nnewline", inputTokens: 1, outputTokens: 2, modelId: "m" }),
          {},
        ];
        for (const body of bodies) {
          const { model: _model, ...expected } = normaliseResponse(family, body);
          assert.deepEqual(await evaluate(normaliseResponseJsonata(family), { body }), expected);
        }
      });
    }

    it("anthropic and openai edge cases normalise the same way in JSONata", async () => {
      const anthropicBody = { content: [{ type: "thinking" }, { type: "text", text: "a" }, { type: "text", text: "b" }] };
      const openaiBody = { choices: [{ message: { content: "  <reasoning>x\ny</reasoning> answer" } }] };
      assert.equal(((await evaluate(normaliseResponseJsonata("anthropic"), { body: anthropicBody })) as any).text, "ab");
      assert.equal(((await evaluate(normaliseResponseJsonata("openai"), { body: openaiBody })) as any).text, "answer");
    });
  });
});

/** Families whose response body carries token counts somewhere (Mistral and the legacy formats: headers only). */
function reportsUsageInBody(family: ModelFamily): boolean {
  const paths = responseResultPaths(family);
  return paths.inputTokens !== null || paths.optionalUsage !== undefined;
}
