import type { Retrier, WorkflowType } from "./asl";
import { TIMEOUT_ERRORS, TRANSIENT_BEDROCK_ERRORS } from "./contract";

/**
 * Timeouts and retries of the Bedrock task.
 *
 * EXPRESS executions end hard at 5 minutes, so the worst case there must stay well inside:
 * every attempt may run to the task timeout, and retriers count separately, so
 *   worst = (1 + sum of MaxAttempts) * TimeoutSeconds + sum of every retry delay
 *         = (1 + 7 + 1) * 25 + (1 + 2 + 4 + 4 + 4 + 4 + 4) + 1 = 249 seconds  (budget: 270).
 * Throttling is the common transient error and is answered at once, so EXPRESS spends its budget on
 * retries (seven: at 30% throttling, 1 execution in 15,000 still fails) rather than on long attempts;
 * generations that need more than 25 seconds belong on STANDARD, which allows 5 minutes a call.
 * Delays use full jitter so that throttled executions do not retry in lockstep.
 */
export interface TaskRetryPolicy {
  timeoutSeconds: number;
  retry: Retrier[];
}

/** The EXPRESS worst case must stay below this (90% of the 300-second EXPRESS limit). */
export const EXPRESS_TIME_BUDGET_SECONDS = 270;

const POLICIES: Record<WorkflowType, TaskRetryPolicy> = {
  EXPRESS: {
    timeoutSeconds: 25,
    retry: [retrier([...TRANSIENT_BEDROCK_ERRORS], { interval: 1, maxAttempts: 7, maxDelay: 4 }), retrier([...TIMEOUT_ERRORS], { interval: 1, maxAttempts: 1, maxDelay: 2 })],
  },
  STANDARD: {
    timeoutSeconds: 300,
    retry: [retrier([...TRANSIENT_BEDROCK_ERRORS], { interval: 2, maxAttempts: 6, maxDelay: 60 }), retrier([...TIMEOUT_ERRORS], { interval: 5, maxAttempts: 2, maxDelay: 30 })],
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

/**
 * A fresh copy, so callers can't alter the shared policy. With fallback models, `chainLength` Tasks may run one
 * after the other; on EXPRESS their worst cases together must still fit the budget, so each Task keeps as many
 * throttling retries as fit its share (then the timeout retry, if it still fits). STANDARD keeps its policy.
 */
export function retryPolicyFor(workflowType: WorkflowType, chainLength = 1): TaskRetryPolicy {
  const policy = structuredClone(POLICIES[workflowType]);
  if (workflowType === "STANDARD" || chainLength <= 1) return policy;
  const share = EXPRESS_TIME_BUDGET_SECONDS / chainLength;
  const [transient, timeout] = policy.retry;
  for (let attempts = transient.MaxAttempts; attempts >= 0; attempts--) {
    for (const timeoutAttempts of [timeout.MaxAttempts, 0]) {
      const retry = [...(attempts > 0 ? [{ ...transient, MaxAttempts: attempts }] : []), ...(timeoutAttempts > 0 ? [{ ...timeout, MaxAttempts: timeoutAttempts }] : [])];
      if (worstCaseSeconds({ timeoutSeconds: policy.timeoutSeconds, retry }) <= share) return { timeoutSeconds: policy.timeoutSeconds, retry };
    }
  }
  return { timeoutSeconds: policy.timeoutSeconds, retry: [] };
}

/** Longest time one Task can take: every attempt runs to the timeout, every retrier is spent, every delay is its cap. */
export function worstCaseSeconds(policy: TaskRetryPolicy): number {
  let attempts = 1;
  let delays = 0;
  for (const retrier of policy.retry) {
    attempts += retrier.MaxAttempts;
    for (let n = 0; n < retrier.MaxAttempts; n++) delays += Math.min(retrier.IntervalSeconds * retrier.BackoffRate ** n, retrier.MaxDelaySeconds);
  }
  return attempts * policy.timeoutSeconds + delays;
}
