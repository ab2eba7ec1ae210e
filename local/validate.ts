// Structural validation with asl-validator, the check aws-local-stepfunctions would make, on a copy (it mutates
// its input). Each validation takes tens of milliseconds of CPU, so a definition is validated once per process.

import aslValidator = require("asl-validator");
import type { StateMachineDefinition } from "./definition";

export function validateDefinition(definition: StateMachineDefinition): void {
  const { isValid, errorsText } = aslValidator(structuredClone(definition) as never);
  if (!isValid) throw new Error(`the state machine definition is not valid ASL:\n${errorsText("\n")}`);
}

const validDefinitions = new Set<string>();

export function validateDefinitionOnce(definition: StateMachineDefinition): void {
  const text = JSON.stringify(definition);
  if (validDefinitions.has(text)) return;
  validateDefinition(definition);
  validDefinitions.add(text);
}
