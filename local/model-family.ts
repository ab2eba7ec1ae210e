// Which response format the Bedrock stand-in answers in, told from the model identifier the task called.

import { familyOf } from "../bedrock/families";
import { foundationModelOf, parseModelId } from "../bedrock/model-id";

export type ModelFamily = NonNullable<ReturnType<typeof familyOf>>;

/**
 * The family of the model behind an InvokeModel identifier: a foundation-model ID or ARN directly, a system
 * profile through the model it wraps (geo prefix stripped). Application profiles and provisioned models hide
 * their model, so they need `configured`.
 */
export function familyForModelId(modelId: string, configured?: ModelFamily): ModelFamily {
  const reference = parseModelId(modelId);
  const foundationModelId = foundationModelOf(reference);
  if (foundationModelId === undefined) {
    if (configured !== undefined) return configured;
    throw new Error(
      `'${modelId}' is a ${reference.kind}, whose model family the identifier does not tell; start the Bedrock stand-in with the 'family' option`,
    );
  }
  const family = familyOf(foundationModelId);
  if (family === undefined || family === null) throw new Error(`no known model family for '${foundationModelId}'`);
  return family;
}

/** The stack's model family: the configured one, else the one the model ID (or underlyingModelId) names. */
export function familyForSettings(settings: { modelId: string; modelFamily?: ModelFamily; underlyingModelId?: string }): ModelFamily {
  if (settings.modelFamily) return settings.modelFamily;
  const foundationModelId = foundationModelOf(parseModelId(settings.modelId));
  if (foundationModelId !== undefined) return familyOf(foundationModelId);
  if (settings.underlyingModelId) return familyOf(settings.underlyingModelId);
  throw new Error(`the model family of '${settings.modelId}' cannot be told from its ID; set bedrock-sfn:modelFamily (or underlyingModelId)`);
}
