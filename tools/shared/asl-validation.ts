// Structural validation with asl-validator, the check aws-local-stepfunctions would make, on a copy (it mutates
// its input). Each validation takes tens of milliseconds of CPU, so a definition is validated once per process.

import aslValidator = require("asl-validator");
import { BedrockSfnError } from "../../src/core/errors";
import type { AnyStateMachine } from "../../src/workflow/asl";
import { BEDROCK_INVOKE_MODEL_RESOURCE, isInvokeModelResource } from "../../src/workflow/contract";
import { walkStates } from "../../src/workflow/walk";

export function validateDefinition(definition: AnyStateMachine): void {
  const { isValid, errorsText } = aslValidator(withCommercialIntegrationArns(structuredClone(definition)) as never);
  if (!isValid) throw new BedrockSfnError("definition", `the state machine definition is not valid ASL:\n${errorsText("\n")}`);
}

// asl-validator's schema knows only some partitions' ARNs (not aws-eusc, for one); the integration ARN of any
// partition is checked by isInvokeModelResource instead, so the validator sees the commercial spelling.
function withCommercialIntegrationArns<T extends object>(definition: T): T {
  for (const { state } of walkStates(definition)) {
    if (state.Type === "Task" && isInvokeModelResource(state.Resource)) state.Resource = BEDROCK_INVOKE_MODEL_RESOURCE;
  }
  return definition;
}

const validDefinitions = new Set<string>();

export function validateDefinitionOnce(definition: AnyStateMachine): void {
  const text = JSON.stringify(definition);
  if (validDefinitions.has(text)) return;
  validateDefinition(definition);
  validDefinitions.add(text);
}
