// Cohere Command text generation, legacy (Bedrock User Guide: "Cohere Command models"): `prompt` ->
// `generations[0].text`. The body carries no token counts (Bedrock reports them only in HTTP headers).
import { type FamilyFormat, LEGACY_NOTE, jNormalised, jStringOrEmpty, jStringOrNull, jsonPathPrependedSystem, jsonataString, jOptionalField, optionalField } from "./format";

// No system field: the system prompt goes before the user's text, as for Titan.
const SYSTEM_SEPARATOR = "\n\n";

export const cohereCommand: FamilyFormat = {
  description: "Cohere Command text generation, legacy (cohere.command-text-v14, cohere.command-light-text-v14); a system prompt is prepended to the prompt",
  legacy: LEGACY_NOTE,
  modelIdPattern: /^cohere\.command-(?:light-)?text/,
  bodyJsonata: ({ maxTokens, temperature }) =>
    `{"prompt": $system ? $system & ${jsonataString(SYSTEM_SEPARATOR)} & $prompt : $prompt, ` + `"max_tokens": ${maxTokens}${jOptionalField("temperature", temperature)}}`,
  bodyJsonPathTemplate: ({ maxTokens, temperature }, system) => ({
    ...jsonPathPrependedSystem(system, "prompt", SYSTEM_SEPARATOR),
    max_tokens: maxTokens,
    ...optionalField("temperature", temperature),
  }),
  normaliseJsonata: jNormalised(jStringOrEmpty("$body.generations[0].text"), jStringOrNull("$body.generations[0].finish_reason"), "null", "null"),
  resultPaths: { text: "$.Body.generations[0].text", stopReason: "$.Body.generations[0].finish_reason", inputTokens: null, outputTokens: null },
  sample: ({ text }) => ({
    id: "local-generation-0001",
    prompt: "",
    generations: [{ id: "local-0001", text, finish_reason: "COMPLETE" }],
  }),
};
