import { jsonataTemplate, STATES, type StateMachineDefinition, type TaskState } from "./asl";
import { FALLBACK_ERRORS, fallbackStateName, invokeModelResource, STATE_NAMES } from "./contract";
import {
  FAILURE_ERROR_EXPRESSION,
  failureCauseExpression,
  guardedInvokeArgumentsExpression,
  invokeArgumentsExpression,
  invokeOutputExpression,
  validationFailureExpression,
} from "./jsonata-expressions";
import type { FallbackModelOptions, ResolvedOptions } from "./options";
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
 *
 * With fallback models, InvokeModel -> InvokeFallback1 -> ...: when a Task is still throttled after its retries, or
 * its model is not ready or unavailable (FALLBACK_ERRORS), a Catch sends the same execution input to the next Task,
 * which builds the request in its own model's family and names its model in the output.
 */
export function buildJsonataDefinition(options: ResolvedOptions): StateMachineDefinition {
  const chain = [options, ...options.fallbackModels.map((model) => optionsForFallback(options, model))];
  const policy = retryPolicyFor(options.workflowType, chain.length);
  const fallbackCatch = (n: number) => (n < chain.length ? [{ ErrorEquals: [...FALLBACK_ERRORS], Next: fallbackStateName(n), Output: expr("$states.input") }] : []);

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
      ...fallbackCatch(1),
      { ErrorEquals: ["States.ALL"], Next: STATE_NAMES.invocationFailed, Output: expr("$states.errorOutput") },
    ],
    End: true,
  };
  // The input was checked by InvokeModel: a fallback only builds its own model's request.
  const fallbacks: Record<string, TaskState> = {};
  chain.slice(1).forEach((model, i) => {
    fallbacks[fallbackStateName(i + 1)] = {
      Type: "Task",
      Comment: `Fallback ${i + 1}: the same request to ${model.modelId} (${model.family})`,
      Resource: invokeModelResource(options.partition),
      Arguments: expr(invokeArgumentsExpression(model)),
      Output: expr(invokeOutputExpression(model)),
      TimeoutSeconds: policy.timeoutSeconds,
      Retry: structuredClone(policy.retry),
      Catch: [...fallbackCatch(i + 2), { ErrorEquals: ["States.ALL"], Next: STATE_NAMES.invocationFailed, Output: expr("$states.errorOutput") }],
      End: true,
    };
  });

  return {
    Comment: `Invokes ${options.modelId} (${options.family})${
      chain.length > 1
        ? `, then ${chain
            .slice(1)
            .map((m) => m.modelId)
            .join(", then ")} when throttled or unavailable,`
        : ""
    } through the Bedrock optimized integration. Input: exactly one of prompt, body, inputS3Uri; optional system, outputToS3.`,
    QueryLanguage: "JSONata",
    StartAt: STATE_NAMES.invokeModel,
    States: {
      [STATE_NAMES.invokeModel]: invokeModel,
      ...fallbacks,
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

/** The options of a fallback model's Task: the chain's settings with that model's ID, family and temperature. */
function optionsForFallback(options: ResolvedOptions, model: FallbackModelOptions): ResolvedOptions {
  const { temperature: _primary, ...rest } = options;
  return { ...rest, modelId: model.modelId, family: model.family, ...(model.temperature === undefined ? {} : { temperature: model.temperature }), fallbackModels: [] };
}
