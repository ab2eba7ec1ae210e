// The generated JSONata definitions evaluated by the project's own JSONata runner (tools/local/runners), with each Task
// answered by a test handler instead of the Bedrock stand-in. Retries run as defined, their backoff shrunk to
// nothing, so a failing handler is called once per attempt before the catchers see its error.

import type { StateMachineDefinition } from "../../../../src/workflow";
import type { AnyStateMachine } from "../../../../src/workflow/asl";
import { createClock } from "../../../../tools/local/runners/clock";
import { runJsonata } from "../../../../tools/local/runners/jsonata-runner";
import { StatesError } from "../../../../tools/local/runners/states-error";

export interface TaskFailure {
  Error: string;
  Cause: string;
}

/** Answers a Task state: returns the service result, or throws a TaskFailure. */
export type TaskHandler = (stateName: string, args: unknown) => unknown;

export type RunResult = { status: "SUCCEEDED"; output: unknown; path: string[] } | { status: "FAILED"; error: string; cause: string; path: string[] };

function isTaskFailure(value: unknown): value is TaskFailure {
  return typeof value === "object" && value !== null && typeof (value as TaskFailure).Error === "string";
}

export async function runJsonataDefinition(definition: StateMachineDefinition, input: unknown, handler: TaskHandler, executionName = "test-execution"): Promise<RunResult> {
  const runTask = async (call: { state: string }, args: unknown) => {
    try {
      return await handler(call.state, args);
    } catch (failure) {
      throw isTaskFailure(failure) ? new StatesError(failure.Error, failure.Cause) : failure;
    }
  };
  const run = await runJsonata({
    // As the state machine receives it: the JSON text of the definition.
    definition: JSON.parse(JSON.stringify(definition)) as AnyStateMachine,
    input,
    invokeModel: () => Promise.reject(new Error("every Task goes to the test handler")),
    runTask,
    clock: createClock({ timeScale: 1e-6 }),
    identity: { name: executionName, stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:test", stateMachineName: "test" },
  });
  return run.status === "SUCCEEDED"
    ? { status: "SUCCEEDED", output: run.output, path: run.states }
    : { status: "FAILED", error: run.error ?? "", cause: run.cause ?? "", path: run.states };
}
