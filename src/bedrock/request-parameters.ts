// Request bodies that fit the model: which generation settings a model accepts, and how many output tokens it
// takes. One function turns the user's settings into the settings a family's body is built from, for the component,
// the program's config check and the offline tools alike.
//
// Facts (dated 2026-12-05; sources in bedrock/inference-profiles.json `models` and docs/models.md):
// - Claude Opus 4.7 rejects temperature, top_p and top_k with HTTP 400 ("`temperature` is deprecated for this
//   model"); Anthropic describes the same for the Claude models after it (Sonnet 5 among them). The catalog lists
//   what it knows (`rejectedParameters`); Claude IDs of version 4.7 or later that it does not list get the same
//   treatment by rule, since sending a rejected parameter fails every execution.
// - Some Claude 4.x models refuse temperature and top_p together. The families never send top_p, so no body has both.
import { activeCatalog } from "./catalog";
import { maxTokensCeiling } from "./model-facts";
import { foundationModelOf, parseModelId } from "./model-id";
import { BedrockSfnError } from "../core/errors";
import type { GenerationSettings } from "./families/format";

/** Raised for a setting the model cannot take: the message names the model, the key and what to do. */
export class ModelParameterError extends BedrockSfnError {
  constructor(message: string, argument: string) {
    super("model-parameter", message, argument);
  }
}

/** The temperature a prompt-built body carries when the user sets none and the model takes one. */
export const DEFAULT_TEMPERATURE = 0.5;

const SAMPLING = ["temperature", "top_p", "top_k"];

// anthropic.claude-opus-4-7, anthropic.claude-sonnet-5, anthropic.claude-opus-4-8: dateless Claude IDs with a version.
const CLAUDE_VERSION = /^anthropic\.claude-[a-z]+-(\d{1,2})(?:-(\d{1,2}))?(?:-v\d+(?::\d+)?)?$/;

/** The request parameters a model rejects, and where that is known from; empty when it takes them all. */
export function rejectedParameters(foundationModelId: string): { parameters: string[]; why: string } {
  const models = activeCatalog().models;
  const listed = Object.hasOwn(models, foundationModelId) ? models[foundationModelId].rejectedParameters : undefined;
  if (listed) return { parameters: listed, why: "the model catalog" };
  const version = CLAUDE_VERSION.exec(foundationModelId);
  if (version) {
    const [major, minor] = [Number(version[1]), Number(version[2] ?? 0)];
    if (major > 4 || (major === 4 && minor >= 7)) return { parameters: SAMPLING, why: "Claude models from Opus 4.7 on reject sampling parameters" };
  }
  return { parameters: [], why: "" };
}

export interface RequestedSettings {
  /** The identifier as configured (named in messages). */
  modelId: string;
  /** The foundation model behind it, when known; without it nothing can be checked and the defaults apply. */
  foundationModelId?: string;
  /** The argument's value, its default applied (components/arguments.ts). */
  maxTokens: number;
  /** Set only when the user chose it; absent means DEFAULT_TEMPERATURE where the model takes one. */
  temperature?: number;
  /** How messages name the settings (config keys for the stack, argument names for the component). */
  keys?: { maxTokens: string; temperature: string };
}

/**
 * The settings a body is built from: the user's, bounded by the model. A parameter the model rejects is left out
 * when the user did not set it, and is an error naming the model and the key when they did; maxTokens above the
 * model's documented maximum is an error naming the page.
 */
export function generationSettingsFor(requested: RequestedSettings): GenerationSettings {
  const keys = requested.keys ?? { maxTokens: "maxTokens", temperature: "temperature" };
  const maxTokens = requested.maxTokens;
  const fm = requested.foundationModelId;
  if (!fm) return { maxTokens, temperature: requested.temperature ?? DEFAULT_TEMPERATURE };
  const ceiling = maxTokensCeiling(fm);
  if (ceiling && maxTokens > ceiling.maxTokens) {
    throw new ModelParameterError(`${keys.maxTokens} = '${maxTokens}': ${fm} generates at most ${ceiling.maxTokens} tokens a request (${ceiling.page})`, "maxTokens");
  }
  const rejected = rejectedParameters(fm);
  if (!rejected.parameters.includes("temperature")) return { maxTokens, temperature: requested.temperature ?? DEFAULT_TEMPERATURE };
  if (requested.temperature !== undefined) {
    throw new ModelParameterError(
      `${keys.temperature} = '${requested.temperature}': '${requested.modelId}' (${fm}) rejects ${rejected.parameters.join(", ")} with HTTP 400 ` +
        `(${rejected.why}); remove ${keys.temperature}, and the request body leaves it out`,
      "temperature",
    );
  }
  return { maxTokens };
}

/** generationSettingsFor, with the foundation model read from the identifier where it names one. */
export function generationSettingsForModelId(requested: Omit<RequestedSettings, "foundationModelId">, foundationModelId?: string): GenerationSettings {
  let fm = foundationModelId;
  if (!fm) {
    try {
      fm = foundationModelOf(parseModelId(requested.modelId));
    } catch {
      fm = undefined;
    }
  }
  return generationSettingsFor({ ...requested, foundationModelId: fm });
}
