// The Task `arn:aws:states:::bedrock:invokeModel` as Step Functions' optimized integration runs it:
// request body from `Body` (JSON-serialised) or from the S3 object at `Input.S3Uri`; response parsed into `Body`,
// or written to `Output.S3Uri` with a reference returned instead. Bedrock errors surface as `Bedrock.<Exception>`.

import { InvokeModelCommand, type BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { formatS3Uri, parseS3Uri } from "./s3-uri";
import { STATES, StatesError } from "./states-error";

export interface InvokeModelArguments {
  ModelId: string;
  Body?: unknown;
  Input?: { S3Uri: string };
  Output?: { S3Uri: string };
  ContentType?: string;
  Accept?: string;
  GuardrailIdentifier?: string;
  GuardrailVersion?: string;
  Trace?: "ENABLED" | "DISABLED" | "ENABLED_FULL";
}

/**
 * The task result. With `Output.S3Uri`, AWS documents only that "the API response body is replaced with a reference
 * to the Amazon S3 location"; the exact shape is undocumented, so we return `Body: { S3Uri }` (see OUTPUT_REFERENCE).
 */
export interface InvokeModelResult {
  Body: unknown;
  ContentType: string;
}

/** Builds the reference that replaces the response body when it went to S3. One place to change if AWS documents otherwise. */
function OUTPUT_REFERENCE(s3Uri: string): { S3Uri: string } {
  return { S3Uri: s3Uri };
}

export interface InvokeModelTaskDeps {
  bedrock: BedrockRuntimeClient;
  s3: S3Client;
}

/** Runs one call of the optimized integration (named apart from src/workflow/analysis.ts's InvokeModelTask, a task found in a definition). */
export type InvokeModelRunner = (args: unknown) => Promise<InvokeModelResult>;

export function createInvokeModelTask({ bedrock, s3 }: InvokeModelTaskDeps): InvokeModelRunner {
  return async (rawArgs) => {
    const args = validateArguments(rawArgs);
    const request = args.Input ? await readS3Input(s3, args.Input.S3Uri) : { bytes: Buffer.from(JSON.stringify(args.Body), "utf8") };
    const contentType = args.ContentType ?? request.contentType ?? "application/json";
    const accept = args.Accept ?? "application/json";

    const guardrail = args.GuardrailIdentifier
      ? { guardrailIdentifier: args.GuardrailIdentifier, guardrailVersion: args.GuardrailVersion, ...(args.Trace ? { trace: args.Trace } : {}) }
      : {};
    const response = await callBedrock(bedrock, { modelId: args.ModelId, body: request.bytes, contentType, accept, ...guardrail });
    const responseType = response.contentType ?? "application/json";
    if (args.Output) {
      await writeS3Output(s3, args.Output.S3Uri, response.body, responseType);
      return { Body: OUTPUT_REFERENCE(args.Output.S3Uri), ContentType: responseType };
    }
    return { Body: parseResponseBody(response.body, responseType), ContentType: responseType };
  };
}

function validateArguments(raw: unknown): InvokeModelArguments {
  const fail = (why: string) => new StatesError(STATES.Runtime, `bedrock:invokeModel: ${why}`);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw fail(`arguments must be an object, got ${JSON.stringify(raw)}`);
  const args = raw as Record<string, unknown>;
  const known = ["ModelId", "Body", "Input", "Output", "ContentType", "Accept", "GuardrailIdentifier", "GuardrailVersion", "Trace"];
  const unknown = Object.keys(args).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw fail(`unknown field(s) ${unknown.join(", ")}; valid fields: ${known.join(", ")}`);
  if (typeof args.ModelId !== "string" || args.ModelId === "") throw fail(`ModelId must be a non-empty string, got ${JSON.stringify(args.ModelId)}`);
  const hasBody = args.Body !== undefined;
  const hasInput = args.Input !== undefined;
  if (hasBody === hasInput) throw fail(`exactly one of Body or Input must be given, got ${hasBody ? "both" : "neither"}`);
  for (const field of ["Input", "Output"] as const) {
    const value = args[field] as { S3Uri?: unknown } | undefined;
    if (value === undefined) continue;
    if (typeof value !== "object" || value === null || typeof value.S3Uri !== "string" || !value.S3Uri.startsWith("s3://")) {
      throw fail(`${field} must be { "S3Uri": "s3://<bucket>/<key>" }, got ${JSON.stringify(value)}`);
    }
  }
  for (const field of ["ContentType", "Accept", "GuardrailIdentifier", "GuardrailVersion", "Trace"] as const) {
    if (args[field] !== undefined && typeof args[field] !== "string") throw fail(`${field} must be a string, got ${JSON.stringify(args[field])}`);
  }
  return args as unknown as InvokeModelArguments;
}

async function readS3Input(s3: S3Client, uri: string): Promise<{ bytes: Buffer; contentType?: string }> {
  const location = parseS3Uri(uri);
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    if (!object.Body) throw new Error("the object has no body");
    return { bytes: Buffer.from(await object.Body.transformToByteArray()), contentType: object.ContentType };
  } catch (error) {
    throw new StatesError(STATES.TaskFailed, `could not read Input.S3Uri ${formatS3Uri(location)}: ${describe(error)}`);
  }
}

async function writeS3Output(s3: S3Client, uri: string, body: Uint8Array, contentType: string): Promise<void> {
  const location = parseS3Uri(uri);
  try {
    await s3.send(new PutObjectCommand({ Bucket: location.bucket, Key: location.key, Body: body, ContentType: contentType }));
  } catch (error) {
    throw new StatesError(STATES.TaskFailed, `could not write Output.S3Uri ${formatS3Uri(location)}: ${describe(error)}`);
  }
}

interface BedrockCall {
  modelId: string;
  body: Uint8Array;
  contentType: string;
  accept: string;
  guardrailIdentifier?: string;
  guardrailVersion?: string;
  trace?: "ENABLED" | "DISABLED" | "ENABLED_FULL";
}

async function callBedrock(bedrock: BedrockRuntimeClient, call: BedrockCall): Promise<{ body: Uint8Array; contentType?: string }> {
  try {
    const response = await bedrock.send(new InvokeModelCommand(call));
    return { body: response.body, contentType: response.contentType };
  } catch (error) {
    throw bedrockError(error);
  }
}

/** Step Functions names service errors `Bedrock.<ExceptionName>` and puts the service's message and status in the cause. */
export function bedrockError(error: unknown): StatesError {
  const sdkError = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
  const status = sdkError.$metadata?.httpStatusCode;
  if (status === undefined) return new StatesError(STATES.TaskFailed, `could not reach Bedrock: ${describe(error)}`);
  const requestId = sdkError.$metadata?.requestId ?? "unknown";
  return new StatesError(`Bedrock.${sdkError.name ?? "UnknownException"}`, `${sdkError.message ?? ""} (Service: BedrockRuntime, Status Code: ${status}, Request ID: ${requestId})`);
}

function parseResponseBody(body: Uint8Array, contentType: string): unknown {
  const text = Buffer.from(body).toString("utf8");
  if (!/json/i.test(contentType)) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new StatesError(STATES.TaskFailed, `Bedrock answered ${contentType} that is not valid JSON: ${text.slice(0, 200)}`);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.name && error.name !== "Error" ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}
