// Which response format the Bedrock stand-in answers in, told from the model identifier the task called.

import { familyForModel, type ModelFamily } from "../../bedrock/families";
import { foundationModelOf, parseModelId } from "../../bedrock/model-id";

export type { ModelFamily };

/**
 * The family of the model behind an InvokeModel identifier; `configured` answers only for identifiers that
 * hide their model (application profiles, provisioned models), as one stand-in serves many model IDs.
 */
export function familyForModelId(modelId: string, configured?: ModelFamily): ModelFamily {
  const parsed = parseModelId(modelId);
  return familyForModel({ modelId, modelFamily: foundationModelOf(parsed) ? undefined : configured });
}
