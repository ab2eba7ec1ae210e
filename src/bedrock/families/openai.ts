// OpenAI gpt-oss open-weight models, Chat Completions format (Bedrock User Guide: "OpenAI models").
import { type FamilyFormat, jNormalised, jNumberOrNull, jStringOrEmpty, jStringOrNull, jOptionalField, optionalField } from "./format";

// With InvokeModel, gpt-oss puts its reasoning in <reasoning> tags before the answer. Anchored, with one lazy
// run between two literals: linear on any text, as JSONata runs it with the host's backtracking regex engine.
const REASONING = "/^\\s*<reasoning>[\\s\\S]*?<\\/reasoning>\\s*/";

export const openai: FamilyFormat = {
  description: "OpenAI gpt-oss open-weight models, Chat Completions format (openai.gpt-oss-*); <reasoning> is stripped from the text",
  modelIdPattern: /^openai\.gpt-oss/,
  bodyJsonata: ({ maxTokens, temperature }) =>
    `{"messages": $append($system ? [{"role": "system", "content": $system}] : [], [{"role": "user", "content": $prompt}]), ` +
    `"max_completion_tokens": ${maxTokens}${jOptionalField("temperature", temperature)}}`,
  bodyJsonPathTemplate: ({ maxTokens, temperature }, system) => ({
    messages: [...(system.kind === "inputPath" ? [{ role: "system", "content.$": system.path }] : []), { role: "user", "content.$": "$.prompt" }],
    max_completion_tokens: maxTokens,
    ...optionalField("temperature", temperature),
  }),
  normaliseJsonata: jNormalised(
    `$replace(${jStringOrEmpty("$body.choices[0].message.content")}, ${REASONING}, "")`,
    jStringOrNull("$body.choices[0].finish_reason"),
    jNumberOrNull("$body.usage.prompt_tokens"),
    jNumberOrNull("$body.usage.completion_tokens"),
  ),
  resultPaths: {
    text: "$.Body.choices[0].message.content",
    stopReason: "$.Body.choices[0].finish_reason",
    inputTokens: "$.Body.usage.prompt_tokens",
    outputTokens: "$.Body.usage.completion_tokens",
  },
  sample: ({ text, inputTokens, outputTokens, modelId }) => ({
    id: "chatcmpl-local-0001",
    object: "chat.completion",
    created: 0,
    model: modelId,
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
    usage: { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens },
  }),
};
