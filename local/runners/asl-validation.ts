// Structural validation with asl-validator, the check aws-local-stepfunctions would make, on a copy (it mutates
// its input). Each validation takes tens of milliseconds of CPU, so a definition is validated once per process.

import aslValidator = require("asl-validator");
import type { StateMachineDefinition } from "../definition";
import { INVOKE_MODEL_RESOURCE, isInvokeModelResource } from "./invoke-model-task";

export function validateDefinition(definition: StateMachineDefinition): void {
  const { isValid, errorsText } = aslValidator(withCommercialIntegrationArns(structuredClone(definition)) as never);
  if (!isValid) throw new Error(`the state machine definition is not valid ASL:\n${errorsText("\n")}`);
}

// asl-validator's schema knows only some partitions' ARNs (not aws-eusc, for one); the integration ARN of any
// partition is checked by isInvokeModelResource instead, so the validator sees the commercial spelling.
function withCommercialIntegrationArns<T>(value: T): T {
  if (Array.isArray(value)) value.forEach(withCommercialIntegrationArns);
  else if (value && typeof value === "object") {
    const node = value as Record<string, unknown>;
    if (node.Type === "Task" && isInvokeModelResource(node.Resource)) node.Resource = INVOKE_MODEL_RESOURCE;
    Object.values(node).forEach(withCommercialIntegrationArns);
  }
  return value;
}

const validDefinitions = new Set<string>();

export function validateDefinitionOnce(definition: StateMachineDefinition): void {
  const text = JSON.stringify(definition);
  if (validDefinitions.has(text)) return;
  validateDefinition(definition);
  validDefinitions.add(text);
}
