import { jsonataTemplate, STATES, type StateMachineDefinition, type TaskState } from "./asl";
import { invokeModelResource, STATE_NAMES } from "./contract";
import { FAILURE_ERROR_EXPRESSION, failureCauseExpression, guardedInvokeArgumentsExpression, invokeOutputExpression, validationFailureExpression } from "./jsonata-expressions";
import type { ResolvedOptions } from "./options";
import { retryPolicyFor } from "./retry-policy";

const expr = jsonataTemplate;

/**
 * JSONata definition: InvokeModel (the one Task) -> end. A successful call is one state transition.
 *
 * One Task state covers every request shape: its Arguments expression checks the input, then picks Body or
 * Input.S3Uri and adds Output.S3Uri; its Output expression normalises the answer. On bad input the Arguments
 * raise (`$error`), which Step Functions reports as States.QueryEvaluationError before any call to Bedrock;
 * the first Catch turns it back into error "ValidationError" with a cause naming every problem (the check is
 * evaluated again there, on the same `$states.input`), so a caller sees the same failure as from a Choice in front.
 */
export function buildJsonataDefinition(options: ResolvedOptions): StateMachineDefinition {
  const policy = retryPolicyFor(options.workflowType);

  const invokeModel: TaskState = {
    Type: "Task",
    Comment: "Checks the input, then calls Bedrock InvokeModel with Body or Input.S3Uri (and Output.S3Uri when outputToS3 is true)",
    Resource: invokeModelResource(options.partition),
    Arguments: expr(guardedInvokeArgumentsExpression(options)),
    Output: expr(invokeOutputExpression(options)),
    TimeoutSeconds: policy.timeoutSeconds,
    Retry: policy.retry,
    Catch: [
      { ErrorEquals: [STATES.QueryEvaluationError], Next: STATE_NAMES.validationFailed, Output: expr(validationFailureExpression(options)) },
      { ErrorEquals: ["States.ALL"], Next: STATE_NAMES.invocationFailed, Output: expr("$states.errorOutput") },
    ],
    End: true,
  };

  return {
    Comment: `Invokes ${options.modelId} (${options.family}) through the Bedrock optimized integration. Input: exactly one of prompt, body, inputS3Uri; optional system, outputToS3.`,
    QueryLanguage: "JSONata",
    StartAt: STATE_NAMES.invokeModel,
    States: {
      [STATE_NAMES.invokeModel]: invokeModel,
      [STATE_NAMES.validationFailed]: {
        Type: "Fail",
        Comment: "Bad input (ValidationError, every problem in the cause), or another expression failure as it was raised",
        Error: expr(FAILURE_ERROR_EXPRESSION),
        Cause: expr(`$type($states.input.Cause) = "string" ? $states.input.Cause : ""`),
      },
      [STATE_NAMES.invocationFailed]: {
        Type: "Fail",
        Comment: "Keeps the original error name; the cause says what to check",
        Error: expr(FAILURE_ERROR_EXPRESSION),
        Cause: expr(failureCauseExpression(options, policy.timeoutSeconds)),
      },
    },
  };
}
