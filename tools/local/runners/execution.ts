// What both local runners take and give back.

import type { WorkflowType } from "./aws-limits";
import type { Clock } from "./clock";
import type { AnyStateMachine } from "../../../src/workflow/asl";
import type { ExecutionOutcome } from "../../../src/workflow/contract";
import type { InvokeModelRunner } from "./invoke-model-task";
import type { TaskRunner } from "./task-router";

export interface ExecutionIdentity {
  /** Execution name, as in `$states.context.Execution.Name` / `$$.Execution.Name`. */
  name: string;
  stateMachineArn: string;
  stateMachineName: string;
}

export interface WorkflowRun extends ExecutionOutcome {
  status: "SUCCEEDED" | "FAILED";
  /** Names of the states entered, in order (a retried state appears once per entry, not per attempt). */
  states: string[];
}

export interface RunnerOptions {
  definition: AnyStateMachine;
  input: unknown;
  invokeModel: InvokeModelRunner;
  /** Serves every Task (Bedrock integrations, mocks); default: `invokeModel` for bedrock:invokeModel, an error otherwise. */
  runTask?: TaskRunner;
  clock: Clock;
  identity: ExecutionIdentity;
  /** Which of AWS's limits apply (EXPRESS: 5 minutes; STANDARD: 25,000 history events); default STANDARD, as on AWS. */
  workflowType?: WorkflowType;
}

/** At most this many entered states are recorded for the report (a runaway loop enters millions). */
const RECORDED_STATES = 1000;

/** The names of the states entered, the first RECORDED_STATES of them, then one line counting the rest. */
export class StateRecorder {
  readonly names: string[] = [];
  private dropped = 0;

  enter(name: string): void {
    if (this.names.length < RECORDED_STATES) this.names.push(name);
    else this.dropped++;
  }

  list(): string[] {
    return this.dropped === 0 ? this.names : [...this.names, `... ${this.dropped} more`];
  }
}

/** The execution ARN Step Functions would give this execution of this state machine. */
export function executionArnOf(identity: ExecutionIdentity): string {
  const prefix = identity.stateMachineArn.replace(":stateMachine:", ":execution:");
  return prefix === identity.stateMachineArn ? `${identity.stateMachineArn}:${identity.name}` : `${prefix}:${identity.name}`;
}
