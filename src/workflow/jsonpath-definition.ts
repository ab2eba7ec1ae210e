import { escapeIntrinsicLiteral, requestBodyJsonPathTemplate, responseResultPaths, type JsonPathSystemSource } from "../bedrock/families";
import type { ChoiceState, FailState, PassState, State, StateMachineDefinition, TaskState } from "./asl";
import { INPUT_FIELDS, inputUriPrefix, invokeModelResource, REQUEST_FIELDS, STATE_NAMES, VALIDATION_ERROR } from "./contract";
import { guardrailArguments, type ResolvedOptions } from "./options";
import { retryPolicyFor } from "./retry-policy";

/**
 * JSONPath definition. JSONPath has no conditional fields, so the request shapes become
 * separate states: one Choice validates and routes, a Pass builds the Body from a prompt,
 * and four Task variants cover Body / Input.S3Uri x inline / Output.S3Uri.
 * ResultSelector normalises the answer (first content block; JSONPath cannot join or default).
 * Limits next to JSONata: unknown input fields are not detected, and an array `body` is passed on.
 */

const S = STATE_NAMES;
const present = (field: string) => ({ Variable: `$.${field}`, IsPresent: true });
const absent = (field: string) => ({ Not: present(field) });
const wantsS3Output = { And: [present("outputToS3"), { Variable: "$.outputToS3", BooleanEquals: true }] };

function rejection(cause: string): FailState {
  return { Type: "Fail", Error: VALIDATION_ERROR, Cause: cause };
}

/** The Fail states for bad input, each with a cause that says what was wrong and what is valid. */
function rejectionStates(options: ResolvedOptions): Record<string, FailState> {
  const requests = REQUEST_FIELDS.join(", ");
  const uriPrefix = inputUriPrefix(options.payloadBucket, options.inputPrefix);
  return {
    [S.rejectMissingRequest]: rejection(`The execution input must be a JSON object with exactly one of ${requests}; none was given (valid fields: ${INPUT_FIELDS.join(", ")})`),
    [S.rejectConflictingRequests]: rejection(`Give exactly one of ${requests}; the input has more than one`),
    [S.rejectInvalidPrompt]: rejection("prompt must be a non-empty string"),
    [S.rejectInvalidSystem]: rejection("system must be a string, and is only used together with prompt"),
    [S.rejectInvalidBody]: rejection("body must be a JSON object (the model's native request body)"),
    [S.rejectInvalidInputS3Uri]: rejection(`inputS3Uri must be the URI of an object under ${uriPrefix}`),
    [S.rejectInvalidOutputToS3]: rejection("outputToS3 must be true or false"),
  };
}

/** Validation rules first (the first match wins), then routing of valid input. */
function validateAndRoute(options: ResolvedOptions): ChoiceState {
  const uriPrefix = inputUriPrefix(options.payloadBucket, options.inputPrefix);
  const [p, b, u] = REQUEST_FIELDS.map(present);
  const validation = [
    { Not: { Or: [p, b, u] }, Next: S.rejectMissingRequest },
    { Or: [{ And: [p, b] }, { And: [p, u] }, { And: [b, u] }], Next: S.rejectConflictingRequests },
    {
      And: [p, { Or: [{ Not: { Variable: "$.prompt", IsString: true } }, { Variable: "$.prompt", StringEquals: "" }] }],
      Next: S.rejectInvalidPrompt,
    },
    {
      And: [present("system"), { Or: [{ Not: { Variable: "$.system", IsString: true } }, absent("prompt")] }],
      Next: S.rejectInvalidSystem,
    },
    {
      // Choice has no object test: reject every scalar instead.
      And: [
        b,
        {
          Or: ["IsString", "IsNumeric", "IsBoolean", "IsNull"].map((test) => ({ Variable: "$.body", [test]: true })),
        },
      ],
      Next: S.rejectInvalidBody,
    },
    {
      And: [
        u,
        {
          Or: [
            { Not: { Variable: "$.inputS3Uri", IsString: true } },
            // Bucket names and validated prefixes contain no '*' or '\', so the pattern needs no escaping.
            { Not: { Variable: "$.inputS3Uri", StringMatches: `${uriPrefix}*` } },
            { Variable: "$.inputS3Uri", StringEquals: uriPrefix },
          ],
        },
      ],
      Next: S.rejectInvalidInputS3Uri,
    },
    {
      And: [present("outputToS3"), { Not: { Variable: "$.outputToS3", IsBoolean: true } }],
      Next: S.rejectInvalidOutputToS3,
    },
  ];
  const routing = [
    { And: [p, present("system"), { Not: { Variable: "$.system", StringEquals: "" } }], Next: S.buildBodyWithSystem },
    ...(options.systemPrompt ? [{ And: [p, absent("system")], Next: S.applyConfiguredSystem }] : []),
    { ...p, Next: S.buildBodyWithoutSystem },
    { And: [b, wantsS3Output], Next: S.invokeModelWithBodyToS3 },
    { ...b, Next: S.invokeModelWithBody },
    { And: [u, wantsS3Output], Next: S.invokeModelWithS3InputToS3 },
  ];
  return {
    Type: "Choice",
    Comment: "Rejects malformed input, then routes: prompt -> build Body; body / inputS3Uri -> matching task",
    Choices: [...validation, ...routing],
    // Only a valid inputS3Uri without outputToS3 is left.
    Default: S.invokeModelWithS3Input,
  };
}

