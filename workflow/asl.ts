/**
 * The slice of the Amazon States Language that our definitions use. Loose on purpose:
 * the definition is data for `JSON.stringify`, validated by asl-validator in tests.
 */

import type { QueryLanguage, WorkflowType } from "../src/defaults";
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
