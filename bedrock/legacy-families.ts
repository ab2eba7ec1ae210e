// The two legacy text formats that older write-ups use, so their systems run by config alone:
// Anthropic Text Completions (`prompt` with Human/Assistant turns -> `completion`) and Cohere Command
// (`prompt` -> `generations[0].text`). Formats from the Bedrock User Guide pages "Anthropic Claude Text
// Completions API" and "Cohere Command models". Neither response body carries token counts (Bedrock reports
// them only in HTTP headers, which Step Functions does not pass on), so usage is null.
import {
  type FamilyFormat,
  at,
  jNormalised,
  jStringOrEmpty,
  jStringOrNull,
  jsonPathFormattedPrompt,
  jsonataString,
  stringOrEmpty,
  stringOrNull,
} from "./family-format";

const LEGACY_NOTE =
  "legacy: AWS's model lifecycle page lists this model family as Legacy or end-of-life; a Legacy model stays at least " +
  "6 months before its EOL date, new customers cannot use it, and calls fail after EOL (https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html)";

// Claude's text-completion prompt: an optional system text, then alternating turns, ending with the Assistant turn.
const HUMAN = "\n\nHuman: ";
const ASSISTANT = "\n\nAssistant:";

export const anthropicTextCompletions: FamilyFormat = {
  description:
    "Anthropic Claude Text Completions, legacy (anthropic.claude-v2, claude-v2:1, claude-instant-v1; set bedrock-sfn:modelFamily, as these also take the Messages API); the system prompt precedes the Human turn",
  legacy: LEGACY_NOTE,
  // Never derived: the same models speak the Messages API (family "anthropic"), which is the default.
  modelIdPattern: /(?!)/,
  buildBody: ({ prompt, system, maxTokens, temperature }) => ({
    prompt: `${system ?? ""}${HUMAN}${prompt}${ASSISTANT}`,
    max_tokens_to_sample: maxTokens,
    temperature,
  }),
  bodyJsonata: ({ maxTokens, temperature }) =>
    `{"prompt": $system & ${jsonataString(HUMAN)} & $prompt & ${jsonataString(ASSISTANT)}, ` +
    `"max_tokens_to_sample": ${maxTokens}, "temperature": ${temperature}}`,
  bodyJsonPathTemplate: ({ maxTokens, temperature }, system) => ({
    "prompt.$": jsonPathFormattedPrompt(system, { start: "", systemBlock: (s) => s, beforePrompt: HUMAN, end: ASSISTANT }),
    max_tokens_to_sample: maxTokens,
    temperature,
  }),
  normalise: (body) => ({
    text: stringOrEmpty(body.completion),
    stopReason: stringOrNull(body.stop_reason),
    usage: { inputTokens: null, outputTokens: null },
  }),
  normaliseJsonata: jNormalised(jStringOrEmpty("$body.completion"), jStringOrNull("$body.stop_reason"), "null", "null"),
  resultPaths: { text: "$.Body.completion", stopReason: "$.Body.stop_reason", inputTokens: null, outputTokens: null },
  sample: ({ text }) => ({ type: "completion", completion: text, stop_reason: "stop_sequence", stop: "\n\nHuman:" }),
};

// Cohere Command has no system field: the system prompt goes before the user's text, as for Titan.
const COHERE_SYSTEM_SEPARATOR = "\n\n";

export const cohereCommand: FamilyFormat = {
  description: "Cohere Command text generation, legacy (cohere.command-text-v14, cohere.command-light-text-v14); a system prompt is prepended to the prompt",
  legacy: LEGACY_NOTE,
  modelIdPattern: /^cohere\.command-(?:light-)?text/,
  buildBody: ({ prompt, system, maxTokens, temperature }) => ({
    prompt: system ? `${system}${COHERE_SYSTEM_SEPARATOR}${prompt}` : prompt,
    max_tokens: maxTokens,
    temperature,
  }),
  bodyJsonata: ({ maxTokens, temperature }) =>
    `{"prompt": $system ? $system & ${jsonataString(COHERE_SYSTEM_SEPARATOR)} & $prompt : $prompt, ` +
    `"max_tokens": ${maxTokens}, "temperature": ${temperature}}`,
  bodyJsonPathTemplate: ({ maxTokens, temperature }, system) => ({
    ...(system.kind === "none"
      ? { "prompt.$": "$.prompt" }
      : { "prompt.$": jsonPathFormattedPrompt(system, { start: "", systemBlock: (s) => `${s}${COHERE_SYSTEM_SEPARATOR}`, beforePrompt: "", end: "" }) }),
    max_tokens: maxTokens,
    temperature,
  }),
  normalise: (body) => ({
    text: stringOrEmpty(at(body, "generations", 0, "text")),
    stopReason: stringOrNull(at(body, "generations", 0, "finish_reason")),
    usage: { inputTokens: null, outputTokens: null },
  }),
  normaliseJsonata: jNormalised(jStringOrEmpty("$body.generations[0].text"), jStringOrNull("$body.generations[0].finish_reason"), "null", "null"),
  resultPaths: { text: "$.Body.generations[0].text", stopReason: "$.Body.generations[0].finish_reason", inputTokens: null, outputTokens: null },
  sample: ({ text }) => ({
    id: "local-generation-0001",
    prompt: "",
    generations: [{ id: "local-0001", text, finish_reason: "COMPLETE" }],
  }),
};
