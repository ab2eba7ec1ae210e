/**
 * Model families: for each family, the native InvokeModel request body and where the answer sits in the response.
 *
 * One file per family (./anthropic.ts ...), each filling in `FamilyFormat` (./format.ts). The request body and the
 * normalisation are written once, as JSONata, and serve every reader, so they cannot drift apart:
 * - the workflow builder (`src/workflow/`) embeds them in the JSONata definition (and takes the JSONPath fragments);
 * - the offline tools evaluate the same expressions: `buildRequestBody` (a large prompt moved to S3) and
 *   `normaliseResponse` (a response the workflow wrote to S3), so a response read back equals the inline output;
 * - the local Bedrock stand-in answers with `sampleResponse`.
 *
 * Formats follow the Amazon Bedrock "inference request parameters and response fields" pages for each provider.
 * No Pulumi, no AWS SDK.
 */

import { ModelReference, foundationModelOf, parseModelId } from "../model-id";
import { BedrockSfnError } from "../../core/errors";
import { amazonNova } from "./amazon-nova";
import { amazonTitanText } from "./amazon-titan-text";
import { anthropic } from "./anthropic";
import { anthropicTextCompletions } from "./anthropic-text-completions";
import { cohereCommand } from "./cohere-command";
import { cohereCommandR } from "./cohere-command-r";
import {
  type FamilyFormat,
  type GenerationSettings,
  type JsonObject,
  type JsonPathSystemSource,
  type NormalisedResponse,
  type PromptParams,
  type ResultPaths,
  type SampleResponseParams,
} from "./format";
import { evaluateFamilyJsonata } from "./jsonata";
import { metaLlama } from "./meta-llama";
import { mistral } from "./mistral";
import { openai } from "./openai";

export type { FamilyFormat, GenerationSettings, JsonPathSystemSource, NormalisedResponse, PromptParams, ResultPaths, SampleResponseParams } from "./format";
export { escapeIntrinsicLiteral, jsonataString } from "./format";
export { converseRequestProblem, converseResponse, type ConverseReply } from "./converse";

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
  Object.fromEntries(Object.entries(FAMILY_FORMATS).map(([family, format]) => [family, format.description])) as Record<ModelFamily, string>,
);

export const MODEL_FAMILIES = Object.keys(FAMILY_FORMATS) as ModelFamily[];

/** AWS's lifecycle note for a legacy text format; undefined for current families. */
export function legacyNoteOf(family: ModelFamily): string | undefined {
  return formatOf(family).legacy;
}

export function isModelFamily(value: unknown): value is ModelFamily {
  return typeof value === "string" && Object.hasOwn(FAMILY_FORMATS, value);
}

// ---------------------------------------------------------------------------
// Family detection
// ---------------------------------------------------------------------------

export class UnsupportedModelError extends BedrockSfnError {
  constructor(
    readonly modelId: string,
    reason: string,
  ) {
    super("model-family", `Model "${modelId}" is not supported: ${reason}. Supported model families (modelFamily): ${MODEL_FAMILIES.join(", ")}`, "modelId");
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
    hints.foundationModelId ?? foundationModelOf(parseModelId(hints.modelId)) ?? (hints.underlyingModelId ? foundationModelOf(parseModelId(hints.underlyingModelId)) : undefined);
  if (!foundationModelId) {
    throw new UnsupportedModelError(hints.modelId, "its request format cannot be told from the identifier; set modelFamily");
  }
  return familyOf(foundationModelId);
}

/**
 * The family whose format a model answers in, for a server that answers many model IDs (the local Bedrock stand-in):
 * the model the identifier names wins; `configured` answers only for identifiers that hide their model
 * (application inference profiles, provisioned models).
 */
export function familyOfInvokedModel(modelId: string, configured?: ModelFamily): ModelFamily {
  return familyForModel({ modelId, modelFamily: foundationModelOf(parseModelId(modelId)) ? undefined : configured });
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

/**
 * The native InvokeModel body for a prompt: the family's body JSONata, evaluated as the workflow evaluates it
 * (`$system` is "" when there is none).
 */
export async function buildRequestBody(family: ModelFamily, params: PromptParams): Promise<JsonObject> {
  const expression = requestBodyJsonata(family, { maxTokens: params.maxTokens, temperature: params.temperature });
  return (await evaluateFamilyJsonata(expression, { prompt: params.prompt, system: params.system ?? "" })) as JsonObject;
}

/**
 * Text, stop reason and token usage from a native response body (parsed JSON): the family's normalisation JSONata,
 * the same the workflow runs on an inline answer. Missing or mistyped fields read as "" or null, never as errors.
 */
export async function normaliseResponse(family: ModelFamily, body: unknown): Promise<NormalisedResponse> {
  const expression = normaliseResponseJsonata(family);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    const got = Array.isArray(body) ? "an array" : body === null ? "null" : `a ${typeof body}`;
    throw new Error(`Cannot normalise the ${family} response: expected a JSON object body, got ${got}`);
  }
  try {
    return (await evaluateFamilyJsonata(expression, { body })) as NormalisedResponse;
  } catch (error) {
    // JSONata walks nested arrays recursively: a body nested deep enough exhausts the stack. Say whose response
    // it was, not where JSONata was.
    const reason = error instanceof RangeError ? "the body is nested too deeply to read" : (error as Error).message;
    throw new Error(`Cannot normalise the ${family} response: ${reason}`);
  }
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
export function requestBodyJsonPathTemplate(family: ModelFamily, settings: GenerationSettings, system: JsonPathSystemSource): JsonObject {
  return formatOf(family).bodyJsonPathTemplate(settings, system);
}

/** JSONPath paths (relative to the task result) of the normalised fields. */
export function responseResultPaths(family: ModelFamily): ResultPaths {
  return formatOf(family).resultPaths;
}
