import type { StateMachineDefinition } from "./asl";
import { buildJsonataDefinition } from "./jsonata-definition";
import { buildJsonPathDefinition } from "./jsonpath-definition";
import { resolveOptions, type DefinitionOptions } from "./options";

/**
 * The state machine definition (plain ASL, ready for JSON.stringify) that invokes the
 * configured model through `arn:aws:states:::bedrock:invokeModel`.
 * Throws DefinitionOptionsError when an option is invalid.
 */
export function buildDefinition(options: DefinitionOptions): StateMachineDefinition {
  const resolved = resolveOptions(options);
  return resolved.queryLanguage === "JSONata" ? buildJsonataDefinition(resolved) : buildJsonPathDefinition(resolved);
}

export type { Catcher, ChoiceState, FailState, PassState, QueryLanguage, Retrier, State, StateMachineDefinition, TaskState, WorkflowType } from "./asl";
export * from "./contract";
export {
  DefinitionOptionsError,
  type DefinitionOptions,
  type GuardrailOptions,
  type GuardrailTrace,
  type ResolvedOptions,
} from "./options";
export * from "./analysis";
export { EXPRESS_TIME_BUDGET_SECONDS, type TaskRetryPolicy } from "./retry-policy";
