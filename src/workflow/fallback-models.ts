// The fallback chain's models, checked and fitted once for the component and the stack: each is a model of its own
// (lifecycle, routing, family, request parameters), named in errors as `fallbackModels`.
import { PLACEHOLDER_ACCOUNT, partitionOf } from "../bedrock/arn";
import { familyForModel } from "../bedrock/families";
import { assertNotEndOfLife } from "../bedrock/lifecycle";
import { foundationModelOf, parseModelId } from "../bedrock/model-id";
import { generationSettingsForModelId } from "../bedrock/request-parameters";
import { type ResolvedModel, resolveModel, routingLookup } from "../bedrock/resolve";
import type { RoutingSource } from "../core/defaults";
import { isBedrockSfnError } from "../core/errors";
import { DefinitionOptionsError, type FallbackModelOptions, MAX_FALLBACK_MODELS } from "./options";

/** What a fallback model's body is fitted to: the stack's settings (the user's temperature, if they chose one). */
export interface FallbackSettings {
  maxTokens: number;
  temperature?: number;
}

/** Re-raise a model's problem as one line naming `<key> '<id>'`, keeping the argument the stack maps to its config key. */
function naming<T>(key: string, modelId: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (!isBedrockSfnError(error)) throw error;
    throw new DefinitionOptionsError(`${key} '${modelId}': ${error.message}`, "fallbackModels");
  }
}

/**
 * The Task options of each fallback model, from its resolved model: its family from its foundation model, its
 * maxTokens held to the model's documented ceiling, and a temperature only where the model takes one (a model that
 * rejects sampling parameters gets none, even when the stack sets one for the primary).
 */
export function fallbackModelOptions(models: ResolvedModel[], settings: FallbackSettings, key = "fallbackModels"): FallbackModelOptions[] {
  return models.map((model) =>
    naming(key, model.modelId, () => {
      const family = familyForModel({ modelId: model.modelId, foundationModelId: model.foundationModelId });
      const fitted = generationSettingsForModelId({ modelId: model.modelId, maxTokens: settings.maxTokens }, model.foundationModelId);
      const temperature = fitted.temperature === undefined ? undefined : (settings.temperature ?? fitted.temperature);
      return { modelId: model.modelId, family, ...(temperature === undefined ? {} : { temperature }) };
    }),
  );
}

/**
 * Checks before anything is deployed, for every fallback model: not past its end of life, routed from the source
 * Region where the catalog can tell (a profile only AWS can route is resolved at deploy time), its family known
 * from its ID, its request parameters within the model's limits. Returns the Legacy notes.
 */
export function checkFallbackModels(
  modelIds: readonly string[],
  context: { region: string; routingSource: RoutingSource; settings: FallbackSettings; primaryModelId?: string },
  key = "fallbackModels",
): string[] {
  if (modelIds.length > MAX_FALLBACK_MODELS) {
    throw new DefinitionOptionsError(
      `${key}: ${modelIds.length} models given, at most ${MAX_FALLBACK_MODELS} (on EXPRESS the whole chain's retries must fit in 5 minutes)`,
      "fallbackModels",
    );
  }
  const notes: string[] = [];
  const seen = new Set(context.primaryModelId ? [context.primaryModelId] : []);
  for (const modelId of modelIds) {
    if (seen.has(modelId)) throw new DefinitionOptionsError(`${key} '${modelId}': listed twice in the chain (the primary modelId and each fallback once)`, "fallbackModels");
    seen.add(modelId);
    naming(key, modelId, () => {
      const lookup = routingLookup({ modelId, sourceRegion: context.region, routingSource: context.routingSource });
      const model = lookup === undefined ? resolveModel({ modelId, sourceRegion: context.region, account: PLACEHOLDER_ACCOUNT }) : undefined;
      const foundationModelId = model ? model.foundationModelId : foundationModelOf(parseModelId(modelId));
      const legacy = assertNotEndOfLife(modelId, foundationModelId, partitionOf(context.region));
      if (legacy) notes.push(legacy);
      if (!model) return;
      fallbackModelOptions([model], context.settings, key);
    });
  }
  return notes;
}
