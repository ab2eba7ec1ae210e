// The front door's API Gateway mapping templates (VTL), written once for the component and the local cloud.
// AWS facts they rely on: StartSyncExecution answers 200 even when the execution fails (the outcome is in
// `status`, `error`, `cause`, and `output` as a JSON string); `$context.responseOverride.status` sets the method's
// status from an integration response template; `$util.escapeJavaScript` escapes `'` as `\'`, which is not valid
// inside a JSON string, so each use is followed by `.replaceAll("\\'", "'")`.
import { BUSY_ERRORS, EXECUTIONS_PATH, TIMEOUT_ERRORS } from "./contract";

export const JSON_CONTENT_TYPE = "application/json";

/**
 * A VTL expression rendered as a JSON string literal. Values that may be absent are passed as `"$!x"`: a method
 * given null returns null, and Velocity then prints the whole reference as written.
 */
const jsonString = (reference: string) => `"$util.escapeJavaScript(${reference}).replaceAll("\\\\'", "'")"`;
/** A VTL expression rendered as a JSON number, or null when absent. */
const isSet = (reference: string) => `"$!${reference.replace(/^\$/, "")}" != ""`;
const jsonNumberOrNull = (reference: string) => `#if(${isSet(reference)})${reference}#{else}null#end`;
const jsonStringOrNull = (reference: string) => `#if(${isSet(reference)})${jsonString(reference)}#{else}null#end`;
const anyOf = (reference: string, values: readonly string[]) => values.map((v) => `${reference} == "${v}"`).join(" || ");

/**
 * POST /generate -> the Step Functions request (StartSyncExecution or StartExecution take the same fields).
 * Only `prompt` and `system` are forwarded, each as the JSON the client sent (the workflow checks their types and
 * names the field when one is wrong), so no request can reach the workflow's other inputs (`body`, `inputS3Uri`)
 * even where the request validator does not apply. The execution is named after the API request, which ties
 * logs on both sides together (and is the id STANDARD callers poll).
 */
export function startRequestTemplate(stateMachineArn: string): string {
  return [
    "#set($q = '\"')",
    "#set($prompt = $input.json('$.prompt'))",
    "#set($system = $input.json('$.system'))",
    // A missing field: `null` here and in Velocity's docs; an empty rendering is treated alike, to be safe.
    '#if($system == "null" || "$!system" == "")#set($executionInput = "{${q}prompt${q}: $prompt}")#else#set($executionInput = "{${q}prompt${q}: $prompt, ${q}system${q}: $system}")#end',
    "{",
    `  "stateMachineArn": "${stateMachineArn}",`,
    `  "name": "$context.requestId",`,
    `  "input": ${jsonString("$executionInput")}`,
    "}",
  ].join("\n");
}

/** The content types POST /generate maps: JSON, and what `curl -d` sends (its body is read as JSON all the same). */
export const REQUEST_CONTENT_TYPES = [JSON_CONTENT_TYPE, "application/x-www-form-urlencoded"] as const;

/** GET /executions/{id} -> DescribeExecution of that STANDARD execution. */
export function describeRequestTemplate(executionArnPrefix: string): string {
  return `{"executionArn": "${executionArnPrefix}$util.escapeJavaScript($input.params('id'))"}`;
}

