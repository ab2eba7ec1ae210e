// The definition a local run is given, checked for what every runner relies on before any state runs.
// A bad one is the user's to fix (a definition file, a stack's definition), so it is refused with one line.

import { clip, summariseList } from "../../../src/bedrock/text";
import { parseJson } from "../../../src/json";
import { BedrockSfnError } from "../../../src/core/errors";
import type { AnyStateMachine } from "../../../src/workflow/asl";

const refuse = (message: string) => new BedrockSfnError("definition", message);

/** Accepts the definition as the JSON string a state machine resource holds, or as an object (read from a copy). */
export function readDefinition(definition: string | object): AnyStateMachine {
  const value = typeof definition === "string" ? parseDefinitionJson(definition) : structuredClone(definition);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw refuse("the state machine definition must be a JSON object");
  }
  const candidate = value as Partial<AnyStateMachine>;
  const { StartAt: startAt, States: states } = candidate;
  if (typeof startAt !== "string" || states === null || typeof states !== "object" || Array.isArray(states)) {
    throw refuse("the state machine definition needs 'StartAt' (a state name) and 'States' (an object of states)");
  }
  // Own keys only: "toString" or "constructor" is not a state of an empty object.
  if (!Object.hasOwn(states, startAt)) {
    throw refuse(`StartAt names '${clip(startAt)}', which is not among the states: ${summariseList(Object.keys(states)) || "(none)"}`);
  }
  const language = candidate.QueryLanguage;
  if (language !== undefined && language !== "JSONata" && language !== "JSONPath") {
    throw refuse(`QueryLanguage is '${clip(String(language))}'; valid values: JSONata, JSONPath`);
  }
  return candidate as AnyStateMachine;
}

function parseDefinitionJson(text: string): unknown {
  return parseJson(text, (message) => {
    throw refuse(`the state machine definition is not JSON: ${clip(message, 120)}`);
  });
}
