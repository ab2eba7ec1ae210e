// Meta Llama 3 and 4 instruct models (Bedrock User Guide: "Meta Llama models"), Llama 3 chat template.
import { type FamilyFormat, jNormalised, jNumberOrNull, jStringOrEmpty, jStringOrNull, jsonPathFormattedPrompt, jsonataString, jOptionalField, optionalField } from "./format";

// The raw prompt must carry the header and end-of-turn tokens.
const BEGIN = "<|begin_of_text|>";
const SYSTEM_START = "<|start_header_id|>system<|end_header_id|>\n\n";
const USER_START = "<|start_header_id|>user<|end_header_id|>\n\n";
const END_OF_TURN = "<|eot_id|>";
const USER_END = `${END_OF_TURN}<|start_header_id|>assistant<|end_header_id|>\n\n`;

export const metaLlama: FamilyFormat = {
  description: "Meta Llama 3 and 4 instruct models (meta.llama3*, meta.llama4*), Llama 3 chat template",
  modelIdPattern: /^meta\.llama[34]/,
  bodyJsonata: ({ maxTokens, temperature }) =>
    `{"prompt": ${jsonataString(BEGIN)} & ` +
    `($system ? ${jsonataString(SYSTEM_START)} & $system & ${jsonataString(END_OF_TURN)} : "") & ` +
    `${jsonataString(USER_START)} & $prompt & ${jsonataString(USER_END)}, ` +
    `"max_gen_len": ${maxTokens}${jOptionalField("temperature", temperature)}}`,
  bodyJsonPathTemplate: ({ maxTokens, temperature }, system) => ({
    "prompt.$": jsonPathFormattedPrompt(system, {
      start: BEGIN,
      systemBlock: (s) => `${SYSTEM_START}${s}${END_OF_TURN}`,
      beforePrompt: USER_START,
      end: USER_END,
    }),
    max_gen_len: maxTokens,
    ...optionalField("temperature", temperature),
  }),
  normaliseJsonata: jNormalised(
    jStringOrEmpty("$body.generation"),
    jStringOrNull("$body.stop_reason"),
    jNumberOrNull("$body.prompt_token_count"),
    jNumberOrNull("$body.generation_token_count"),
  ),
  resultPaths: {
    text: "$.Body.generation",
    stopReason: "$.Body.stop_reason",
    inputTokens: "$.Body.prompt_token_count",
    outputTokens: "$.Body.generation_token_count",
  },
  sample: ({ text, inputTokens, outputTokens }) => ({
    generation: text,
    prompt_token_count: inputTokens,
    generation_token_count: outputTokens,
    stop_reason: "stop",
  }),
};