function buildBody(options: ResolvedOptions, system: JsonPathSystemSource): PassState {
  return {
    Type: "Pass",
    Comment: `Builds the ${options.family} request body from the prompt`,
    Parameters: requestBodyJsonPathTemplate(options.family, options, system),
    ResultPath: "$.body",
    Next: S.chooseOutputDestination,
  };
}

function bodyStates(options: ResolvedOptions): Record<string, State> {
  return {
    ...(options.systemPrompt
      ? {
          // A Pass Result is plain JSON: the configured prompt needs no escaping into States.Format.
          [S.applyConfiguredSystem]: {
            Type: "Pass",
            Comment: "Uses the configured system prompt when the execution gives none",
            Result: options.systemPrompt,
            ResultPath: "$.system",
            Next: S.buildBodyWithSystem,
          } satisfies PassState,
        }
      : {}),
    [S.buildBodyWithSystem]: buildBody(options, { kind: "inputPath", path: "$.system" }),
    [S.buildBodyWithoutSystem]: buildBody(options, { kind: "none" }),
    [S.chooseOutputDestination]: {
      Type: "Choice",
      Choices: [{ ...wantsS3Output, Next: S.invokeModelWithBodyToS3 }],
      Default: S.invokeModelWithBody,
    },
  };
}

function outputUriFormat(options: ResolvedOptions): string {
  const prefix = escapeIntrinsicLiteral(`s3://${options.payloadBucket}/${options.outputPrefix}`);
  return `States.Format('${prefix}{}.json', $$.Execution.Name)`;
}

function normalisingSelector(options: ResolvedOptions): Record<string, unknown> {
  const paths = responseResultPaths(options.family);
  const field = (key: string, path: string | null) => (path === null ? { [key]: null } : { [`${key}.$`]: path });
  return {
    ...field("text", paths.text),
    ...field("stopReason", paths.stopReason),
    usage: { ...field("inputTokens", paths.inputTokens), ...field("outputTokens", paths.outputTokens) },
    model: options.modelId,
    "raw.$": "$.Body",
  };
}

function invokeTask(options: ResolvedOptions, input: "body" | "s3", toS3: boolean): TaskState {
  const policy = retryPolicyFor(options.workflowType);
  return {
    Type: "Task",
    Resource: invokeModelResource(options.partition),
    Parameters: {
      ModelId: options.modelId,
      ContentType: "application/json",
      Accept: "application/json",
      ...guardrailArguments(options.guardrail),
      ...(input === "body" ? { "Body.$": "$.body" } : { Input: { "S3Uri.$": "$.inputS3Uri" } }),
      ...(toS3 ? { Output: { "S3Uri.$": outputUriFormat(options) } } : {}),
    },
    ResultSelector: toS3 ? { "outputS3Uri.$": outputUriFormat(options), model: options.modelId } : normalisingSelector(options),
    TimeoutSeconds: policy.timeoutSeconds,
    Retry: policy.retry,
    Catch: [{ ErrorEquals: ["States.ALL"], Next: S.invocationFailed }],
    ...(!toS3 && responseResultPaths(options.family).optionalUsage ? { Next: S.checkOptionalUsage } : { End: true }),
  };
}

/**
 * For a family whose token counts may be missing from the body, JSONPath fills `usage` in two more states
 * (a ResultSelector cannot default a missing path): copied when both counts are there, null otherwise.
 */
function optionalUsageStates(options: ResolvedOptions): Record<string, unknown> {
  const optional = responseResultPaths(options.family).optionalUsage;
  if (!optional) return {};
  const onRaw = (path: string) => `$.raw${path.slice(1)}`;
  return {
    [S.checkOptionalUsage]: {
      Type: "Choice",
      Choices: [
        {
          And: [
            { Variable: onRaw(optional.inputTokens), IsPresent: true },
            { Variable: onRaw(optional.outputTokens), IsPresent: true },
          ],
          Next: S.copyOptionalUsage,
        },
      ],
      Default: S.done,
    },
    [S.copyOptionalUsage]: {
      Type: "Pass",
      Parameters: {
        "text.$": "$.text",
        "stopReason.$": "$.stopReason",
        usage: { "inputTokens.$": onRaw(optional.inputTokens), "outputTokens.$": onRaw(optional.outputTokens) },
        "model.$": "$.model",
        "raw.$": "$.raw",
      },
      End: true,
    },
    [S.done]: { Type: "Succeed" },
  };
}

export function buildJsonPathDefinition(options: ResolvedOptions): StateMachineDefinition {
  return {
    Comment: `Invokes ${options.modelId} (${options.family}) through the Bedrock optimized integration. Input: exactly one of prompt, body, inputS3Uri; optional system, outputToS3.`,
    QueryLanguage: "JSONPath",
    StartAt: S.validateInput,
    States: {
      [S.validateInput]: validateAndRoute(options),
      ...rejectionStates(options),
      ...bodyStates(options),
      [S.invokeModelWithBody]: invokeTask(options, "body", false),
      [S.invokeModelWithBodyToS3]: invokeTask(options, "body", true),
      [S.invokeModelWithS3Input]: invokeTask(options, "s3", false),
      [S.invokeModelWithS3InputToS3]: invokeTask(options, "s3", true),
      ...optionalUsageStates(options),
      [S.invocationFailed]: {
        Type: "Fail",
        Comment: "Keeps the original error name and cause",
        ErrorPath: "$.Error",
        CausePath: "$.Cause",
      },
    },
  };
}
