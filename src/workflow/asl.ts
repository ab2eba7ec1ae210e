/**
 * The Amazon States Language in one module: the slice our builder writes (Retrier ... StateMachineDefinition: loose
 * on purpose, the definition is data for `JSON.stringify`, validated by asl-validator in tests), the shape of any
 * definition as the local runners read it (Any*), and JSONata's `{% %}` strings. The state walk is in walk.ts.
 */

import type { QueryLanguage, WorkflowType } from "../core/defaults";
export type { QueryLanguage, WorkflowType };

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds: number;
  BackoffRate: number;
  MaxAttempts: number;
  MaxDelaySeconds: number;
  JitterStrategy: "FULL" | "NONE";
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  /** JSONata only. */
  Output?: string;
  /** JSONPath only. */
  ResultPath?: string;
}

export interface TaskState {
  Type: "Task";
  Comment?: string;
  Resource: string;
  /** JSONata: a `{% %}` expression or an object. */
  Arguments?: string | Record<string, unknown>;
  Output?: string | Record<string, unknown>;
  /** JSONPath only. */
  Parameters?: Record<string, unknown>;
  ResultSelector?: Record<string, unknown>;
  TimeoutSeconds: number;
  Retry: Retrier[];
  Catch: Catcher[];
  Next?: string;
  End?: true;
}

export interface ChoiceState {
  Type: "Choice";
  Comment?: string;
  Choices: Array<Record<string, unknown> & { Next: string }>;
  Default: string;
}

export interface PassState {
  Type: "Pass";
  Comment?: string;
  Parameters?: Record<string, unknown>;
  Result?: unknown;
  ResultPath?: string;
  Next: string;
}

export interface FailState {
  Type: "Fail";
  Comment?: string;
  Error?: string;
  Cause?: string;
  ErrorPath?: string;
  CausePath?: string;
}

export type State = TaskState | ChoiceState | PassState | FailState;

export interface StateMachineDefinition {
  Comment: string;
  QueryLanguage: QueryLanguage;
  StartAt: string;
  States: Record<string, State>;
}

// Any definition, as the local runners read it (a user's file, another tool's output): every field but the ones a
// state machine cannot do without is optional, and fields this module does not name are kept.

/** A Retry entry as a definition may hold it: only ErrorEquals is required, ASL's defaults fill the rest. */
export type AnyRetrier = Pick<Retrier, "ErrorEquals"> & Partial<Omit<Retrier, "ErrorEquals">>;

/** Error names of ASL itself: what Step Functions raises, and `States.ALL`, which Retry and Catch match anything with. */
export const STATES = {
  ALL: "States.ALL",
  TaskFailed: "States.TaskFailed",
  Timeout: "States.Timeout",
  Runtime: "States.Runtime",
  QueryEvaluationError: "States.QueryEvaluationError",
  DataLimitExceeded: "States.DataLimitExceeded",
} as const;

/** What ASL takes for a retrier's fields that a definition leaves out (no MaxDelaySeconds: no cap; no jitter). */
export const RETRIER_DEFAULTS = { IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 } as const;

export interface AnyCatcher {
  ErrorEquals: string[];
  Next: string;
  Output?: unknown;
  Assign?: Record<string, unknown>;
  ResultPath?: string | null;
}

export interface AnyChoiceRule {
  Condition?: unknown;
  Next: string;
  Output?: unknown;
  Assign?: Record<string, unknown>;
}

/** One state of any type; the fields are those of every type together (walk.ts's AnyState is the unchecked form). */
export interface AnyStateDefinition {
  Type: string;
  QueryLanguage?: QueryLanguage;
  Next?: string;
  End?: boolean;
  Resource?: string;
  Arguments?: unknown;
  Output?: unknown;
  Assign?: Record<string, unknown>;
  Retry?: AnyRetrier[];
  Catch?: AnyCatcher[];
  TimeoutSeconds?: number | string;
  Choices?: AnyChoiceRule[];
  Default?: string;
  Error?: string;
  Cause?: string;
  Seconds?: number | string;
  Timestamp?: string;
  [field: string]: unknown;
}

export interface AnyStateMachine {
  QueryLanguage?: QueryLanguage;
  StartAt: string;
  States: Record<string, AnyStateDefinition>;
  TimeoutSeconds?: number;
  Comment?: string;
  [field: string]: unknown;
}

/**
 * The JSONata expression a state field's string holds, or undefined for a literal. Step Functions reads a string as
 * an expression only when it starts with `{%` and ends with `%}`, with nothing before or after: " {% 1 %}" is a literal.
 */
export function jsonataExpressionOf(value: string): string | undefined {
  return value.length >= 4 && value.startsWith("{%") && value.endsWith("%}") ? value.slice(2, -2) : undefined;
}

/** A JSONata expression as a state field holds it. */
export function jsonataTemplate(expression: string): string {
  return `{% ${expression} %}`;
}
