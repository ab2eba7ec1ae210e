// Anthropic Claude Text Completions, legacy (Bedrock User Guide: "Anthropic Claude Text Completions API"): `prompt`
// with Human/Assistant turns -> `completion`, so the older write-ups' systems run by config alone. The body carries
// no token counts (Bedrock reports them only in HTTP headers, which Step Functions does not pass on).
import { type FamilyFormat, LEGACY_NOTE, jNormalised, jStringOrEmpty, jStringOrNull, jsonPathFormattedPrompt, jsonataString, jOptionalField, optionalField } from "./format";

// An optional system text, then the Human turn, ending with the Assistant turn.
const HUMAN = "\n\nHuman: ";
const ASSISTANT = "\n\nAssistant:";

export const anthropicTextCompletions: FamilyFormat = {
  description:
    "Anthropic Claude Text Completions, legacy (anthropic.claude-v2, claude-v2:1, claude-instant-v1; set modelFamily, as these also take the Messages API); the system prompt precedes the Human turn",
  legacy: LEGACY_NOTE,
  // Never derived: the same models speak the Messages API (family "anthropic"), which is the default.
  modelIdPattern: /(?!)/,
  bodyJsonata: ({ maxTokens, temperature }) =>
    `{"prompt": $system & ${jsonataString(HUMAN)} & $prompt & ${jsonataString(ASSISTANT)}, ` + `"max_tokens_to_sample": ${maxTokens}${jOptionalField("temperature", temperature)}}`,
  bodyJsonPathTemplate: ({ maxTokens, temperature }, system) => ({
    "prompt.$": jsonPathFormattedPrompt(system, { start: "", systemBlock: (s) => s, beforePrompt: HUMAN, end: ASSISTANT }),
    max_tokens_to_sample: maxTokens,
    ...optionalField("temperature", temperature),
  }),
  normaliseJsonata: jNormalised(jStringOrEmpty("$body.completion"), jStringOrNull("$body.stop_reason"), "null", "null"),
  resultPaths: { text: "$.Body.completion", stopReason: "$.Body.stop_reason", inputTokens: null, outputTokens: null },
  sample: ({ text }) => ({ type: "completion", completion: text, stop_reason: "stop_sequence", stop: "\n\nHuman:" }),
};
