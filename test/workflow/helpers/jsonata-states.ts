// Just enough of Step Functions' JSONata semantics to evaluate the expressions of our JSONata
// definitions: Choice (Condition, Default), Task (Arguments, Output, Catch) and Fail (Error, Cause).
// No retries: a task error goes straight to the catchers. The full runner lives in local/.

import jsonata from "jsonata";
import type { StateMachineDefinition } from "../../../workflow";
import { jsonataExpressionOf } from "../../../workflow/asl";

export interface TaskFailure {
  Error: string;
  Cause: string;
}

/** Answers a Task state: returns the service result, or throws a TaskFailure. */
export type TaskHandler = (stateName: string, args: unknown) => unknown;

export type RunResult =
  | { status: "SUCCEEDED"; output: unknown; path: string[] }
  | { status: "FAILED"; error: string; cause: string; path: string[] };

/** Evaluate a JSONata template: a `{% %}` string, or an object/array holding some. */
async function evaluateTemplate(template: unknown, states: Record<string, unknown>): Promise<unknown> {
  if (typeof template === "string") {
    const expression = jsonataExpressionOf(template);
    return expression === undefined ? template : jsonata(expression).evaluate(null, { states });
  }
  if (Array.isArray(template)) {
    return Promise.all(template.map((item) => evaluateTemplate(item, states)));
  }
  if (template !== null && typeof template === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(template)) {
      const evaluated = await evaluateTemplate(value, states);
      if (evaluated !== undefined) out[key] = evaluated;
    }
    return out;
  }
  return template;
}

function isTaskFailure(value: unknown): value is TaskFailure {
  return typeof value === "object" && value !== null && typeof (value as TaskFailure).Error === "string";
}

export async function runJsonataDefinition(
  definition: StateMachineDefinition,
  input: unknown,
  handler: TaskHandler,
  executionName = "test-execution",
): Promise<RunResult> {
  const context = { Execution: { Name: executionName, Input: input } };
  const path: string[] = [];
  let current = definition.StartAt;
  let stateInput = input;

  for (let steps = 0; steps < 20; steps++) {
    path.push(current);
    const state = definition.States[current] as Record<string, any>;
    const states = { input: stateInput, context };
    switch (state.Type) {
      case "Choice": {
        let next: string = state.Default;
        for (const rule of state.Choices) {
          if ((await evaluateTemplate(rule.Condition, states)) === true) {
            next = rule.Next;
            break;
          }
        }
        current = next;
        continue;
      }
      case "Fail":
        return {
          status: "FAILED",
          error: (await evaluateTemplate(state.Error, states)) as string,
          cause: (await evaluateTemplate(state.Cause, states)) as string,
          path,
        };
      case "Task": {
        const args = await evaluateTemplate(state.Arguments, states);
        let result: unknown;
        try {
          result = await handler(current, args);
        } catch (failure) {
          if (!isTaskFailure(failure)) throw failure;
          const catcher = state.Catch.find((c: { ErrorEquals: string[] }) =>
            c.ErrorEquals.some((name) => name === "States.ALL" || name === failure.Error),
          );
          if (!catcher) return { status: "FAILED", error: failure.Error, cause: failure.Cause, path };
          stateInput = await evaluateTemplate(catcher.Output ?? "{% $states.errorOutput %}", { ...states, errorOutput: failure });
          current = catcher.Next;
          continue;
        }
        const output = await evaluateTemplate(state.Output ?? "{% $states.result %}", { ...states, result });
        if (state.End) return { status: "SUCCEEDED", output, path };
        stateInput = output;
        current = state.Next;
        continue;
      }
      default:
        throw new Error(`state type ${state.Type} is not used by JSONata definitions`);
    }
  }
  throw new Error(`no end after 20 states: ${path.join(" -> ")}`);
}
