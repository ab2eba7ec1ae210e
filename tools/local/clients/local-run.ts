// One local execution of a stack's workflow, start to finish: stand-ins up, large input to S3, run,
// S3 output fetched back and normalised, stand-ins down.

import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { normaliseResponse, type ModelFamily } from "../../../src/bedrock/families";
import {
  isS3ExecutionOutput,
  type ExecutionInput,
  type ExecutionOutput,
  type InlineExecutionOutput,
  type OffloadedInput,
  type S3ExecutionOutput,
} from "../../../src/workflow/contract";
import type { FaultPlan } from "../stand-ins/bedrock-stand-in";
import { startLocalEnvironment, type LocalEnvironment } from "./environment";
import type { WorkflowRun } from "../runners/execution";
import { newExecutionName, offloadLargeInput } from "./execution-input";
import { configuredFamilies, type LocalStack } from "./local-stack";
import { parseS3Uri } from "../runners/s3-uri";

export interface LocalExecutionOptions {
  /** The built-in contract's input, or any JSON value for a definition of your own. */
  input: ExecutionInput | unknown;
  /** Results for named Task states (`--mock-task`). */
  mockTasks?: Record<string, unknown>;
  executionName?: string;
  /** Faults the Bedrock stand-in injects. */
  faults?: FaultPlan;
  /** Shrinks every wait (retry backoff, timeouts); 1 = real time. */
  timeScale?: number;
  /** Inputs larger than this go through S3 (default: the 256 KB Step Functions limit). */
  inputLimitBytes?: number;
  /**
   * Stand-ins already running (the local cloud, shared by a batch of runs); they are left running. By default the
   * run starts its own, without authorisation, and stops them.
   */
  environment?: Pick<LocalEnvironment, "s3Client" | "run" | "bedrock">;
}

export interface LocalExecutionReport extends WorkflowRun, OffloadedInput {
  executionName: string;
  queryLanguage: LocalStack["queryLanguage"];
  /** InvokeModel calls the Bedrock stand-in received while the run lasted (retries included; with a shared environment, other runs' too). */
  bedrockCalls: number;
}

export async function runLocalExecution(stack: LocalStack, options: LocalExecutionOptions): Promise<LocalExecutionReport> {
  const executionName = options.executionName ?? newExecutionName("local");
  const env =
    options.environment ??
    (await startLocalEnvironment({ payloadBucket: stack.payloadBucket, family: stack.family, familyByModel: configuredFamilies(stack), faults: options.faults }));
  const callsBefore = env.bedrock.calls.length;
  try {
    // A definition of your own has its own input contract: the input goes in as it is (AWS would refuse one over 256 KB).
    const offloaded = stack.ownDefinition
      ? ({ input: options.input } as { input: unknown; inputS3Uri?: string; uploadedBytes?: number })
      : await offloadLargeInput({
          input: options.input as ExecutionInput,
          payloadBucket: stack.payloadBucket,
          executionName,
          generation: stack.generation,
          limitBytes: options.inputLimitBytes,
          put: async (key, bytes) => {
            await env.s3Client.send(new PutObjectCommand({ Bucket: stack.payloadBucket, Key: key, Body: bytes, ContentType: "application/json" }));
          },
        });
    const run = await env.run({
      definition: stack.definition,
      input: offloaded.input,
      executionName,
      stateMachineArn: stack.stateMachineArn,
      timeScale: options.timeScale,
      mockTasks: options.mockTasks,
    });
    const response = run.status === "SUCCEEDED" && !stack.ownDefinition ? await readBackResponse(env.s3Client, stack.family, run.output) : undefined;
    return {
      ...run,
      executionName,
      queryLanguage: stack.queryLanguage,
      ...(offloaded.inputS3Uri ? { inputS3Uri: offloaded.inputS3Uri, uploadedBytes: offloaded.uploadedBytes } : {}),
      ...(response ? { response } : {}),
      bedrockCalls: env.bedrock.calls.length - callsBefore,
    };
  } finally {
    if (!options.environment) await (env as LocalEnvironment).close();
  }
}

/**
 * The response an execution wrote to S3 (`outputToS3`), read back and normalised by the workflow's own expression,
 * so it reads exactly as the inline output would have; undefined when the output is not an S3 reference.
 */
export async function readBackResponse(s3: S3Client, family: ModelFamily, output: unknown): Promise<InlineExecutionOutput | undefined> {
  if (output === null || typeof output !== "object" || !isS3ExecutionOutput(output as ExecutionOutput)) return undefined;
  const { outputS3Uri, model } = output as S3ExecutionOutput;
  const raw = await readS3Json(s3, outputS3Uri);
  return { ...(await normaliseResponse(family, raw)), model, raw };
}

/** The JSON object at an s3:// URI. */
async function readS3Json(s3: S3Client, uri: string): Promise<unknown> {
  const { bucket, key } = parseS3Uri(uri);
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!object.Body) throw new Error(`${uri} has no body`);
  const text = await object.Body.transformToString();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${uri} does not hold JSON: ${text.slice(0, 200)}`);
  }
}
