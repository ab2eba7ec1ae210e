import type { Retrier, WorkflowType } from "./asl";
import { TIMEOUT_ERRORS, TRANSIENT_BEDROCK_ERRORS } from "./contract";

/**
 * Timeouts and retries of the Bedrock task.
 *
 * EXPRESS executions end hard at 5 minutes, so the worst case there must stay well inside:
 * every attempt may run to the task timeout, and retriers count separately, so
 *   worst = (1 + sum of MaxAttempts) * TimeoutSeconds + sum of every retry delay
 *         = (1 + 5 + 1) * 30 + (1 + 2 + 4 + 4 + 4) + 1 = 226 seconds  (budget: 240).
 * Throttling is the common transient error and is answered at once, so EXPRESS spends its budget on
 * retries (five) rather than on one long attempt; generations that need more than 30 seconds belong on
 * STANDARD, which retries more and allows slow generations.
 * Delays use full jitter so that throttled executions do not retry in lockstep.
 */
export interface TaskRetryPolicy {
  timeoutSeconds: number;
  retry: Retrier[];
}

/** The EXPRESS worst case must stay below this (80% of the 300-second EXPRESS limit). */
export const EXPRESS_TIME_BUDGET_SECONDS = 240;

const POLICIES: Record<WorkflowType, TaskRetryPolicy> = {
  EXPRESS: {
    timeoutSeconds: 30,
    retry: [
      retrier([...TRANSIENT_BEDROCK_ERRORS], { interval: 1, maxAttempts: 5, maxDelay: 4 }),
      retrier([...TIMEOUT_ERRORS], { interval: 1, maxAttempts: 1, maxDelay: 2 }),
    ],
  },
  STANDARD: {
    timeoutSeconds: 300,
    retry: [
      retrier([...TRANSIENT_BEDROCK_ERRORS], { interval: 2, maxAttempts: 6, maxDelay: 60 }),
      retrier([...TIMEOUT_ERRORS], { interval: 5, maxAttempts: 2, maxDelay: 30 }),
    ],
  },
};

function retrier(errors: string[], p: { interval: number; maxAttempts: number; maxDelay: number }): Retrier {
  return {
    ErrorEquals: errors,
    IntervalSeconds: p.interval,
    BackoffRate: 2,
    MaxAttempts: p.maxAttempts,
    MaxDelaySeconds: p.maxDelay,
    JitterStrategy: "FULL",
  };
}

/** A fresh copy, so callers can't alter the shared policy. */
export function retryPolicyFor(workflowType: WorkflowType): TaskRetryPolicy {
  return structuredClone(POLICIES[workflowType]);
}
