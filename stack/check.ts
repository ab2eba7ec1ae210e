// Checks that need the domain, run before any resource is registered so bad config fails fast and whole.
import { PLACEHOLDER_ACCOUNT, partitionOf } from "../src/bedrock/arn";
import { familyForModel, legacyNoteOf } from "../src/bedrock/families";
import * as path from "node:path";
import { didYouMean, isKnownFoundationModel } from "../src/bedrock/model-facts";
import { stalenessNote, useCatalogFile } from "../src/bedrock/catalog";
import { assertNotEndOfLife } from "../src/bedrock/lifecycle";
import { foundationModelOf, parseModelId } from "../src/bedrock/model-id";
import { resolveModel, routingLookup } from "../src/bedrock/resolve";
import { isBedrockSfnError } from "../src/core/errors";
import { catalogProfile } from "../src/bedrock/routing";
import { CONFIG_KEYS, ConfigError, Settings, shownValue } from "./settings";
import { generationSettingsForModelId } from "../src/bedrock/request-parameters";
import type { GenerationSettings } from "../src/bedrock/families";
import { checkFallbackModels } from "../src/workflow/fallback-models";
import { assertBatchInferenceSupported } from "../src/bedrock/batch-inference";

/**
 * Throws one ConfigError naming the key for config that cannot work; returns notes (one line each) for config
 * that deploys but deserves a word, such as a model ID missing from the bundled list.
 */
export function checkSettings(settings: Settings, projectDir?: string, options: { modelNotes?: boolean } = {}): string[] {
  const { modelId, region } = settings;
  const notes: string[] = [];
  if (settings.catalogFile) useStackCatalogFile(settings, projectDir);
  const stale = stalenessNote();
  if (stale) notes.push(stale);
  // A definition of your own is checked whole by readUserDefinition (and its models by the analysis).
  if (settings.definitionFile) return notes;
  // The component logs its model's notes itself under the engine; the program asks for them only offline.
  const modelNotes = options.modelNotes ?? true;
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
    const resolved =
      lookup === undefined
        ? resolveModel({
            modelId,
            sourceRegion: region,
            account: PLACEHOLDER_ACCOUNT,
            configuredRegions: settings.destinationRegions,
            underlyingModelId: settings.underlyingModelId,
          })
        : undefined;
    foundationModelId = resolved ? resolved.foundationModelId : foundationModelOf(ref);
    if (modelNotes) notes.push(...(resolved?.notes ?? []));
    // Legacy: one warning with the EOL date and a successor; EOL: refused (ModelLifecycleError names both).
    const legacy = assertNotEndOfLife(modelId, foundationModelId, partitionOf(region));
    if (legacy && modelNotes) notes.push(legacy);
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
  try {
    generationSettingsForModelId({ modelId, maxTokens: settings.maxTokens, temperature: settings.temperature, keys: CONFIG_KEYS }, foundationModelId);
  } catch (err) {
    if (isBedrockSfnError(err)) throw new ConfigError(err.message, err.argument);
    throw err;
  }
  if (settings.batch === "job" && foundationModelId !== undefined) {
    try {
      assertBatchInferenceSupported(resolveModel({ modelId, sourceRegion: region, account: PLACEHOLDER_ACCOUNT }));
    } catch (err) {
      if (isBedrockSfnError(err)) throw new ConfigError(`${CONFIG_KEYS.batch} = 'job': ${err.message.replace(/^batch = job: /, "")}`, "batch");
      throw err;
    }
  }
  try {
    const settingsForBodies = { maxTokens: settings.maxTokens, temperature: settings.temperature };
    const context = { region, routingSource: settings.routingSource, settings: settingsForBodies, primaryModelId: modelId };
    const legacy = checkFallbackModels(settings.fallbackModels ?? [], context, CONFIG_KEYS.fallbackModels);
    if (modelNotes) notes.push(...legacy);
  } catch (err) {
    if (isBedrockSfnError(err)) throw new ConfigError(err.message, err.argument);
    throw err;
  }
  return notes;
}

/** A relative catalogFile is read from the project folder (where Pulumi.yaml is), as definition files are. */
function useStackCatalogFile(settings: Settings, projectDir = process.cwd()): void {
  const file = path.resolve(projectDir, settings.catalogFile!);
  try {
    useCatalogFile(file);
  } catch (err) {
    throw new ConfigError(`${CONFIG_KEYS.catalogFile} = ${shownValue(settings.catalogFile)}: ${(err as Error).message}`);
  }
}

// An ID the bundled lists do not know may be a typo, or a model newer than the lists: say so, but deploy.
function unknownIdNotes(ref: ReturnType<typeof parseModelId>): string[] {
  if (ref.kind === "own-arn-model" && ref.resourceType.endsWith("prompt-router")) {
    return [`note: the role grants the ${ref.resourceType} ARN itself; AWS does not document further grants for the models it routes to (docs/limits.md)`];
  }
  // A global profile the catalog lacks is routed by rule, and resolveModel's note says so.
  if (ref.kind === "system-profile" && !ref.arn && !catalogProfile(ref.profileId) && ref.prefix !== "global") {
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

/** The generation settings the built-in workflow's body is built from: the stack's, fitted to its model. */
export function generationOf(settings: Settings): GenerationSettings {
  return generationSettingsForModelId({ modelId: settings.modelId, maxTokens: settings.maxTokens, temperature: settings.temperature, keys: CONFIG_KEYS });
}
