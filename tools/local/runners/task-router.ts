// Which local implementation serves a Task: the Bedrock integrations the analysis knows (optimized invokeModel,
// the AWS SDK's invokeModel and converse) against the stand-ins, a `--mock-task` result for a named state, or a
// clear error naming the state and the resource. Both runners dispatch through it.

import { ConverseCommand, InvokeModelCommand, type BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import type { S3Client } from "@aws-sdk/client-s3";
import { integrationOf } from "../../../src/workflow/analysis";
import { bedrockError, createInvokeModelTask, type InvokeModelRunner } from "./invoke-model-task";
import { STATES, StatesError } from "./states-error";

export interface TaskCall {
  /** The state's own name (what `--mock-task` names). */
  state: string;
  resource: string;
}

export type TaskRunner = (call: TaskCall, args: unknown) => Promise<unknown>;

/** The integrations the local runners serve, for messages. */
const SERVED_INTEGRATIONS = ["bedrock:invokeModel", "aws-sdk:bedrockruntime:invokeModel", "aws-sdk:bedrockruntime:converse"];

export interface TaskRouterOptions {
  bedrock: BedrockRuntimeClient;
  s3: S3Client;
  /** Results for named states, used instead of calling anything (`--mock-task <State>=<output.json>`). */
  mocks?: Record<string, unknown>;
}

export function createTaskRouter(options: TaskRouterOptions): TaskRunner {
  const invokeModel = createInvokeModelTask({ bedrock: options.bedrock, s3: options.s3 });
  const mocks = options.mocks ?? {};
  return async (call, args) => {
    if (Object.hasOwn(mocks, call.state)) return structuredClone(mocks[call.state]);
    switch (integrationOf(call.resource)) {
      case "bedrock:invokeModel":
        return invokeModel(args);
      case "aws-sdk:bedrockruntime:invokeModel":
        return sdkInvokeModel(options.bedrock, call, args);
      case "aws-sdk:bedrockruntime:converse":
        return sdkConverse(options.bedrock, call, args);
      default:
        throw unserved(call);
    }
  };
}

/** The runner the built-in workflow needs when only an invokeModel implementation is given. */
export function invokeModelOnly(invokeModel: InvokeModelRunner): TaskRunner {
  return async (call, args) => {
    if (integrationOf(call.resource) === "bedrock:invokeModel") return invokeModel(args);
    throw unserved(call);
  };
}

function unserved(call: TaskCall): StatesError {
  return new StatesError(
    STATES.Runtime,
    `Task '${call.state}' calls '${call.resource}', which the local runners do not serve (they serve ${SERVED_INTEGRATIONS.join(", ")}); ` +
      `give its result with --mock-task '${call.state}=<output.json>'`,
  );
}

function objectArgs(call: TaskCall, args: unknown): Record<string, unknown> {
  if (!args || typeof args !== "object" || Array.isArray(args)) {
    throw new StatesError(STATES.Runtime, `Task '${call.state}': arguments must be an object, got ${JSON.stringify(args)}`);
  }
  return args as Record<string, unknown>;
}

/**
 * The AWS SDK integration: request fields in PascalCase as the API names them; Body is the request JSON (a string,
 * or an object we serialise); the result's Body is the response text parsed when it is JSON.
 */
async function sdkInvokeModel(bedrock: BedrockRuntimeClient, call: TaskCall, raw: unknown): Promise<unknown> {
  const args = objectArgs(call, raw);
  if (typeof args.ModelId !== "string") throw new StatesError(STATES.Runtime, `Task '${call.state}': ModelId must be a string`);
  const body = typeof args.Body === "string" ? args.Body : JSON.stringify(args.Body ?? {});
  try {
    const response = await bedrock.send(
      new InvokeModelCommand({
        modelId: args.ModelId,
        body: Buffer.from(body, "utf8"),
        contentType: (args.ContentType as string | undefined) ?? "application/json",
        accept: (args.Accept as string | undefined) ?? "application/json",
      }),
    );
    const text = Buffer.from(response.body).toString("utf8");
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: left as text.
    }
    return { Body: parsed, ContentType: response.contentType };
  } catch (error) {
    throw bedrockError(error);
  }
}

// Fields whose values are free-form documents: their keys are the model's, never re-cased.
const DOCUMENT_FIELDS = new Set(["additionalModelRequestFields", "additionalModelResponseFields", "requestMetadata", "promptVariables", "json"]);

/** Converse through the SDK: Step Functions' PascalCase fields in, PascalCase out, as its SDK integrations do. */
async function sdkConverse(bedrock: BedrockRuntimeClient, call: TaskCall, raw: unknown): Promise<unknown> {
  const args = recase(objectArgs(call, raw), lowerFirst) as Record<string, unknown>;
  if (typeof args.modelId !== "string") throw new StatesError(STATES.Runtime, `Task '${call.state}': ModelId must be a string`);
  try {
    const response = await bedrock.send(new ConverseCommand(args as never));
    const { $metadata: _metadata, ...rest } = response;
    return recase(rest, upperFirst);
  } catch (error) {
    throw bedrockError(error);
  }
}

const lowerFirst = (key: string) => key.charAt(0).toLowerCase() + key.slice(1);
const upperFirst = (key: string) => key.charAt(0).toUpperCase() + key.slice(1);

function recase(value: unknown, change: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => recase(item, change));
  if (!value || typeof value !== "object" || value instanceof Uint8Array || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => {
      const renamed = change(key);
      return [renamed, DOCUMENT_FIELDS.has(lowerFirst(key)) ? field : recase(field, change)];
    }),
  );
}
