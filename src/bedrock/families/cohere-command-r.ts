// Cohere Command R and R+ chat (Bedrock User Guide: "Cohere Command R and Command R+ models").
import { type FamilyFormat, jNormalised, jNumberOrNull, jStringOrEmpty, jStringOrNull, jsonPathSystemField, jOptionalField, optionalField } from "./format";

export const cohereCommandR: FamilyFormat = {
  description: "Cohere Command R and R+ chat (cohere.command-r*); the system prompt becomes the preamble",
  modelIdPattern: /^cohere\.command-r/,
  bodyJsonata: ({ maxTokens, temperature }) =>
    `$merge([{"message": $prompt}, $system ? {"preamble": $system} : {}, ` + `{"max_tokens": ${maxTokens}${jOptionalField("temperature", temperature)}}])`,
  bodyJsonPathTemplate: ({ maxTokens, temperature }, system) => ({
    "message.$": "$.prompt",
    ...jsonPathSystemField(system, "preamble"),
    max_tokens: maxTokens,
    ...optionalField("temperature", temperature),
  }),
  normaliseJsonata: jNormalised(
    jStringOrEmpty("$body.text"),
    jStringOrNull("$body.finish_reason"),
    jNumberOrNull("$body.meta.billed_units.input_tokens"),
    jNumberOrNull("$body.meta.billed_units.output_tokens"),
  ),
  // A JSONPath ResultSelector fails on a missing path, and `meta` is optional: the counts come in a later state.
  resultPaths: {
    text: "$.Body.text",
    stopReason: "$.Body.finish_reason",
    inputTokens: null,
    outputTokens: null,
    optionalUsage: { inputTokens: "$.meta.billed_units.input_tokens", outputTokens: "$.meta.billed_units.output_tokens" },
  },
  sample: ({ text, inputTokens, outputTokens }) => ({
    response_id: "local-response-0001",
    text,
    generation_id: "local-generation-0001",
    chat_history: [{ role: "CHATBOT", message: text }],
    finish_reason: "COMPLETE",
    meta: { api_version: { version: "1" }, billed_units: { input_tokens: inputTokens, output_tokens: outputTokens } },
  }),
};