// Sets $body to the client's answer for a finished execution held in $status/$error/$cause/$output, and the
// HTTP status through $context.responseOverride.status when it is not 200. The raw execution record (input,
// ARNs, the native response, the cause of non-validation errors) never reaches the client.
const OUTCOME = [
  '#if($status == "SUCCEEDED")',
  "#set($out = $util.parseJson($output))",
  `{"generated_text": ${jsonString("$out.text")}, "stop_reason": ${jsonStringOrNull("$out.stopReason")}, "usage": {"input_tokens": ${jsonNumberOrNull("$out.usage.inputTokens")}, "output_tokens": ${jsonNumberOrNull("$out.usage.outputTokens")}}, "model": ${jsonString("$out.model")}}`,
  '#elseif($error == "ValidationError")',
  "#set($context.responseOverride.status = 400)",
  `{"message": ${jsonString(`"$!cause"`)}, "error": "ValidationError", "request_id": "$context.requestId"}`,
  `#elseif(${anyOf("$error", BUSY_ERRORS)})`,
  "#set($context.responseOverride.status = 503)",
  `{"message": "the model is busy: Bedrock throttled the request and retries did not get through; retry later", "error": ${jsonString(`"$!error"`)}, "request_id": "$context.requestId"}`,
  `#elseif($status == "TIMED_OUT" || ${anyOf("$error", TIMEOUT_ERRORS)})`,
  "#set($context.responseOverride.status = 504)",
  `{"message": "the model did not answer in time", "error": ${jsonString(`"$!error"`)}, "request_id": "$context.requestId"}`,
  "#else",
  "#set($context.responseOverride.status = 502)",
  `{"message": "the workflow failed; its logs have the details", "error": ${jsonString(`"$!error"`)}, "request_id": "$context.requestId"}`,
  "#end",
].join("\n");

const READ_RECORD = [
  "#set($status = $input.path('$.status'))",
  "#set($error = $input.path('$.error'))",
  "#set($cause = $input.path('$.cause'))",
  "#set($output = $input.path('$.output'))",
].join("\n");

/** StartSyncExecution's 200 -> the client's answer (EXPRESS). */
export const SYNC_RESPONSE_TEMPLATE = `${READ_RECORD}\n${OUTCOME}`;

/** StartExecution's 200 -> 202 with the execution id: the execution is named after the request (STANDARD). */
export const STARTED_RESPONSE_TEMPLATE = `{"execution_id": "$context.requestId", "status": "RUNNING", "status_url": "/$context.stage${EXECUTIONS_PATH}/$context.requestId"}`;

/** DescribeExecution's 200 -> RUNNING, or the answer POST /generate would have given (STANDARD). */
export const DESCRIBE_RESPONSE_TEMPLATE = [
  READ_RECORD,
  '#if($status == "RUNNING")',
  `{"execution_id": ${jsonString("$input.path('$.name')")}, "status": "RUNNING"}`,
  "#else",
  OUTCOME,
  "#end",
].join("\n");

/** Step Functions refused the call (4xx: our configuration or its limits, not the client's request). */
const START_REFUSED_TEMPLATE = `{"message": "the workflow could not be started", "request_id": "$context.requestId"}`;
const NO_SUCH_EXECUTION_TEMPLATE = `{"message": "no execution with this id", "request_id": "$context.requestId"}`;
const UPSTREAM_FAILED_TEMPLATE = `{"message": "Step Functions is unavailable; retry later", "request_id": "$context.requestId"}`;

/**
 * Gateway response for a body the request validator refuses: names what is wrong. Gateway response templates are
 * not VTL, only `$context...` substitution (AWS: "isn't processed by the Velocity Template Language engine").
 */
export const BAD_REQUEST_BODY_TEMPLATE = `{"message": "invalid request body: $context.error.validationErrorString", "request_id": "$context.requestId"}`;

/** One integration response: a selection pattern on Step Functions' HTTP status, and what the client gets. */
export interface IntegrationResponseSpec {
  /** Regular expression matched against the backend's status code; undefined: the default response. */
  selectionPattern?: string;
  statusCode: string;
  template: string;
}

export function integrationResponses(kind: "sync" | "start" | "describe"): IntegrationResponseSpec[] {
  const success = { sync: SYNC_RESPONSE_TEMPLATE, start: STARTED_RESPONSE_TEMPLATE, describe: DESCRIBE_RESPONSE_TEMPLATE }[kind];
  return [
    { statusCode: kind === "start" ? "202" : "200", template: success },
    { selectionPattern: "4\\d{2}", statusCode: kind === "describe" ? "404" : "500", template: kind === "describe" ? NO_SUCH_EXECUTION_TEMPLATE : START_REFUSED_TEMPLATE },
    { selectionPattern: "5\\d{2}", statusCode: "502", template: UPSTREAM_FAILED_TEMPLATE },
  ];
}

/** Every status a method may answer (method responses must declare them, overrides included). */
export const METHOD_STATUS_CODES = ["200", "202", "400", "404", "500", "502", "503", "504"] as const;
