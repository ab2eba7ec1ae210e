/**
 * Model families: for each family, the native InvokeModel request body and where the
 * answer sits in the response.
 *
 * One description per family serves three readers, so they cannot drift apart:
 * - the workflow builder (`workflow/`): the JSONata and JSONPath fragments below;
 * - the local Bedrock stand-in: `sampleResponse`;
 * - the invoke CLI: `buildRequestBody` and `normaliseResponse` (for responses fetched from S3).
 *
 * Formats follow the Amazon Bedrock "inference request parameters and response fields"
 * pages for each provider. Pure data and functions: no Pulumi, no AWS SDK.
 */

import { ModelReference, foundationModelOf, parseModelId } from "./model-id";
import { BedrockSfnError } from "../src/errors";

export type ModelFamily =
  | "anthropic"
  | "amazon-nova"
  | "amazon-titan-text"
  | "meta-llama"
  | "mistral"
  | "cohere-command-r"
  | "openai"
  | "anthropic-text-completions"
  | "cohere-command";

import {
  type FamilyFormat,
  type GenerationSettings,
  type JsonObject,
  type JsonPathSystemSource,
  type NormalisedResponse,
  type PromptParams,
  type ResultPaths,
  type SampleResponseParams,
  at,
  isObject,
  jJoinTexts,
  jNormalised,
  jNumberOrNull,
  jStringOrEmpty,
  jStringOrNull,
  joinTexts,
  jsonPathFormattedPrompt,
  jsonPathSystemField,
  jsonataString,
  numberOrNull,
  stringOrEmpty,
  stringOrNull,
} from "./family-format";
import { anthropicTextCompletions, cohereCommand } from "./legacy-families";

export type { GenerationSettings, JsonPathSystemSource, NormalisedResponse, PromptParams, ResultPaths, SampleResponseParams } from "./family-format";
export { escapeIntrinsicLiteral, jsonataString } from "./family-format";

// ---------------------------------------------------------------------------
// The families
// ---------------------------------------------------------------------------

const ANTHROPIC_VERSION = "bedrock-2023-05-31";

