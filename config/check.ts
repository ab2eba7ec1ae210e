// Checks that need the domain, run before any resource is registered so bad config fails fast and whole.
import { familyForModel } from "../bedrock/families";
import { foundationModelOf, parseModelId } from "../bedrock/model-id";
import { resolveModel, routingLookup } from "../bedrock/resolve";
import { CONFIG_KEYS, ConfigError, Settings } from "./settings";

// Any 12 digits do: offline resolution uses the account only inside ARNs.
const PLACEHOLDER_ACCOUNT = "000000000000";

export function checkSettings(settings: Settings): void {
  const { modelId, region } = settings;
  try {
    const lookup = routingLookup({
      modelId,
      sourceRegion: region,
      routingSource: settings.routingSource,
      configuredRegions: settings.destinationRegions,
      underlyingModelId: settings.underlyingModelId,
    });
    // When AWS must be asked, the foundation model (and so the family) may only be known at deploy time.
    const foundationModelId =
      lookup === undefined
        ? resolveModel({
            modelId,
            sourceRegion: region,
            account: PLACEHOLDER_ACCOUNT,
            configuredRegions: settings.destinationRegions,
            underlyingModelId: settings.underlyingModelId,
          }).foundationModelId
        : foundationModelOf(parseModelId(modelId));
    if (lookup === undefined || foundationModelId || settings.modelFamily) {
      familyForModel({ modelId, modelFamily: settings.modelFamily, foundationModelId });
    }
  } catch (err) {
    throw new ConfigError(`${CONFIG_KEYS.modelId} = '${modelId}': ${err instanceof Error ? err.message : String(err)}`);
  }
}
