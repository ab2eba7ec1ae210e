// Retry and Catch matching and backoff, as the Amazon States Language defines them.

import { RETRIER_DEFAULTS, type AnyRetrier } from "../../../src/workflow/asl";
import { STATES, StatesError } from "./states-error";

/**
 * Whether an ErrorEquals list matches an error raised by a state.
 * `States.ALL` matches everything but `States.Runtime` and `States.DataLimitExceeded` (which only its own name catches);
 * `States.TaskFailed` matches any Task error except `States.Timeout`.
 */
function errorMatches(errorEquals: readonly string[], error: StatesError, raisedByTask: boolean): boolean {
  if (!error.isCatchable) return false;
  return errorEquals.some(
    (name) =>
      name === error.errorName ||
      (name === STATES.ALL && error.errorName !== STATES.DataLimitExceeded) ||
      (name === STATES.TaskFailed && raisedByTask && error.errorName !== STATES.Timeout),
  );
}

/** Index of the first entry whose ErrorEquals matches, or -1; later entries are never consulted for that error. */
export function firstMatching(entries: readonly { ErrorEquals: string[] }[] | undefined, error: StatesError, raisedByTask: boolean): number {
  if (!entries) return -1;
  return entries.findIndex((entry) => errorMatches(entry.ErrorEquals, error, raisedByTask));
}

export function maxAttemptsOf(retrier: AnyRetrier): number {
  return retrier.MaxAttempts ?? RETRIER_DEFAULTS.MaxAttempts;
}

/**
 * Seconds to wait before retry number `retriesSoFar + 1` of this retrier:
 * IntervalSeconds * BackoffRate^retriesSoFar, capped by MaxDelaySeconds, then with FULL jitter a uniform draw in [0, that].
 */
export function backoffSeconds(retrier: AnyRetrier, retriesSoFar: number, random: () => number): number {
  const interval = retrier.IntervalSeconds ?? RETRIER_DEFAULTS.IntervalSeconds;
  const rate = retrier.BackoffRate ?? RETRIER_DEFAULTS.BackoffRate;
  let delay = interval * rate ** retriesSoFar;
  if (retrier.MaxDelaySeconds !== undefined) delay = Math.min(delay, retrier.MaxDelaySeconds);
  if (retrier.JitterStrategy === "FULL") delay = random() * delay;
  return delay;
}
