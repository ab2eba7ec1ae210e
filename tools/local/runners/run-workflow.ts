// One entry point for running a definition locally: picks the runner by the machine's QueryLanguage.

import { randomUUID } from "node:crypto";
import type { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import type { S3Client } from "@aws-sdk/client-s3";
import type { WorkflowType } from "./aws-limits";
import { createClock, type ClockOptions } from "./clock";
import { queryLanguageOf } from "../../../src/workflow/walk";
import type { ExecutionIdentity, WorkflowRun } from "./execution";
import { createInvokeModelTask } from "./invoke-model-task";
import { readDefinition } from "./read-definition";
import { runJsonata } from "./jsonata-runner";
import { runJsonPath } from "./jsonpath-runner";
import { createTaskRouter } from "./task-router";

export interface RunWorkflowOptions extends ClockOptions {
  /** The ASL definition: the JSON string a state machine holds, or the object. */
  definition: string | object;
  /** The execution input. */
  input: unknown;
  bedrock: BedrockRuntimeClient;
  s3: S3Client;
  /** Execution name (default: a random UUID), used in `$states.context.Execution.Name` and so in output keys. */
  executionName?: string;
  stateMachineArn?: string;
  /** Results for named Task states instead of calling anything (`--mock-task`). */
  mockTasks?: Record<string, unknown>;
  /** Which of AWS's execution limits apply (local/runners/aws-limits.ts); default STANDARD. */
  workflowType?: WorkflowType;
}

export type { WorkflowRun } from "./execution";

const LOCAL_STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:local";

export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRun> {
  const definition = readDefinition(options.definition);
  const stateMachineArn = options.stateMachineArn ?? LOCAL_STATE_MACHINE_ARN;
  const identity: ExecutionIdentity = {
    name: options.executionName ?? randomUUID(),
    stateMachineArn,
    stateMachineName: stateMachineArn.split(":").pop() ?? "local",
  };
  const runnerOptions = {
    definition,
    input: options.input,
    invokeModel: createInvokeModelTask({ bedrock: options.bedrock, s3: options.s3 }),
    runTask: createTaskRouter({ bedrock: options.bedrock, s3: options.s3, mocks: options.mockTasks }),
    clock: createClock(options),
    identity,
    workflowType: options.workflowType,
  };
  return queryLanguageOf(definition) === "JSONata" ? runJsonata(runnerOptions) : runJsonPath(runnerOptions);
}
