// Checks that need the domain, run before any resource is registered so bad config fails fast and whole.
import { familyOf } from "../bedrock/families";
import { foundationModelOf, parseModelId } from "../bedrock/model-id";
import { resolveModel, routingLookup } from "../bedrock/resolve";
import { CONFIG_KEYS, ConfigError, Settings } from "./settings";

// Any 12 digits do: offline resolution uses the account only inside ARNs.
const PLACEHOLDER_ACCOUNT = "000000000000";

export function checkSettings(settings: Settings): void {
  const { modelId, region } = settings;
  const problems: string[] = [];
  const report = (key: string, value: string, err: unknown) =>
    problems.push(`${key} = '${value}': ${err instanceof Error ? err.message : String(err)}`);
  try {
    const lookup = routingLookup({
      modelId,
      sourceRegion: region,
      routingSource: settings.routingSource,
      configuredRegions: settings.destinationRegions,
      underlyingModelId: settings.underlyingModelId,
    });
    const fm =
      lookup === undefined
        ? resolveModel({
            modelId,
            sourceRegion: region,
            account: PLACEHOLDER_ACCOUNT,
            configuredRegions: settings.destinationRegions,
            underlyingModelId: settings.underlyingModelId,
          }).foundationModelId
        : foundationModelOf(parseModelId(modelId));
    if (!settings.modelFamily) {
      if (fm) familyOf(fm);
      else if (lookup === undefined) {
        problems.push(`${CONFIG_KEYS.modelFamily} is required for '${modelId}': its request format cannot be derived from the ID`);
      }
    }
  } catch (err) {
    report(CONFIG_KEYS.modelId, modelId, err);
  }
  if (problems.length) throw new ConfigError(problems.join("\n"));
}
