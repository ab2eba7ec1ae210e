// The parts of an Amazon States Language definition the local runners read.

import type { QueryLanguage } from "../workflow/asl";
import type { Retrier } from "./runners/retry-matching";

export type { QueryLanguage };

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  Output?: unknown;
  Assign?: Record<string, unknown>;
  ResultPath?: string | null;
}

export interface ChoiceRule {
  Condition?: unknown;
  Next: string;
  Output?: unknown;
  Assign?: Record<string, unknown>;
}

export interface StateDefinition {
  Type: string;
  QueryLanguage?: QueryLanguage;
  Next?: string;
  End?: boolean;
  Resource?: string;
  Arguments?: unknown;
  Output?: unknown;
  Assign?: Record<string, unknown>;
  Retry?: Retrier[];
  Catch?: Catcher[];
  TimeoutSeconds?: number | string;
  Choices?: ChoiceRule[];
  Default?: string;
  Error?: string;
  Cause?: string;
  Seconds?: number | string;
  Timestamp?: string;
  [field: string]: unknown;
}

export interface StateMachineDefinition {
  QueryLanguage?: QueryLanguage;
  StartAt: string;
  States: Record<string, StateDefinition>;
  TimeoutSeconds?: number;
  Comment?: string;
  [field: string]: unknown;
}

/** Accepts the definition as the JSON string a state machine resource holds, or as an object. */
export function readDefinition(definition: string | object): StateMachineDefinition {
  const value: unknown = typeof definition === "string" ? JSON.parse(definition) : structuredClone(definition);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error("the state machine definition must be a JSON object");
  }
  const candidate = value as Partial<StateMachineDefinition>;
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
  return candidate as StateMachineDefinition;
}

/** The query language of the whole machine: JSONPath when absent, as in ASL. */
export function queryLanguageOf(definition: StateMachineDefinition): QueryLanguage {
  return definition.QueryLanguage ?? "JSONPath";
}
