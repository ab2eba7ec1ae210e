import { jsonataString as str, normaliseResponseJsonata, requestBodyJsonata } from "../bedrock/families";
import { INPUT_FIELDS, inputUriPrefix, REQUEST_FIELDS, TRANSIENT_BEDROCK_ERRORS, VALIDATION_ERROR } from "./contract";
import { guardrailArguments, type ResolvedOptions } from "./options";

/**
 * The JSONata expressions of the JSONata definition, as plain expression text
 * (the builder wraps them in `{% %}`). Each is one line: asl-validator's JSONata
 * pattern does not span lines, and the console shows one-liners fine.
 * Only JSONata 2.0.6 built-ins are used, nothing Step Functions lacks.
 */

const list = (items: readonly string[]) => `[${items.map(str).join(", ")}]`;
const line = (...parts: string[]) => parts.join(" ");

// Causes are capped well below the 32,768-character limit Step Functions puts on them.
const MAX_CAUSE_CHARS = 4000;
const MAX_SHOWN_VALUE_CHARS = 300;

/**
 * Every problem with `$states.input`, joined with "; ", or undefined when the input is valid.
 * `and`/`or` short-circuit in JSONata, which guards each field access behind its type test.
 */
function validationProblemsExpression(options: ResolvedOptions): string {
  const uriPrefix = inputUriPrefix(options.payloadBucket, options.inputPrefix);
  const requests = REQUEST_FIELDS.join(", ");
  return line(
    "(",
    "$input := $states.input;",
    `$isObject := $type($input) = "object";`,
    "$has := function($field) { $isObject and $exists($lookup($input, $field)) };",
    "$typeOf := function($field) { $type($lookup($input, $field)) };",
    `$describe := function($t) { $t = "null" ? "null" : $t = "array" ? "an array" : $t = "object" ? "an object" : "a " & $t };`,
    "$kind := function($field) { $describe($typeOf($field)) };",
    `$given := ${list(REQUEST_FIELDS)}[$has($)];`,
    `$unknown := $isObject ? $keys($input)[$not($ in ${list(INPUT_FIELDS)})] : [];`,
    `$uriPrefix := ${str(uriPrefix)};`,
    `$uri := $lookup($input, "inputS3Uri");`,
    "$problems := [",
    `$isObject ? () : "the execution input must be a JSON object with exactly one of ${requests}, got " & $describe($type($input)),`,
    `($count($unknown) > 0) ? "unknown field(s) " & $join($unknown, ", ") & " (valid fields: ${INPUT_FIELDS.join(", ")})" : (),`,
    `($isObject and $count($given) = 0) ? "none of ${requests} was given: give exactly one" : (),`,
    `($count($given) > 1) ? "give exactly one of ${requests}, not " & $join($given, " and ") : (),`,
    `($has("prompt") and ($typeOf("prompt") != "string" or $lookup($input, "prompt") = "")) ? "prompt must be a non-empty string, got " & ($typeOf("prompt") = "string" ? "an empty string" : $kind("prompt")) : (),`,
    `($has("system") and $typeOf("system") != "string") ? "system must be a string, got " & $kind("system") : (),`,
    `($has("system") and $not($has("prompt"))) ? "system is only used together with prompt" : (),`,
    `($has("body") and $typeOf("body") != "object") ? "body must be a JSON object (the model's native request body), got " & $kind("body") : (),`,
    `($has("inputS3Uri") and ($typeOf("inputS3Uri") != "string" or $substring($uri, 0, $length($uriPrefix)) != $uriPrefix or $length($uri) <= $length($uriPrefix))) ? "inputS3Uri must be the URI of an object under " & $uriPrefix & ", got " & ($typeOf("inputS3Uri") = "string" ? $substring($uri, 0, ${MAX_SHOWN_VALUE_CHARS}) : $kind("inputS3Uri")) : (),`,
    `($has("outputToS3") and $typeOf("outputToS3") != "boolean") ? "outputToS3 must be true or false, got " & $kind("outputToS3") : ()`,
    "];",
    `$count($problems) > 0 ? $substring($join($problems, "; "), 0, ${MAX_CAUSE_CHARS}) : ()`,
    ")",
  );
}

/**
 * The Arguments expression of the Task: raises with every problem of the input (Step Functions reports a raising
 * expression as States.QueryEvaluationError), else the InvokeModel arguments. Checking here rather than in a
 * Choice in front saves a state transition on every successful STANDARD execution.
 */
export function guardedInvokeArgumentsExpression(options: ResolvedOptions): string {
  return line("(", `$problems := ${validationProblemsExpression(options)};`, `$exists($problems) ? $error($problems) : ${invokeArgumentsExpression(options)}`, ")");
}

