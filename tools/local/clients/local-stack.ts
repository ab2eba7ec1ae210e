// What a local run needs from a synthesized stack: the definition the state machine would get, the payload
// bucket, and the generation settings (to build a request body when a large prompt must go through S3).
// Typed by shape, so that any synth result (tools/cli/lib/synth) fits without tools/local/ depending on tools/cli/.

import { readSettings } from "../../../stack/settings";
import { generationOf } from "../../../stack/check";
import type { RecordedResource } from "../../shared/recorded-resources";
import type { QueryLanguage } from "../../../src/workflow/asl";
import { familyForModel, isModelFamily, type ModelFamily } from "../../../src/bedrock/families";

const STATE_MACHINE_TYPE = "aws:sfn/stateMachine:StateMachine";

export interface SynthesizedStack {
  config: Record<string, string>;
  resources: Pick<RecordedResource, "type" | "name" | "inputs">[];
  outputs: Record<string, unknown>;
}

export interface LocalStack {
  /** The definition JSON exactly as the state machine resource would receive it. */
  definition: string;
  queryLanguage: QueryLanguage;
  stateMachineArn: string;
  payloadBucket: string;
  modelId: string;
  family: ModelFamily;
  /** True for a definition of the user's own (bedrock-sfn:definitionFile): any input, no built-in contract. */
  ownDefinition: boolean;
  generation: { family: ModelFamily; maxTokens: number; temperature?: number; systemPrompt?: string };
}

export function localStackFrom(synth: SynthesizedStack): LocalStack {
  const machines = synth.resources.filter((resource) => resource.type === STATE_MACHINE_TYPE);
  if (machines.length !== 1) throw new Error(`expected one ${STATE_MACHINE_TYPE} in the stack, found ${machines.length}`);
  const definition = machines[0].inputs.definition;
  if (typeof definition !== "string") throw new Error(`state machine '${machines[0].name}' has no definition string`);
  const settings = readSettings((key) => synth.config[key]);
  const deployed = synth.outputs.modelFamily;
  const ownDefinition = !!settings.definitionFile;
  // A definition of your own may call several models; the stand-in tells each model's format from its ID.
  const family = isModelFamily(deployed) ? deployed : ownDefinition ? "anthropic" : familyForModel(settings);
  const output = (name: string): string => {
    const value = synth.outputs[name];
    if (typeof value !== "string" || value === "") throw new Error(`stack output '${name}' is missing`);
    return value;
  };
  return {
    definition,
    queryLanguage: (JSON.parse(definition) as { QueryLanguage?: QueryLanguage }).QueryLanguage ?? "JSONPath",
    stateMachineArn: output("stateMachineArn"),
    payloadBucket: output("payloadBucketName"),
    modelId: ownDefinition ? String(synth.outputs.modelId ?? "") : settings.modelId,
    family,
    ownDefinition,
    generation: { family, ...generationOf(settings), systemPrompt: settings.systemPrompt },
  };
}

/**
 * The family the stack's workflow speaks to its model, for the Bedrock stand-in to answer in (a definition of your
 * own may call several models: the stand-in tells each one's format from its ID).
 */
export function configuredFamilies(stack: Pick<LocalStack, "modelId" | "family" | "ownDefinition">): Record<string, ModelFamily> | undefined {
  return stack.ownDefinition || !stack.modelId ? undefined : { [stack.modelId]: stack.family };
}
