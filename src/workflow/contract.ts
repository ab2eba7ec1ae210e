/**
 * The contract between an execution and the state machine: what goes in, what comes out,
 * which states exist and which errors the workflow raises. A local runner and the invoke
 * CLI depend on these names: change them only together.
 *
 * Execution input (give exactly one of `prompt`, `body`, `inputS3Uri`):
 * ```
 * { "prompt"?: string,        // user text; the workflow builds the family's native Body
 *                             // (configured system prompt, maxTokens, temperature)
 *   "system"?: string,        // only with prompt: overrides the configured system prompt ("" = none)
 *   "body"?: object,          // a native request body, passed through as Body
 *   "inputS3Uri"?: string,    // "s3://<payloadBucket>/<inputPrefix>...": Input.S3Uri instead of Body
 *   "outputToS3"?: boolean }  // true: Output.S3Uri = "s3://<payloadBucket>/<outputPrefix><execution name>.json"
 * ```
 * Anything else fails the execution at once with error `ValidationError` and a cause that says
 * what was wrong and what is valid.
 *
 * Execution output:
 * - inline: `{ text, stopReason, usage: { inputTokens, outputTokens }, model, raw }`
 *   (`raw` is the native response body; token counts are null where the family reports none);
 * - with `outputToS3`: `{ outputS3Uri, model }`; the native response body is in S3
 *   (normalise it with `normaliseResponse` from `src/bedrock/families`).
 * `model` is the identifier of the model that answered: the configured one, or a fallback model (`fallbackModels`).
 */

export const DEFAULT_INPUT_PREFIX = "input/";
export const DEFAULT_OUTPUT_PREFIX = "output/";
/** Where a batch (`batch = map`) writes its results: ResultWriter's prefix, with its own expiry. */
export const DEFAULT_RESULTS_PREFIX = "results/";

/** The execution input fields, in the order error messages list them. */
export const INPUT_FIELDS = ["prompt", "system", "body", "inputS3Uri", "outputToS3"] as const;
/** Exactly one of these says what to send to the model. */
export const REQUEST_FIELDS = ["prompt", "body", "inputS3Uri"] as const;

export interface ExecutionInput {
  prompt?: string;
  system?: string;
  body?: Record<string, unknown>;
  inputS3Uri?: string;
  outputToS3?: boolean;
}

export interface InlineExecutionOutput {
  text: string;
  stopReason: string | null;
  usage: { inputTokens: number | null; outputTokens: number | null };
  model: string;
  raw: unknown;
}

export interface S3ExecutionOutput {
  outputS3Uri: string;
  model: string;
}

export type ExecutionOutput = InlineExecutionOutput | S3ExecutionOutput;

export function isS3ExecutionOutput(output: ExecutionOutput): output is S3ExecutionOutput {
  return typeof (output as S3ExecutionOutput).outputS3Uri === "string";
}

/** How an execution ended, in the same fields however it ran: a local runner, the local cloud or a deployed machine. */
export interface ExecutionOutcome {
  /** SUCCEEDED or FAILED locally; a deployed execution can also end TIMED_OUT or ABORTED. */
  status: string;
  output?: unknown;
  error?: string;
  cause?: string;
  /** With `outputToS3`: the response read back from S3 and normalised, in the inline output's fields. */
  response?: InlineExecutionOutput;
}

/** Set when a CLI moved an execution input too large for Step Functions to the payload bucket. */
export interface OffloadedInput {
  inputS3Uri?: string;
  uploadedBytes?: number;
}

/** Error name of a rejected execution input. */
export const VALIDATION_ERROR = "ValidationError";

/** Step Functions reports Bedrock errors as `Bedrock.<exception>`. */
export const TRANSIENT_BEDROCK_ERRORS = [
  "Bedrock.ThrottlingException",
  "Bedrock.ServiceQuotaExceededException",
  "Bedrock.ServiceUnavailableException",
  "Bedrock.InternalServerException",
  "Bedrock.ModelNotReadyException",
] as const;

/**
 * What sends the same request to the next fallback model, once the retries are spent: still throttled or over
 * quota, or the model not ready / the service unavailable. Names: Bedrock's InvokeModel errors
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html#API_runtime_InvokeModel_Errors,
 * read 2026-12-05) as Step Functions' Bedrock integration reports them, `Bedrock.<exception>`.
 */