/**
 * The Output of the Catch for States.QueryEvaluationError: `{Error: "ValidationError", Cause: <problems>}` when the
 * input is bad (the check again, on the Task's `$states.input`), else the error as raised (a bug, not bad input).
 */
export function validationFailureExpression(options: ResolvedOptions): string {
  return line(
    "(",
    `$problems := ${validationProblemsExpression(options)};`,
    `$exists($problems) ? {"Error": ${str(VALIDATION_ERROR)}, "Cause": $problems} : $states.errorOutput`,
    ")",
  );
}

/** `s3://<bucket>/<outputPrefix><execution name>.json`, from the context object. */
function outputUriExpression(options: ResolvedOptions): string {
  return `${str(`s3://${options.payloadBucket}/${options.outputPrefix}`)} & $states.context.Execution.Name & ".json"`;
}

/**
 * The whole InvokeModel Arguments object. Built with `$merge` of conditional parts so no
 * field is ever undefined: Body or Input.S3Uri, and Output.S3Uri only when asked for.
 */
export function invokeArgumentsExpression(options: ResolvedOptions): string {
  const body = requestBodyJsonata(options.family, { maxTokens: options.maxTokens, temperature: options.temperature });
  return line(
    "(",
    "$input := $states.input;",
    "$prompt := $input.prompt;",
    `$system := $exists($input.system) ? $input.system : ${str(options.systemPrompt)};`,
    "$merge([",
    `{"ModelId": ${str(options.modelId)}, "ContentType": "application/json", "Accept": "application/json"${guardrailFields(options)}},`,
    `$exists($input.inputS3Uri) ? {"Input": {"S3Uri": $input.inputS3Uri}} : {"Body": $exists($input.body) ? $input.body : (${body})},`,
    `$input.outputToS3 = true ? {"Output": {"S3Uri": ${outputUriExpression(options)}}} : {}`,
    "])",
    ")",
  );
}

// Literal fields, so that the analysis (and the policy pack) can read which guardrail the role must allow.
function guardrailFields(options: ResolvedOptions): string {
  return Object.entries(guardrailArguments(options.guardrail))
    .map(([key, value]) => `, ${str(key)}: ${str(value)}`)
    .join("");
}

/** The execution output: normalised inline answer, or where the answer went in S3. */
export function invokeOutputExpression(options: ResolvedOptions): string {
  const model = str(options.modelId);
  return line(
    "$states.input.outputToS3 = true",
    `? {"outputS3Uri": ${outputUriExpression(options)}, "model": ${model}}`,
    `: ($body := $states.result.Body; $merge([${normaliseResponseJsonata(options.family)}, {"model": ${model}, "raw": $body}]))`,
  );
}

/** Hints appended to the cause of a failed invocation: what to check, per error name. */
function failureHints(options: ResolvedOptions, timeoutSeconds: number): Record<string, string> {
  const hints: Record<string, string> = {
    "Bedrock.AccessDeniedException": `the execution role needs bedrock:InvokeModel on ${options.modelId} and, for an inference profile, on its foundation model in every Region the profile routes to; model access must also be enabled for the account`,
    "Bedrock.ValidationException": `Bedrock rejected the request: check that the body follows the ${options.family} request format and that maxTokens and temperature are within the model's limits`,
    "Bedrock.ResourceNotFoundException": `${options.modelId} was not found: check the model or inference profile identifier and that it is offered in this Region`,
    "Bedrock.ModelErrorException": "the model failed while processing this request",
    "States.Timeout": `no answer within ${timeoutSeconds} seconds, also after the configured retries`,
  };
  for (const name of [...TRANSIENT_BEDROCK_ERRORS, "Bedrock.ModelTimeoutException"]) {
    hints[name] = "still failing after the configured retries";
  }
  return hints;
}

/** Fail state Error: the original error name, so callers can tell throttling from access denied. */
export const FAILURE_ERROR_EXPRESSION = `$type($states.input.Error) = "string" ? $states.input.Error : "States.TaskFailed"`;

/** Fail state Cause: the original cause, plus a hint on what to check. */
export function failureCauseExpression(options: ResolvedOptions, timeoutSeconds: number): string {
  const hints = failureHints(options, timeoutSeconds);
  const hintObject = `{${Object.entries(hints)
    .map(([k, v]) => `${str(k)}: ${str(v)}`)
    .join(", ")}}`;
  return line(
    "(",
    `$cause := $type($states.input.Cause) = "string" ? $states.input.Cause : "";`,
    `$hint := $lookup(${hintObject}, $states.input.Error);`,
    `$exists($hint) ? $cause & " (hint: " & $hint & ")" : $cause`,
    ")",
  );
}
