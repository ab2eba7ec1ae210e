// Checks that need the domain, run before any resource is registered so bad config fails fast and whole.
import { PLACEHOLDER_ACCOUNT } from "../src/bedrock/arn";
import { familyForModel, legacyNoteOf } from "../src/bedrock/families";
import { didYouMean, isKnownFoundationModel, maxTokensCeiling } from "../src/bedrock/model-facts";
import { foundationModelOf, parseModelId } from "../src/bedrock/model-id";
import { resolveModel, routingLookup } from "../src/bedrock/resolve";
import { isBedrockSfnError } from "../src/core/errors";
import { catalogProfile } from "../src/bedrock/routing";
import { CONFIG_KEYS, ConfigError, Settings, shownValue } from "./settings";

/**
 * Throws one ConfigError naming the key for config that cannot work; returns notes (one line each) for config
 * that deploys but deserves a word, such as a model ID missing from the bundled list.
 */
export function checkSettings(settings: Settings): string[] {
  const { modelId, region } = settings;
  const notes: string[] = [];
  let foundationModelId: string | undefined;
  try {
    const ref = parseModelId(modelId);
    const lookup = routingLookup({
      modelId,
      sourceRegion: region,
      routingSource: settings.routingSource,
      configuredRegions: settings.destinationRegions,
      underlyingModelId: settings.underlyingModelId,
    });
    // When AWS must be asked, the foundation model (and so the family) may only be known at deploy time.
    foundationModelId =
      lookup === undefined
        ? resolveModel({
            modelId,
            sourceRegion: region,
            account: PLACEHOLDER_ACCOUNT,
            configuredRegions: settings.destinationRegions,
            underlyingModelId: settings.underlyingModelId,
          }).foundationModelId
        : foundationModelOf(ref);
    if (lookup === undefined || foundationModelId || settings.modelFamily) {
      const family = familyForModel({ modelId, modelFamily: settings.modelFamily, foundationModelId });
      const legacy = legacyNoteOf(family);
      if (legacy) notes.push(`note: model family '${family}' is ${legacy}`);
    }
    notes.push(...unknownIdNotes(ref));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // The domain's errors name the argument they are about; one that is not the model ID maps to its own key.
    if (isBedrockSfnError(err) && err.argument && err.argument !== "modelId" && err.argument in CONFIG_KEYS) {
      const field = err.argument as keyof Settings;
      throw new ConfigError(`${CONFIG_KEYS[field]} = ${shownValue(settings[field])}: ${message}`);
    }
    // Only an ID that nothing bundled knows can be a typo worth a suggestion.
    const id = modelId.trim();
    const unknownId = !catalogProfile(id) && !isKnownFoundationModel(id);
    const near = unknownId && isBedrockSfnError(err) && (err.kind === "model-id" || err.kind === "routing" || err.kind === "routing-unknown") ? didYouMean(id) : undefined;
    throw new ConfigError(`${CONFIG_KEYS.modelId} = ${shownValue(modelId)}: ${near ? `did you mean '${near}'? ` : ""}${message}`);
  }
  const ceiling = foundationModelId && maxTokensCeiling(foundationModelId);
  if (ceiling && settings.maxTokens > ceiling.maxTokens) {
    throw new ConfigError(`${CONFIG_KEYS.maxTokens} = '${settings.maxTokens}': ${foundationModelId} generates at most ${ceiling.maxTokens} tokens a request (${ceiling.page})`);
  }
  return notes;
}

// An ID the bundled lists do not know may be a typo, or a model newer than the lists: say so, but deploy.
function unknownIdNotes(ref: ReturnType<typeof parseModelId>): string[] {
  if (ref.kind === "own-arn-model" && ref.resourceType.endsWith("prompt-router")) {
    return [`note: the role grants the ${ref.resourceType} ARN itself; AWS does not document further grants for the models it routes to (see the README)`];
  }
  if (ref.kind === "system-profile" && !ref.arn && !catalogProfile(ref.profileId)) {
    const near = didYouMean(ref.profileId);
    return [`note: ${CONFIG_KEYS.modelId} '${ref.profileId}' is not in the routing catalog${near ? `; did you mean '${near}'?` : ""}`];
  }
  const fm = ref.kind === "foundation-model" ? ref.foundationModelId : ref.kind === "system-profile" ? ref.foundationModelId : undefined;
  if (fm && !isKnownFoundationModel(fm)) {
    const near = didYouMean(fm);
    return [`note: foundation model '${fm}' is not in the bundled model list${near ? `; did you mean '${near}'?` : " (deploying anyway)"}`];
  }
  return [];
}