export const FALLBACK_ERRORS = [
  "Bedrock.ThrottlingException",
  "Bedrock.ServiceQuotaExceededException",
  "Bedrock.ModelNotReadyException",
  "Bedrock.ServiceUnavailableException",
] as const;

/** A model that ran out of time; worth one more try, but each try costs a full timeout. */
export const TIMEOUT_ERRORS = ["Bedrock.ModelTimeoutException", "States.Timeout"] as const;

/** Errors that retrying cannot fix: they end the execution at once (as does any error not listed above). */
export const NON_RETRYABLE_BEDROCK_ERRORS = [
  "Bedrock.AccessDeniedException",
  "Bedrock.ValidationException",
  "Bedrock.ResourceNotFoundException",
  "Bedrock.ModelErrorException",
] as const;

export const BEDROCK_INVOKE_MODEL_RESOURCE = "arn:aws:states:::bedrock:invokeModel";

/** A Task's service-integration ARN in any partition: arn:aws:states:::..., arn:aws-us-gov:..., arn:aws-cn:..., arn:aws-eusc:... */
const INTEGRATION_RESOURCE_PATTERN = /^arn:aws(?:-[a-z]+)*:states:::(.+)$/;

/** The integration a Task's Resource names (e.g. "bedrock:invokeModel"), in any partition; undefined for any other resource. */
export function integrationNameOf(resource: unknown): string | undefined {
  return typeof resource === "string" ? INTEGRATION_RESOURCE_PATTERN.exec(resource)?.[1] : undefined;
}

export function isInvokeModelResource(resource: unknown): boolean {
  return integrationNameOf(resource) === "bedrock:invokeModel";
}

export function invokeModelResource(partition = "aws"): string {
  return BEDROCK_INVOKE_MODEL_RESOURCE.replace("arn:aws:", `arn:${partition}:`);
}

/** State names. JSONata definitions use InvokeModel and the two Fail states; JSONPath ones start with ValidateInput and need more. */
export const STATE_NAMES = {
  validateInput: "ValidateInput",
  validationFailed: "ValidationFailed",
  invokeModel: "InvokeModel",
  invocationFailed: "InvocationFailed",
  /** JSONata with fallback models: InvokeFallback1, InvokeFallback2, ... (fallbackStateName). */
  invokeFallback: "InvokeFallback",
  // JSONPath only
  rejectMissingRequest: "RejectMissingRequest",
  rejectConflictingRequests: "RejectConflictingRequests",
  rejectInvalidPrompt: "RejectInvalidPrompt",
  rejectInvalidSystem: "RejectInvalidSystem",
  rejectInvalidBody: "RejectInvalidBody",
  rejectInvalidInputS3Uri: "RejectInvalidInputS3Uri",
  rejectInvalidOutputToS3: "RejectInvalidOutputToS3",
  applyConfiguredSystem: "ApplyConfiguredSystem",
  buildBodyWithSystem: "BuildBodyWithSystem",
  buildBodyWithoutSystem: "BuildBodyWithoutSystem",
  chooseOutputDestination: "ChooseOutputDestination",
  invokeModelWithBody: "InvokeModelWithBody",
  invokeModelWithBodyToS3: "InvokeModelWithBodyToS3",
  invokeModelWithS3Input: "InvokeModelWithS3Input",
  invokeModelWithS3InputToS3: "InvokeModelWithS3InputToS3",
  // only for families whose token counts are optional in the response (Cohere Command R)
  checkOptionalUsage: "CheckOptionalUsage",
  copyOptionalUsage: "CopyOptionalUsage",
  done: "Done",
} as const;

/** `s3://<bucket>/<prefix>`: every valid inputS3Uri starts with this (and names an object under it). */
export function inputUriPrefix(bucket: string, inputPrefix: string): string {
  return `s3://${bucket}/${inputPrefix}`;
}

/** The Task of the n-th fallback model (1-based). */
export function fallbackStateName(n: number): string {
  return `${STATE_NAMES.invokeFallback}${n}`;
}
