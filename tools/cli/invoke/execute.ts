// One execution of a deployed state machine: large input to the payload bucket, StartSyncExecution (EXPRESS) or
// StartExecution + DescribeExecution polling (STANDARD), and the response fetched from S3 when it was written there.

import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { DescribeExecutionCommand, StartExecutionCommand, StartSyncExecutionCommand, type SFNClient } from "@aws-sdk/client-sfn";
import { offloadLargeInput, type OffloadOptions } from "../../local/clients/execution-input";
import { readBackResponse } from "../../local/clients/local-run";
import type { ExecutionInput, ExecutionOutcome, OffloadedInput } from "../../../src/workflow/contract";
import type { Progress } from "./progress";
import type { DeployedStack } from "./stack-outputs";

export interface InvokeOptions {
  sfn: SFNClient;
  s3: S3Client;
  stack: DeployedStack;
  input: ExecutionInput;
  executionName: string;
  /** A definition of the user's own: its input goes as it is (no move to S3, no built-in output contract). */
  ownDefinition?: boolean;
  /** For a large prompt's request body, and to normalise a response read from S3. */
  generation: OffloadOptions["generation"];
  progress?: Progress;
  /** Polling of STANDARD executions: first wait, doubled up to the maximum (ms). */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface InvokeReport extends ExecutionOutcome, OffloadedInput {
  executionArn?: string;
}

export async function invokeDeployed(options: InvokeOptions): Promise<InvokeReport> {
  const { stack, s3 } = options;
  const offloaded = options.ownDefinition
    ? { input: options.input as unknown, inputS3Uri: undefined, uploadedBytes: undefined }
    : await offloadLargeInput({
        input: options.input,
        payloadBucket: stack.payloadBucketName,
        executionName: options.executionName,
        generation: options.generation,
        put: async (key, bytes) => {
          await s3.send(new PutObjectCommand({ Bucket: stack.payloadBucketName, Key: key, Body: bytes, ContentType: "application/json" }));
        },
      });
  const request = { stateMachineArn: stack.stateMachineArn, name: options.executionName, input: JSON.stringify(offloaded.input) };
  const finished = stack.workflowType === "EXPRESS" ? await runSync(options, request) : await runAndPoll(options, request);

  const report: InvokeReport = {
    ...finished,
    ...(offloaded.inputS3Uri ? { inputS3Uri: offloaded.inputS3Uri, uploadedBytes: offloaded.uploadedBytes } : {}),
  };
  if (report.status === "SUCCEEDED" && !options.ownDefinition) {
    const response = await readBackResponse(s3, options.generation.family, report.output);
    if (response) report.response = response;
  }
  return report;
}

type StartRequest = { stateMachineArn: string; name: string; input: string };
type Finished = Pick<InvokeReport, "status" | "executionArn" | "output" | "error" | "cause">;

async function runSync(options: InvokeOptions, request: StartRequest): Promise<Finished> {
  const result = await options.sfn.send(new StartSyncExecutionCommand(request));
  return {
    status: result.status ?? "UNKNOWN",
    executionArn: result.executionArn,
    output: parseOutput(result.output),
    error: result.error,
    cause: result.cause,
  };
}

async function runAndPoll(options: InvokeOptions, request: StartRequest): Promise<Finished> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxInterval = options.maxPollIntervalMs ?? 5000;
  const { executionArn } = await options.sfn.send(new StartExecutionCommand(request));
  const started = Date.now();
  let interval = options.pollIntervalMs ?? 500;
  try {
    for (;;) {
      const execution = await options.sfn.send(new DescribeExecutionCommand({ executionArn }));
      const status = execution.status ?? "UNKNOWN";
      if (status !== "RUNNING" && status !== "PENDING_REDRIVE") {
        return { status, executionArn, output: parseOutput(execution.output), error: execution.error, cause: execution.cause };
      }
      options.progress?.update(status, Date.now() - started);
      await sleep(interval);
      interval = Math.min(interval * 2, maxInterval);
    }
  } finally {
    options.progress?.done();
  }
}

function parseOutput(output: string | undefined): unknown {
  if (output === undefined) return undefined;
  try {
    return JSON.parse(output);
  } catch {
    return output;
  }
}
