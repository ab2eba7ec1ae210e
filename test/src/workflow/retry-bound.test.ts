import { strict as assert } from "node:assert";
import { buildDefinition, EXPRESS_TIME_BUDGET_SECONDS, type StateMachineDefinition } from "../../../src/workflow";
import { allOptions, describeOptions } from "./helpers/fixtures";

const EXPRESS_LIMIT_SECONDS = 300;

interface RetrierLike {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
}

/**
 * Longest time one task state can take, read from the definition alone: each retrier keeps its
 * own count, so in the worst case every retrier is exhausted and every attempt runs to the timeout.
 * ASL defaults: IntervalSeconds 1, MaxAttempts 3, BackoffRate 2; full jitter only shortens delays.
 */
function worstCaseSeconds(task: { TimeoutSeconds?: number; Retry?: RetrierLike[] }): number {
  assert.ok(task.TimeoutSeconds, "a task without TimeoutSeconds can run for a year");
  let attempts = 1;
  let delays = 0;
  for (const retrier of task.Retry ?? []) {
    const maxAttempts = retrier.MaxAttempts ?? 3;
    attempts += maxAttempts;
    for (let retry = 0; retry < maxAttempts; retry++) {
      const backoff = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** retry;
      delays += Math.min(backoff, retrier.MaxDelaySeconds ?? Infinity);
    }
  }
  return attempts * task.TimeoutSeconds + delays;
}

/** Every execution makes at most one task call (each task ends the run), so the worst task is the bound. */
function worstExecutionSeconds(definition: StateMachineDefinition): number {
  const tasks = Object.values(definition.States).filter((s) => s.Type === "Task");
  assert.ok(tasks.length > 0);
  return Math.max(...tasks.map((task) => worstCaseSeconds(task as never)));
}

describe("workflow: retry and timeout bounds", () => {
  it("the budget itself leaves a margin under the EXPRESS limit", () => {
    assert.ok(EXPRESS_TIME_BUDGET_SECONDS <= 0.9 * EXPRESS_LIMIT_SECONDS);
  });

  for (const options of allOptions().filter((o) => o.workflowType === "EXPRESS")) {
    it(`EXPRESS worst case stays within budget: ${describeOptions(options)}`, () => {
      const worst = worstExecutionSeconds(buildDefinition(options));
      assert.ok(worst <= EXPRESS_TIME_BUDGET_SECONDS, `worst case ${worst}s > ${EXPRESS_TIME_BUDGET_SECONDS}s`);
    });
  }

  it("STANDARD retries more and waits longer than EXPRESS", () => {
    for (const queryLanguage of ["JSONata", "JSONPath"] as const) {
      const base = allOptions()[0];
      const standard = buildDefinition({ ...base, queryLanguage, workflowType: "STANDARD" });
      const express = buildDefinition({ ...base, queryLanguage, workflowType: "EXPRESS" });
      assert.ok(worstExecutionSeconds(standard) > EXPRESS_LIMIT_SECONDS);
      assert.ok(worstExecutionSeconds(standard) > worstExecutionSeconds(express));
    }
  });
});
