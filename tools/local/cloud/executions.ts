// Executions of the local Step Functions endpoint: their state, their history events, and the rules AWS applies to
// starting and stopping them (names, idempotent restarts, ABORTED). No HTTP here; the endpoint maps it to JSON.

import { randomUUID } from "node:crypto";
import type { WorkflowType } from "../../../src/core/defaults";
import type { WorkflowRun } from "../runners/execution";
import { AWS_LIMITS } from "../runners/aws-limits";

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

export interface LocalStateMachine {
  arn: string;
  name: string;
  type: WorkflowType;
  definition: string;
  roleArn: string;
  /** Runs one execution to its end. */
  execute(input: unknown, executionName: string): Promise<WorkflowRun>;
}

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

export interface Execution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  events: HistoryEvent[];
  /** Settles when the execution has ended. */
  finished: Promise<void>;
}

/** An error in AWS's terms: the exception name the SDK maps to its error class, and the message. */
export class StepFunctionsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

const NAME = /^[A-Za-z0-9_-]{1,80}$/;
const MAX_INPUT_BYTES = AWS_LIMITS.payloadBytes;

export class ExecutionStore {
  private readonly byArn = new Map<string, Execution>();
  private readonly stateTypes: Map<string, string>;

  constructor(readonly machine: LocalStateMachine) {
    const states = (JSON.parse(machine.definition) as { States?: Record<string, { Type?: string }> }).States ?? {};
    this.stateTypes = new Map(Object.entries(states).map(([name, state]) => [name, state.Type ?? "Task"]));
  }

  get(executionArn: string): Execution {
    const execution = this.byArn.get(executionArn);
    if (!execution) throw new StepFunctionsError("ExecutionDoesNotExist", `Execution Does Not Exist: '${executionArn}'`);
    return execution;
  }

  /** Newest first, as ListExecutions answers (insertion order is start order, even within one millisecond). */
  list(): Execution[] {
    return [...this.byArn.values()].reverse();
  }

  start(stateMachineArn: string, name: string | undefined, input: string | undefined): Execution {
    this.checkMachine(stateMachineArn);
    const executionName = name ?? randomUUID();
    if (!NAME.test(executionName)) {
      throw new StepFunctionsError("InvalidName", `Invalid Name: '${executionName}' (1 to 80 characters: letters, digits, '-' and '_')`);
    }
    const text = input ?? "{}";
    if (Buffer.byteLength(text, "utf8") > MAX_INPUT_BYTES) {
      throw new StepFunctionsError(
        "ValidationException",
        `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_INPUT_BYTES}`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new StepFunctionsError("InvalidExecutionInput", `Invalid State Machine Execution Input: '${(error as Error).message}'`);
    }
    const executionArn = this.arnFor(executionName);
    const existing = this.byArn.get(executionArn);
    if (existing) {
      // AWS: the same name and input while it runs is the same execution; anything else is a conflict.
      if (existing.status === "RUNNING" && existing.input === text) return existing;
      throw new StepFunctionsError("ExecutionAlreadyExists", `Execution Already Exists: '${executionArn}'`);
    }
    const execution: Execution = {
      executionArn,
      stateMachineArn,
      name: executionName,
      status: "RUNNING",
      startDate: new Date(),
      input: text,
      events: [],
      finished: Promise.resolve(),
    };
    this.record(execution, "ExecutionStarted", { executionStartedEventDetails: { input: text, roleArn: this.machine.roleArn } });
    this.byArn.set(executionArn, execution);
    execution.finished = this.machine.execute(parsed, executionName).then(
      (run) => this.finish(execution, run),
      (error: unknown) => this.finish(execution, { status: "FAILED", error: "States.Runtime", cause: (error as Error)?.message ?? String(error), states: [] }),
    );
    return execution;
  }

  stop(executionArn: string, error?: string, cause?: string): Execution {
    const execution = this.get(executionArn);
    if (execution.status !== "RUNNING") return execution;
    execution.status = "ABORTED";
    execution.stopDate = new Date();
    execution.error = error;
    execution.cause = cause;
    this.record(execution, "ExecutionAborted", { executionAbortedEventDetails: { ...(error ? { error } : {}), ...(cause ? { cause } : {}) } });
    return execution;
  }

  checkMachine(stateMachineArn: string | undefined): void {
    if (stateMachineArn !== this.machine.arn) {
      throw new StepFunctionsError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${stateMachineArn}' (this endpoint serves ${this.machine.arn})`);
    }
  }

  private arnFor(name: string): string {
    const base = this.machine.arn.replace(":stateMachine:", this.machine.type === "EXPRESS" ? ":express:" : ":execution:");
    // EXPRESS execution ARNs carry a generated suffix, so a name alone never collides.
    return this.machine.type === "EXPRESS" ? `${base}:${name}:${randomUUID()}` : `${base}:${name}`;
  }

  // The runners report the states entered when the run ends, so state events appear in the history then.
  private finish(execution: Execution, run: WorkflowRun): void {
    if (execution.status !== "RUNNING") return; // stopped meanwhile: its result is discarded, as AWS discards it
    for (const state of run.states) {
      const type = this.stateTypes.get(state) ?? "Task";
      this.record(execution, `${type}StateEntered`, { stateEnteredEventDetails: { name: state } });
      this.record(execution, `${type}StateExited`, { stateExitedEventDetails: { name: state } });
    }
    execution.stopDate = new Date();
    if (run.status === "SUCCEEDED") {
      execution.status = "SUCCEEDED";
      execution.output = JSON.stringify(run.output ?? null);
      this.record(execution, "ExecutionSucceeded", { executionSucceededEventDetails: { output: execution.output } });
    } else {
      const timedOut = run.error === "States.Timeout";
      execution.status = timedOut ? "TIMED_OUT" : "FAILED";
      execution.error = run.error;
      execution.cause = run.cause;
      this.record(execution, timedOut ? "ExecutionTimedOut" : "ExecutionFailed", {
        [timedOut ? "executionTimedOutEventDetails" : "executionFailedEventDetails"]: { error: run.error, cause: run.cause },
      });
    }
  }

  private record(execution: Execution, type: string, details: Record<string, unknown>): void {
    const id = execution.events.length + 1;
    execution.events.push({ id, previousEventId: id - 1, timestamp: new Date(), type, ...details });
  }
}
