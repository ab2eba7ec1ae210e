// Amazon Titan Text (Bedrock User Guide: "Amazon Titan Text models").
import { type FamilyFormat, jNormalised, jNumberOrNull, jStringOrEmpty, jStringOrNull, jsonPathPrependedSystem, jsonataString, jOptionalField, optionalField } from "./format";

// Titan Text has no system field: the system prompt goes before the user's text.
const SYSTEM_SEPARATOR = "\n\n";

export const amazonTitanText: FamilyFormat = {
  description: "Amazon Titan Text (amazon.titan-text-*, amazon.titan-tg1-large); a system prompt is prepended to inputText",
  modelIdPattern: /^amazon\.titan-(?:text-|tg1-)/,
  bodyJsonata: ({ maxTokens, temperature }) =>
    `{"inputText": $system ? $system & ${jsonataString(SYSTEM_SEPARATOR)} & $prompt : $prompt, ` +
    `"textGenerationConfig": {"maxTokenCount": ${maxTokens}${jOptionalField("temperature", temperature)}}}`,
  bodyJsonPathTemplate: ({ maxTokens, temperature }, system) => ({
    ...jsonPathPrependedSystem(system, "inputText", SYSTEM_SEPARATOR),
    textGenerationConfig: { maxTokenCount: maxTokens, ...optionalField("temperature", temperature) },
  }),
  normaliseJsonata: jNormalised(
    jStringOrEmpty("$body.results[0].outputText"),
    jStringOrNull("$body.results[0].completionReason"),
    jNumberOrNull("$body.inputTextTokenCount"),
    jNumberOrNull("$body.results[0].tokenCount"),
  ),
  resultPaths: {
    text: "$.Body.results[0].outputText",
    stopReason: "$.Body.results[0].completionReason",
    inputTokens: "$.Body.inputTextTokenCount",
    outputTokens: "$.Body.results[0].tokenCount",
  },
  sample: ({ text, inputTokens, outputTokens }) => ({
    inputTextTokenCount: inputTokens,
    results: [{ tokenCount: outputTokens, outputText: text, completionReason: "FINISH" }],
  }),
};
