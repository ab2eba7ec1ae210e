// Mistral AI text completion (Bedrock User Guide: "Mistral AI text completion").
import { type FamilyFormat, jNormalised, jStringOrEmpty, jStringOrNull, jsonPathFormattedPrompt, jsonataString, jOptionalField, optionalField } from "./format";

// No system role: the system text opens the [INST] block.
const START = "<s>[INST] ";
const END = " [/INST]";
const SYSTEM_SEPARATOR = "\n\n";

export const mistral: FamilyFormat = {
  description:
    "Mistral AI text completion (mistral.mistral-7b-instruct, mistral.mixtral-8x7b-instruct, mistral.mistral-large-2402, mistral.mistral-small-2402); a system prompt opens the [INST] block; no token counts in the body",
  modelIdPattern: /^mistral\.(?:mistral-7b-instruct|mixtral-8x7b-instruct|mistral-large-2402|mistral-small-2402)/,
  bodyJsonata: ({ maxTokens, temperature }) =>
    `{"prompt": ${jsonataString(START)} & ($system ? $system & ${jsonataString(SYSTEM_SEPARATOR)} : "") & ` +
    `$prompt & ${jsonataString(END)}, "max_tokens": ${maxTokens}${jOptionalField("temperature", temperature)}}`,
  bodyJsonPathTemplate: ({ maxTokens, temperature }, system) => ({
    "prompt.$": jsonPathFormattedPrompt(system, {
      start: START,
      systemBlock: (s) => `${s}${SYSTEM_SEPARATOR}`,
      beforePrompt: "",
      end: END,
    }),
    max_tokens: maxTokens,
    ...optionalField("temperature", temperature),
  }),
  // Bedrock reports Mistral token counts only in HTTP headers, which Step Functions does not pass on.
  normaliseJsonata: jNormalised(jStringOrEmpty("$body.outputs[0].text"), jStringOrNull("$body.outputs[0].stop_reason"), "null", "null"),
  resultPaths: {
    text: "$.Body.outputs[0].text",
    stopReason: "$.Body.outputs[0].stop_reason",
    inputTokens: null,
    outputTokens: null,
  },
  sample: ({ text }) => ({ outputs: [{ text, stop_reason: "stop" }] }),
};
