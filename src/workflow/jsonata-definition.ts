import { jsonataTemplate, type StateMachineDefinition, type TaskState } from "./asl";
import { invokeModelResource, STATE_NAMES, VALIDATION_ERROR } from "./contract";
import { FAILURE_ERROR_EXPRESSION, failureCauseExpression, invokeArgumentsExpression, invokeOutputExpression, validationProblemsExpression } from "./jsonata-expressions";
import type { ResolvedOptions } from "./options";
import { retryPolicyFor } from "./retry-policy";

const expr = jsonataTemplate;

/**
 * JSONata definition: ValidateInput (Choice) -> InvokeModel (the one Task) -> end.
 *
 * One Task state covers every request shape: its Arguments expression picks Body or
 * Input.S3Uri and adds Output.S3Uri, its Output expression normalises the answer.
 * The Choice in front costs one state transition per execution (billed on STANDARD).
 * It earns it: a bad input ends with error "ValidationError" and a cause naming the
 * problem, before any call to Bedrock; a check inside the Task could only surface as a
 * generic States.QueryEvaluationError.
 */
export function buildJsonataDefinition(options: ResolvedOptions): StateMachineDefinition {
  const policy = retryPolicyFor(options.workflowType);
  const problems = validationProblemsExpression(options);

  const invokeModel: TaskState = {
    Type: "Task",
    Comment: "Calls Bedrock InvokeModel with Body or Input.S3Uri (and Output.S3Uri when outputToS3 is true)",
    Resource: invokeModelResource(options.partition),
    Arguments: expr(invokeArgumentsExpression(options)),
    Output: expr(invokeOutputExpression(options)),
    TimeoutSeconds: policy.timeoutSeconds,
    Retry: policy.retry,
    Catch: [{ ErrorEquals: ["States.ALL"], Next: STATE_NAMES.invocationFailed, Output: expr("$states.errorOutput") }],
    End: true,
  };

  return {
    Comment: `Invokes ${options.modelId} (${options.family}) through the Bedrock optimized integration. Input: exactly one of prompt, body, inputS3Uri; optional system, outputToS3.`,
    QueryLanguage: "JSONata",
    StartAt: STATE_NAMES.validateInput,
    States: {
      [STATE_NAMES.validateInput]: {
        Type: "Choice",
        Comment: "Rejects malformed input before calling Bedrock",
        Choices: [{ Condition: expr(`$exists(${problems})`), Next: STATE_NAMES.validationFailed }],
        Default: STATE_NAMES.invokeModel,
      },
      [STATE_NAMES.validationFailed]: {
        Type: "Fail",
        Error: VALIDATION_ERROR,
        Cause: expr(problems),
      },
      [STATE_NAMES.invokeModel]: invokeModel,
      [STATE_NAMES.invocationFailed]: {
        Type: "Fail",
        Comment: "Keeps the original error name; the cause says what to check",
        Error: expr(FAILURE_ERROR_EXPRESSION),
        Cause: expr(failureCauseExpression(options, policy.timeoutSeconds)),
      },
    },
  };
}