const anthropic: FamilyFormat = {
  description: "Anthropic Claude, Messages API (anthropic.claude-*)",
  modelIdPattern: /^anthropic\.claude/,
  buildBody: ({ prompt, system, maxTokens, temperature }) => ({
    anthropic_version: ANTHROPIC_VERSION,
    max_tokens: maxTokens,
    temperature,
    ...(system ? { system } : {}),
    messages: [{ role: "user", content: [{ type: "text", text: prompt }] }],
  }),
  bodyJsonata: ({ maxTokens, temperature }) =>
    `$merge([{"anthropic_version": ${jsonataString(ANTHROPIC_VERSION)}, "max_tokens": ${maxTokens}, "temperature": ${temperature}}, ` +
    `$system ? {"system": $system} : {}, ` +
    `{"messages": [{"role": "user", "content": [{"type": "text", "text": $prompt}]}]}])`,
  bodyJsonPathTemplate: ({ maxTokens, temperature }, system) => ({
    anthropic_version: ANTHROPIC_VERSION,
    max_tokens: maxTokens,
    temperature,
    ...jsonPathSystemField(system, "system"),
    messages: [{ role: "user", content: [{ type: "text", "text.$": "$.prompt" }] }],
  }),
  // Only "text" blocks: with extended thinking the first block is a "thinking" block.
  normalise: (body) => ({
    text: joinTexts(body.content, (block) => block.type === "text"),
    stopReason: stringOrNull(body.stop_reason),
    usage: {
      inputTokens: numberOrNull(at(body, "usage", "input_tokens")),
      outputTokens: numberOrNull(at(body, "usage", "output_tokens")),
    },
    ...(typeof body.model === "string" ? { model: body.model } : {}),
  }),
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

const amazonNova: FamilyFormat = {
  description: "Amazon Nova understanding models, messages-v1 schema (amazon.nova-micro/lite/pro/premier, amazon.nova-2-lite)",
  modelIdPattern: /^amazon\.nova-(?:2-)?(?:micro|lite|pro|premier)\b/,
  buildBody: ({ prompt, system, maxTokens, temperature }) => ({
    schemaVersion: "messages-v1",
    ...(system ? { system: [{ text: system }] } : {}),
    messages: [{ role: "user", content: [{ text: prompt }] }],
    inferenceConfig: { maxTokens, temperature },
  }),
  bodyJsonata: ({ maxTokens, temperature }) =>
    `$merge([{"schemaVersion": "messages-v1"}, ` +
    `$system ? {"system": [{"text": $system}]} : {}, ` +
    `{"messages": [{"role": "user", "content": [{"text": $prompt}]}], ` +
    `"inferenceConfig": {"maxTokens": ${maxTokens}, "temperature": ${temperature}}}])`,
  bodyJsonPathTemplate: ({ maxTokens, temperature }, system) => ({
    schemaVersion: "messages-v1",
    ...(system.kind === "inputPath" ? { system: [{ "text.$": system.path }] } : {}),
    messages: [{ role: "user", content: [{ "text.$": "$.prompt" }] }],
    inferenceConfig: { maxTokens, temperature },
  }),
  // Blocks without text (reasoning, tool use) are skipped.
  normalise: (body) => ({
    text: joinTexts(at(body, "output", "message", "content")),
    stopReason: stringOrNull(body.stopReason),
    usage: {
      inputTokens: numberOrNull(at(body, "usage", "inputTokens")),
      outputTokens: numberOrNull(at(body, "usage", "outputTokens")),
    },
  }),
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

// Titan Text has no system field: the system prompt goes before the user's text.
const TITAN_SYSTEM_SEPARATOR = "\n\n";

const amazonTitanText: FamilyFormat = {
  description: "Amazon Titan Text (amazon.titan-text-*, amazon.titan-tg1-large); a system prompt is prepended to inputText",
  modelIdPattern: /^amazon\.titan-(?:text-|tg1-)/,
  buildBody: ({ prompt, system, maxTokens, temperature }) => ({
    inputText: system ? `${system}${TITAN_SYSTEM_SEPARATOR}${prompt}` : prompt,
    textGenerationConfig: { maxTokenCount: maxTokens, temperature },
  }),
  bodyJsonata: ({ maxTokens, temperature }) =>
    `{"inputText": $system ? $system & ${jsonataString(TITAN_SYSTEM_SEPARATOR)} & $prompt : $prompt, ` +
    `"textGenerationConfig": {"maxTokenCount": ${maxTokens}, "temperature": ${temperature}}}`,
  bodyJsonPathTemplate: ({ maxTokens, temperature }, system) => ({
    ...(system.kind === "none"
      ? { "inputText.$": "$.prompt" }
      : {
          "inputText.$": jsonPathFormattedPrompt(system, {
            start: "",
            systemBlock: (s) => `${s}${TITAN_SYSTEM_SEPARATOR}`,
            beforePrompt: "",
            end: "",
          }),
        }),
    textGenerationConfig: { maxTokenCount: maxTokens, temperature },
  }),
  normalise: (body) => ({
    text: stringOrEmpty(at(body, "results", 0, "outputText")),
    stopReason: stringOrNull(at(body, "results", 0, "completionReason")),
    usage: {
      inputTokens: numberOrNull(body.inputTextTokenCount),
      outputTokens: numberOrNull(at(body, "results", 0, "tokenCount")),
    },
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

// Llama 3 / 4 chat template: the raw prompt must carry the header and end-of-turn tokens.
const LLAMA_BEGIN = "<|begin_of_text|>";
const llamaTurn = (role: string, text: string) => `<|start_header_id|>${role}<|end_header_id|>\n\n${text}<|eot_id|>`;
const LLAMA_ASSISTANT_START = "<|start_header_id|>assistant<|end_header_id|>\n\n";
const LLAMA_USER_START = "<|start_header_id|>user<|end_header_id|>\n\n";
const LLAMA_USER_END = `<|eot_id|>${LLAMA_ASSISTANT_START}`;

function llamaPrompt(prompt: string, system: string | undefined): string {
  return `${LLAMA_BEGIN}${system ? llamaTurn("system", system) : ""}${llamaTurn("user", prompt)}${LLAMA_ASSISTANT_START}`;
}

const metaLlama: FamilyFormat = {
  description: "Meta Llama 3 and 4 instruct models (meta.llama3*, meta.llama4*), Llama 3 chat template",
  modelIdPattern: /^meta\.llama[34]/,
  buildBody: ({ prompt, system, maxTokens, temperature }) => ({
    prompt: llamaPrompt(prompt, system),
    max_gen_len: maxTokens,
    temperature,
  }),
  bodyJsonata: ({ maxTokens, temperature }) =>
    `{"prompt": ${jsonataString(LLAMA_BEGIN)} & ` +
    `($system ? ${jsonataString("<|start_header_id|>system<|end_header_id|>\n\n")} & $system & "<|eot_id|>" : "") & ` +
    `${jsonataString(LLAMA_USER_START)} & $prompt & ${jsonataString(LLAMA_USER_END)}, ` +
    `"max_gen_len": ${maxTokens}, "temperature": ${temperature}}`,
  bodyJsonPathTemplate: ({ maxTokens, temperature }, system) => ({
    "prompt.$": jsonPathFormattedPrompt(system, {
      start: LLAMA_BEGIN,
      systemBlock: (s) => llamaTurn("system", s),
      beforePrompt: LLAMA_USER_START,
      end: LLAMA_USER_END,
    }),
    max_gen_len: maxTokens,
    temperature,
  }),
  normalise: (body) => ({
    text: stringOrEmpty(body.generation),
    stopReason: stringOrNull(body.stop_reason),
    usage: {
      inputTokens: numberOrNull(body.prompt_token_count),
      outputTokens: numberOrNull(body.generation_token_count),
    },
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

// Mistral text completion: no system role, so the system text opens the [INST] block.
const MISTRAL_START = "<s>[INST] ";
const MISTRAL_END = " [/INST]";
const MISTRAL_SYSTEM_SEPARATOR = "\n\n";

const mistral: FamilyFormat = {
  description:
    "Mistral AI text completion (mistral.mistral-7b-instruct, mistral.mixtral-8x7b-instruct, mistral.mistral-large-2402, mistral.mistral-small-2402); a system prompt opens the [INST] block; no token counts in the body",
  modelIdPattern: /^mistral\.(?:mistral-7b-instruct|mixtral-8x7b-instruct|mistral-large-2402|mistral-small-2402)/,
  buildBody: ({ prompt, system, maxTokens, temperature }) => ({
    prompt: `${MISTRAL_START}${system ? `${system}${MISTRAL_SYSTEM_SEPARATOR}` : ""}${prompt}${MISTRAL_END}`,
    max_tokens: maxTokens,
    temperature,
  }),
  bodyJsonata: ({ maxTokens, temperature }) =>
    `{"prompt": ${jsonataString(MISTRAL_START)} & ($system ? $system & ${jsonataString(MISTRAL_SYSTEM_SEPARATOR)} : "") & ` +
    `$prompt & ${jsonataString(MISTRAL_END)}, "max_tokens": ${maxTokens}, "temperature": ${temperature}}`,
  bodyJsonPathTemplate: ({ maxTokens, temperature }, system) => ({
    "prompt.$": jsonPathFormattedPrompt(system, {
      start: MISTRAL_START,
      systemBlock: (s) => `${s}${MISTRAL_SYSTEM_SEPARATOR}`,
      beforePrompt: "",
      end: MISTRAL_END,
    }),
    max_tokens: maxTokens,
    temperature,
  }),
  // Bedrock reports Mistral token counts only in HTTP headers, which Step Functions does not pass on.
  normalise: (body) => ({
    text: stringOrEmpty(at(body, "outputs", 0, "text")),
    stopReason: stringOrNull(at(body, "outputs", 0, "stop_reason")),
    usage: { inputTokens: null, outputTokens: null },
  }),
  normaliseJsonata: jNormalised(
    jStringOrEmpty("$body.outputs[0].text"),
    jStringOrNull("$body.outputs[0].stop_reason"),
    "null",
    "null",
  ),
  resultPaths: {
    text: "$.Body.outputs[0].text",
    stopReason: "$.Body.outputs[0].stop_reason",
    inputTokens: null,
    outputTokens: null,
  },
  sample: ({ text }) => ({ outputs: [{ text, stop_reason: "stop" }] }),
};

const cohereCommandR: FamilyFormat = {
  description: "Cohere Command R and R+ chat (cohere.command-r*); the system prompt becomes the preamble",
  modelIdPattern: /^cohere\.command-r/,
  buildBody: ({ prompt, system, maxTokens, temperature }) => ({
    message: prompt,
    ...(system ? { preamble: system } : {}),
    max_tokens: maxTokens,
    temperature,
  }),
  bodyJsonata: ({ maxTokens, temperature }) =>
    `$merge([{"message": $prompt}, $system ? {"preamble": $system} : {}, ` +
    `{"max_tokens": ${maxTokens}, "temperature": ${temperature}}])`,
  bodyJsonPathTemplate: ({ maxTokens, temperature }, system) => ({
    "message.$": "$.prompt",
    ...jsonPathSystemField(system, "preamble"),
    max_tokens: maxTokens,
    temperature,
  }),
  normalise: (body) => ({
    text: stringOrEmpty(body.text),
    stopReason: stringOrNull(body.finish_reason),
    usage: {
      inputTokens: numberOrNull(at(body, "meta", "billed_units", "input_tokens")),
      outputTokens: numberOrNull(at(body, "meta", "billed_units", "output_tokens")),
    },
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

// With InvokeModel, gpt-oss puts its reasoning in <reasoning> tags before the answer.
const OPENAI_REASONING = /^\s*<reasoning>[\s\S]*?<\/reasoning>\s*/;
const OPENAI_REASONING_JSONATA = "/^\\s*<reasoning>[\\s\\S]*?<\\/reasoning>\\s*/";

const openai: FamilyFormat = {
  description: "OpenAI gpt-oss open-weight models, Chat Completions format (openai.gpt-oss-*); <reasoning> is stripped from the text",
  modelIdPattern: /^openai\.gpt-oss/,
  buildBody: ({ prompt, system, maxTokens, temperature }) => ({
    messages: [...(system ? [{ role: "system", content: system }] : []), { role: "user", content: prompt }],
    max_completion_tokens: maxTokens,
    temperature,
  }),
  bodyJsonata: ({ maxTokens, temperature }) =>
    `{"messages": $append($system ? [{"role": "system", "content": $system}] : [], [{"role": "user", "content": $prompt}]), ` +
    `"max_completion_tokens": ${maxTokens}, "temperature": ${temperature}}`,
  bodyJsonPathTemplate: ({ maxTokens, temperature }, system) => ({
    messages: [
      ...(system.kind === "inputPath" ? [{ role: "system", "content.$": system.path }] : []),
      { role: "user", "content.$": "$.prompt" },
    ],
    max_completion_tokens: maxTokens,
    temperature,
  }),
  normalise: (body) => ({
    text: stringOrEmpty(at(body, "choices", 0, "message", "content")).replace(OPENAI_REASONING, ""),
    stopReason: stringOrNull(at(body, "choices", 0, "finish_reason")),
    usage: {
      inputTokens: numberOrNull(at(body, "usage", "prompt_tokens")),
      outputTokens: numberOrNull(at(body, "usage", "completion_tokens")),
    },
    ...(typeof body.model === "string" ? { model: body.model } : {}),
  }),
  normaliseJsonata: jNormalised(
    `$replace(${jStringOrEmpty("$body.choices[0].message.content")}, ${OPENAI_REASONING_JSONATA}, "")`,
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

// Order matters for detection: the first family whose pattern matches a model ID wins, so the legacy
// Anthropic format (claude-v2 and instant also speak Messages) is never derived, only configured.
const FAMILY_FORMATS: Record<ModelFamily, FamilyFormat> = {
  anthropic,
  "amazon-nova": amazonNova,
  "amazon-titan-text": amazonTitanText,
  "meta-llama": metaLlama,
  mistral,
  "cohere-command-r": cohereCommandR,
  openai,
  "anthropic-text-completions": anthropicTextCompletions,
  "cohere-command": cohereCommand,
};

/** Every supported family with a one-line description (for error messages and the README). */
export const SUPPORTED_FAMILIES: Readonly<Record<ModelFamily, string>> = Object.freeze(
  Object.fromEntries(Object.entries(FAMILY_FORMATS).map(([family, format]) => [family, format.description])) as Record<
    ModelFamily,
    string
  >,
);

export const MODEL_FAMILIES = Object.keys(FAMILY_FORMATS) as ModelFamily[];

/** AWS's lifecycle note for a legacy text format; undefined for current families. */
export function legacyNoteOf(family: ModelFamily): string | undefined {
  return formatOf(family).legacy;
}

export function isModelFamily(value: unknown): value is ModelFamily {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(FAMILY_FORMATS, value);
}

// ---------------------------------------------------------------------------
// Family detection
// ---------------------------------------------------------------------------

export class UnsupportedModelError extends BedrockSfnError {
  constructor(
    readonly modelId: string,
    reason: string,
  ) {
    super(
      "model-family",
      `Model "${modelId}" is not supported: ${reason}. Supported model families (bedrock-sfn:modelFamily): ${MODEL_FAMILIES.join(", ")}`,
      "modelId",
    );
  }
}

/** Why a recognisably non-text or legacy model cannot be used; undefined when we simply don't know it. */
function knownUnsupportedReason(id: string): string | undefined {
  if (/embed/.test(id)) return "embedding models return vectors, not text";
  if (/^stability\./.test(id) || /image|canvas|reel/.test(id)) return "image and video models do not return text";
  if (/^amazon\.nova-sonic/.test(id)) return "speech-to-speech models need the bidirectional streaming API";
  if (/^meta\.llama2/.test(id)) return "Llama 2 uses a legacy prompt template (use a Llama 3 or 4 model)";
  if (/^mistral\./.test(id)) return "this Mistral model uses the chat-completion format, which is not supported yet";
  if (/rerank/.test(id)) return "rerank models do not generate text";
  return undefined;
}

/**
 * The family of a foundation model, from `provider.model...` (for example
 * `anthropic.claude-sonnet-4-20250514-v1:0` or `amazon.nova-lite-v1:0`).
 * Also accepts a foundation-model ARN and a system inference profile ID
 * (`us.`, `eu.`, `global.` ... prefix), which name the model the same way.
 */
export function familyOf(foundationModelId: string): ModelFamily {
  if (typeof foundationModelId !== "string" || foundationModelId.trim() === "") {
    throw new UnsupportedModelError(String(foundationModelId), "the model ID is empty");
  }
  // Model-ID parsing lives in model-id.ts: a profile ID or model ARN names its foundation model there.
  const parsed = safeParse(foundationModelId);
  const candidates = [(parsed && foundationModelOf(parsed)) ?? foundationModelId];
  for (const id of candidates) {
    for (const family of MODEL_FAMILIES) {
      if (FAMILY_FORMATS[family].modelIdPattern.test(id)) return family;
    }
  }
  const reason = candidates.map(knownUnsupportedReason).find((r) => r !== undefined);
  throw new UnsupportedModelError(foundationModelId, reason ?? "its provider/model part matches no supported family");
}

function safeParse(value: string): ModelReference | undefined {
  try {
    return parseModelId(value);
  } catch {
    return undefined;
  }
}

/** What tells a model's request format: a configured family wins, else the foundation model behind the ID. */
export interface FamilyHints {
  modelId: string;
  modelFamily?: ModelFamily;
  /** The foundation model when it is already known (e.g. learnt from GetInferenceProfile). */
  foundationModelId?: string;
  /** For an application profile: the model or system profile it copies. */
  underlyingModelId?: string;
}

export function familyForModel(hints: FamilyHints): ModelFamily {
  if (hints.modelFamily) return hints.modelFamily;
  const foundationModelId =
    hints.foundationModelId ??
    foundationModelOf(parseModelId(hints.modelId)) ??
    (hints.underlyingModelId ? foundationModelOf(parseModelId(hints.underlyingModelId)) : undefined);
  if (!foundationModelId) {
    throw new UnsupportedModelError(hints.modelId, "its request format cannot be told from the identifier; set bedrock-sfn:modelFamily");
  }
  return familyOf(foundationModelId);
}

// ---------------------------------------------------------------------------
// Per-family operations
// ---------------------------------------------------------------------------

function formatOf(family: ModelFamily): FamilyFormat {
  if (!isModelFamily(family)) {
    throw new Error(`Unknown model family "${String(family)}"; valid families: ${MODEL_FAMILIES.join(", ")}`);
  }
  return FAMILY_FORMATS[family];
}

/** The native InvokeModel body for a prompt. */
export function buildRequestBody(family: ModelFamily, params: PromptParams): JsonObject {
  return formatOf(family).buildBody(params);
}

/** Text, stop reason and token usage from a native response body (parsed JSON). */
export function normaliseResponse(family: ModelFamily, body: unknown): NormalisedResponse {
  if (!isObject(body)) {
    const got = Array.isArray(body) ? "an array" : body === null ? "null" : `a ${typeof body}`;
    throw new Error(`Cannot normalise a ${family} response: expected a JSON object body, got ${got}`);
  }
  return formatOf(family).normalise(body);
}

/** A response body as the family's models return it, for local stand-ins and tests. */
export function sampleResponse(family: ModelFamily, params: SampleResponseParams): JsonObject {
  return formatOf(family).sample(params);
}

/** JSONata expression for the request body; needs `$prompt` and `$system` ("" = none) in scope. */
export function requestBodyJsonata(family: ModelFamily, settings: GenerationSettings): string {
  return formatOf(family).bodyJsonata(settings);
}

/** JSONata expression for `{text, stopReason, usage}`; needs `$body` (the response body) in scope. */
export function normaliseResponseJsonata(family: ModelFamily): string {
  return formatOf(family).normaliseJsonata;
}

/** JSONPath payload template (Pass state Parameters) for the request body; reads `$.prompt`. */
export function requestBodyJsonPathTemplate(
  family: ModelFamily,
  settings: GenerationSettings,
  system: JsonPathSystemSource,
): JsonObject {
  return formatOf(family).bodyJsonPathTemplate(settings, system);
}

/** JSONPath paths (relative to the task result) of the normalised fields. */
export function responseResultPaths(family: ModelFamily): ResultPaths {
  return formatOf(family).resultPaths;
}
