// The definition a local run is given, checked for what every runner relies on before any state runs.

import type { AnyStateMachine } from "../../workflow/asl";

/** Accepts the definition as the JSON string a state machine resource holds, or as an object. */
export function readDefinition(definition: string | object): AnyStateMachine {
  const value: unknown = typeof definition === "string" ? JSON.parse(definition) : structuredClone(definition);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error("the state machine definition must be a JSON object");
  }
  const candidate = value as Partial<AnyStateMachine>;
  if (typeof candidate.StartAt !== "string" || candidate.States === null || typeof candidate.States !== "object") {
    throw new Error("the state machine definition needs 'StartAt' (a state name) and 'States' (an object of states)");
  }
  if (!(candidate.StartAt in candidate.States)) {
    throw new Error(`StartAt names '${candidate.StartAt}', which is not among the states: ${Object.keys(candidate.States).join(", ")}`);
  }
  const language = candidate.QueryLanguage;
  if (language !== undefined && language !== "JSONata" && language !== "JSONPath") {
    throw new Error(`QueryLanguage is '${String(language)}'; valid values: JSONata, JSONPath`);
  }
  return candidate as AnyStateMachine;
}
