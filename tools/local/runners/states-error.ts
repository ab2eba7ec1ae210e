// The error a state raises, named the way Step Functions names it (`States.Timeout`, `Bedrock.ThrottlingException`, ...).
// Retry and Catch match on `name`; `cause` is what Step Functions reports as the error's Cause.

import { STATES } from "../../../src/workflow/asl";

export { STATES };

export class StatesError extends Error {
  /** `States.Runtime` errors end the execution: neither Retry nor Catch (not even `States.ALL`) can handle them. */
  readonly isRetryable: boolean;
  readonly isCatchable: boolean;

  constructor(
    readonly errorName: string,
    readonly cause: string,
  ) {
    super(cause);
    this.name = errorName;
    const handleable = errorName !== STATES.Runtime;
    this.isRetryable = handleable;
    this.isCatchable = handleable;
  }
}

/** Any thrown value as a StatesError; unknown errors from a Task count as `States.TaskFailed`. */
export function asStatesError(error: unknown): StatesError {
  if (error instanceof StatesError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StatesError(STATES.TaskFailed, message);
}
