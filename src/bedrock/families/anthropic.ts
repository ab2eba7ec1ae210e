// Anthropic Claude, Messages API (Bedrock User Guide: "Anthropic Claude Messages API").
import { type FamilyFormat, jJoinTexts, jNormalised, jNumberOrNull, jStringOrNull, jsonPathSystemField, jsonataString, jOptionalField, optionalField } from "./format";

const ANTHROPIC_VERSION = "bedrock-2023-05-31";

export const anthropic: FamilyFormat = {
  description: "Anthropic Claude, Messages API (anthropic.claude-*)",
  modelIdPattern: /^anthropic\.claude/,
  bodyJsonata: ({ maxTokens, temperature }) =>
    `$merge([{"anthropic_version": ${jsonataString(ANTHROPIC_VERSION)}, "max_tokens": ${maxTokens}${jOptionalField("temperature", temperature)}}, ` +
    `$system ? {"system": $system} : {}, ` +
    `{"messages": [{"role": "user", "content": [{"type": "text", "text": $prompt}]}]}])`,
  bodyJsonPathTemplate: ({ maxTokens, temperature }, system) => ({
    anthropic_version: ANTHROPIC_VERSION,
    max_tokens: maxTokens,
    ...optionalField("temperature", temperature),
    ...jsonPathSystemField(system, "system"),
    messages: [{ role: "user", content: [{ type: "text", "text.$": "$.prompt" }] }],
  }),
  // Only "text" blocks: with extended thinking the first block is a "thinking" block.
  normaliseJsonata: jNormalised(
    jJoinTexts(`$body.content[type = "text"].text`),
    jStringOrNull("$body.stop_reason"),
    jNumberOrNull("$body.usage.input_tokens"),
    jNumberOrNull("$body.usage.output_tokens"),
  ),
  resultPaths: {
    text: "$.Body.content[0].text",
    stopReason: "$.Body.stop_reason",
    inputTokens: "$.Body.usage.input_tokens",
    outputTokens: "$.Body.usage.output_tokens",
  },
  sample: ({ text, inputTokens, outputTokens, modelId }) => ({
    id: "msg_local_0001",
    type: "message",
    role: "assistant",
    model: modelId,
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: inputTokens, output_tokens: outputTokens },
  }),
};
