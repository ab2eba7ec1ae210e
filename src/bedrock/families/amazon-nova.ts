// Amazon Nova understanding models, messages-v1 schema (Amazon Nova User Guide: "Complete request schema").
import { type FamilyFormat, jJoinTexts, jNormalised, jNumberOrNull, jStringOrNull, jOptionalField, optionalField } from "./format";

export const amazonNova: FamilyFormat = {
  description: "Amazon Nova understanding models, messages-v1 schema (amazon.nova-micro/lite/pro/premier, amazon.nova-2-lite)",
  modelIdPattern: /^amazon\.nova-(?:2-)?(?:micro|lite|pro|premier)\b/,
  bodyJsonata: ({ maxTokens, temperature }) =>
    `$merge([{"schemaVersion": "messages-v1"}, ` +
    `$system ? {"system": [{"text": $system}]} : {}, ` +
    `{"messages": [{"role": "user", "content": [{"text": $prompt}]}], ` +
    `"inferenceConfig": {"maxTokens": ${maxTokens}${jOptionalField("temperature", temperature)}}}])`,
  bodyJsonPathTemplate: ({ maxTokens, temperature }, system) => ({
    schemaVersion: "messages-v1",
    ...(system.kind === "inputPath" ? { system: [{ "text.$": system.path }] } : {}),
    messages: [{ role: "user", content: [{ "text.$": "$.prompt" }] }],
    inferenceConfig: { maxTokens, ...optionalField("temperature", temperature) },
  }),
  // Blocks without text (reasoning, tool use) are skipped.
  normaliseJsonata: jNormalised(
    jJoinTexts("$body.output.message.content.text"),
    jStringOrNull("$body.stopReason"),
    jNumberOrNull("$body.usage.inputTokens"),
    jNumberOrNull("$body.usage.outputTokens"),
  ),
  resultPaths: {
    text: "$.Body.output.message.content[0].text",
    stopReason: "$.Body.stopReason",
    inputTokens: "$.Body.usage.inputTokens",
    outputTokens: "$.Body.usage.outputTokens",
  },
  sample: ({ text, inputTokens, outputTokens }) => ({
    output: { message: { role: "assistant", content: [{ text }] } },
    stopReason: "end_turn",
    usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
  }),
};
