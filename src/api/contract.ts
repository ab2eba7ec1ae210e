/**
 * The HTTP contract of the API front door (seed 004's, without its Lambda):
 * ```
 * POST /generate  {"prompt": string, "system"?: string}
 *   EXPRESS  -> 200 {"generated_text", "stop_reason", "usage": {"input_tokens", "output_tokens"}, "model"}
 *   STANDARD -> 202 {"execution_id", "status": "RUNNING", "status_url"}
 * GET /executions/{id}   (STANDARD only)
 *   -> 200 {"execution_id", "status": "RUNNING"} while it runs, then the body POST would have answered
 * errors -> {"message", "error"?, "request_id"?}: 400 bad request (naming the field), 403 no or bad credentials,
 *   429 over the stage's rate, 502 the workflow failed, 503 Bedrock throttled after retries, 504 timed out.
 * ```
 * No Pulumi here: the component deploys it, the local cloud serves it, the tests render it.
 */

export const GENERATE_PATH = "/generate";
export const EXECUTIONS_PATH = "/executions";
export const STAGE_NAME = "v1";

/**
 * Request size limit, in characters. Step Functions takes at most 256 KB of input, and the request template's
 * JSON escaping writes a character as up to 12 bytes (an astral character as two \uXXXX escapes); these bounds keep
 * every valid request inside that limit, so a large request is refused with 400 here, never half-way in AWS.
 */
const MAX_PROMPT_CHARS = 20_000;
const MAX_SYSTEM_CHARS = 1_000;

/**
 * The request model (JSON Schema draft 4, as API Gateway models are). API Gateway's request validator refuses
 * malformed JSON, a missing or empty prompt, wrong types, extra fields and oversized text before any execution
 * starts; only `prompt` and `system` reach the workflow (never `inputS3Uri` or `body`: callers of the API must not
 * steer the role's S3 reads or send arbitrary native bodies).
 */
export const GENERATE_REQUEST_SCHEMA = {
  $schema: "http://json-schema.org/draft-04/schema#",
  title: "GenerateRequest",
  type: "object",
  required: ["prompt"],
  additionalProperties: false,
  properties: {
    prompt: { type: "string", minLength: 1, maxLength: MAX_PROMPT_CHARS },
    system: { type: "string", maxLength: MAX_SYSTEM_CHARS },
  },
} as const;

/** Workflow errors that mean "Bedrock is busy": retried by the workflow already, so the client should back off. */
export const BUSY_ERRORS = ["Bedrock.ThrottlingException", "Bedrock.ServiceQuotaExceededException", "Bedrock.ServiceUnavailableException"] as const;
export const TIMEOUT_ERRORS = ["States.Timeout", "Bedrock.ModelTimeoutException"] as const;
