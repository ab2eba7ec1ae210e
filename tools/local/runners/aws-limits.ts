// AWS's own limits on one execution, written down once for both local runners, the local clients and the local
// Step Functions endpoint. Source: AWS Step Functions quotas, read 2026-12-05:
//   https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html (Standard: limits.html, Express: express-limits.html)
//   https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html (Inline Map: up to 40 concurrent iterations)
// The history-limit error (States.Runtime, "The execution reached the maximum number of history events (25000).")
// is the one AWS records in ExecutionFailed, as reported by users (github.com/floci-io/floci/issues/2734, 2026-08-29).
// A runaway definition (a loop with no exit) must end locally as it would on AWS, in bounded time and memory.

import type { Clock } from "./clock";
import { STATES, StatesError } from "./states-error";

export const AWS_LIMITS = {
  /** EXPRESS: maximum execution duration, seconds (5 minutes); the execution fails with States.Timeout. */
  expressDurationSeconds: 300,
  /** STANDARD: maximum execution history size, events; the execution fails with States.Runtime. */
  standardHistoryEvents: 25_000,
  /** Maximum input or output of a task, state or execution: 262,144 bytes of UTF-8 (States.DataLimitExceeded). */
  payloadBytes: 262_144,
  /** Inline Map: at most 40 iterations run at once, whatever MaxConcurrency asks for (0 means "as many as possible"). */
  inlineMapConcurrency: 40,
} as const;

export type WorkflowType = "STANDARD" | "EXPRESS";

/**
 * History events a state adds on AWS (entered + exited, plus the scheduled/started/succeeded events of a Task, the
 * started/succeeded events of a Parallel or Map, and two per Map iteration), so that a local STANDARD run fails at
 * about the same point as AWS's. An approximation: AWS's exact count depends on the integration.
 */
export const HISTORY_EVENTS = { state: 2, task: 5, retry: 3, parallelOrMap: 4, mapIteration: 2, execution: 2 } as const;

/** The UTF-8 size of a value as Step Functions measures it (its JSON text). */
export function payloadBytes(value: unknown): number {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // Nested too deep for JSON.stringify (a loop wrapping its own output): small in bytes; the history limit ends it.
    return 0;
  }
  return text === undefined ? 0 : Buffer.byteLength(text, "utf8");
}

/** The error AWS raises for a payload over the limit; `where` names the state and field. */
export function dataLimitExceeded(where: string, bytes: number): StatesError {
  return new StatesError(
    STATES.DataLimitExceeded,
    `${where} is ${bytes} bytes, over the ${AWS_LIMITS.payloadBytes}-byte limit on the input or output of a state (AWS Step Functions quota)`,
  );
}

export function checkPayload(where: string, value: unknown): void {
  const bytes = payloadBytes(value);
  if (bytes > AWS_LIMITS.payloadBytes) throw dataLimitExceeded(where, bytes);
}

/** The concurrency an inline Map actually runs at: MaxConcurrency within AWS's cap of 40. */
export function inlineMapConcurrency(maxConcurrency: unknown, items: number): number {
  const asked = Number(maxConcurrency ?? 0);
  const cap = asked > 0 ? Math.min(asked, AWS_LIMITS.inlineMapConcurrency) : AWS_LIMITS.inlineMapConcurrency;
  return Math.max(1, Math.min(cap, items));
}

/**
 * One execution's budget: history events for STANDARD, duration for EXPRESS (on the runner's clock, so tests can
 * shrink it with timeoutScale). The first limit reached ends the execution; neither Retry nor Catch can stop that.
 */
export class ExecutionBudget {
  private events = 0;
  private readonly deadline: number | undefined;
  /** The error that ended the execution, once a limit is reached. */
  exceeded: StatesError | undefined;

  constructor(
    readonly workflowType: WorkflowType,
    clock: Pick<Clock, "timeoutMs">,
    private readonly now: () => number = Date.now,
  ) {
    this.deadline = workflowType === "EXPRESS" ? now() + clock.timeoutMs(AWS_LIMITS.expressDurationSeconds) : undefined;
    this.count(1); // ExecutionStarted
  }

  /** Real milliseconds left before EXPRESS's 5 minutes (undefined for STANDARD). */
  msLeft(): number | undefined {
    return this.deadline === undefined ? undefined : Math.max(0, this.deadline - this.now());
  }

  /** Adds history events; throws (and remembers) the limit's error when the execution may not go on. */
  count(events: number): void {
    if (this.exceeded) throw this.exceeded;
    if (this.workflowType === "STANDARD") {
      this.events += events;
      // Event 25,000 is ExecutionFailed itself.
      if (this.events >= AWS_LIMITS.standardHistoryEvents) this.fail(historyLimitReached());
    } else if (this.deadline !== undefined && this.now() >= this.deadline) {
      this.fail(expressDurationExceeded());
    }
  }

  fail(error: StatesError): never {
    this.exceeded ??= error;
    throw this.exceeded;
  }
}

function historyLimitReached(): StatesError {
  return new StatesError(STATES.Runtime, `The execution reached the maximum number of history events (${AWS_LIMITS.standardHistoryEvents}).`);
}

export function expressDurationExceeded(): StatesError {
  const error = new StatesError(
    STATES.Timeout,
    `The execution ran past the ${AWS_LIMITS.expressDurationSeconds / 60}-minute maximum duration of EXPRESS workflows (AWS Step Functions quota)`,
  );
  return Object.assign(error, { isCatchable: false, isRetryable: false });
}
