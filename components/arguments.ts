// The component's own argument checks, run in its constructor before anything is registered: a library user
// gets one BedrockSfnError naming the argument, the bad value and the valid choices, not a late failure in apply.
import * as pulumi from "@pulumi/pulumi";
import { MODEL_FAMILIES, isModelFamily } from "../src/bedrock/families";
import { parseModelId } from "../src/bedrock/model-id";
import { REGION_NAME } from "../src/bedrock/regions";
import { clip } from "../src/bedrock/text";
import { LIMITS, LOG_LEVELS, LOG_RETENTION_DAYS, QUERY_LANGUAGES, ROUTING_SOURCES, WORKFLOW_TYPES } from "../src/core/defaults";
import { BedrockSfnError } from "../src/core/errors";

const shown = (value: unknown) => `'${clip(typeof value === "string" ? value : (JSON.stringify(value) ?? String(value)))}'`;

/** A checker for one component: every error names the component and the argument. */
export function argumentChecks(component: string, name: string) {
  const fail = (argument: string, value: unknown, problem: string): never => {
    throw new BedrockSfnError("argument", `${component} '${name}': ${argument} = ${shown(value)}: ${problem}`, argument);
  };
  // Values not known until deployment (Outputs, promises) are left to AWS; plain values are checked here.
  const plain = (value: unknown) => value !== undefined && !pulumi.Output.isInstance(value) && !(value instanceof Promise);
  return {
    fail,
    oneOf(argument: string, value: unknown, choices: readonly (string | number)[]) {
      if (plain(value) && !choices.includes(value as string | number)) fail(argument, value, `must be one of ${choices.join(", ")}`);
    },
    wholeNumber(argument: string, value: unknown, min: number, max: number) {
      if (!plain(value)) return;
      if (typeof value !== "number" || !Number.isInteger(value)) fail(argument, value, "must be a whole number");
      if ((value as number) < min || (value as number) > max) fail(argument, value, `must be between ${min} and ${max}`);
    },
    number(argument: string, value: unknown, min: number, max: number) {
      if (!plain(value)) return;
      if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) fail(argument, value, `must be a number from ${min} to ${max}`);
    },
    region(argument: string, value: unknown) {
      if (value !== undefined && (typeof value !== "string" || !REGION_NAME.test(value))) fail(argument, value, "must be an AWS Region name such as us-east-1");
    },
  };
}

/** What BedrockStateMachine checks of its arguments (types as a JavaScript caller may pass them: anything). */
export interface CheckedStateMachineArgs {
  modelId?: unknown;
  definition?: unknown;
  guardrail?: unknown;
  workflowType?: unknown;
  queryLanguage?: unknown;
  maxTokens?: unknown;
  temperature?: unknown;
  systemPrompt?: unknown;
  modelFamily?: unknown;
  payloadRetentionDays?: unknown;
  logLevel?: unknown;
  logRetentionDays?: unknown;
  routingSource?: unknown;
  destinationRegions?: unknown;
  region?: unknown;
}

export function checkStateMachineArgs(name: string, args: CheckedStateMachineArgs): void {
  const check = argumentChecks("BedrockStateMachine", name);
  if (typeof name !== "string" || name.trim() === "") throw new BedrockSfnError("argument", `BedrockStateMachine: name = ${shown(name)}: must be a non-empty string`, "name");
  const own = args.definition !== undefined;
  if (own && args.modelId !== undefined && args.modelId !== "") {
    check.fail("modelId", args.modelId, "give modelId (the built-in workflow) or definition (your own), not both");
  }
  if (!own) {
    if (typeof args.modelId !== "string" || args.modelId === "") {
      check.fail("modelId", args.modelId, "is required (a model ID, inference-profile ID or model ARN), unless definition is given");
    }
    // Throws ModelIdError (kind "model-id", argument "modelId") naming the valid forms.
    parseModelId(args.modelId as string);
  }
  if (own && args.guardrail) {
    check.fail("guardrail", args.guardrail, "configures the built-in workflow; with definition, write GuardrailIdentifier/GuardrailVersion in your Task's arguments");
  }
  check.region("region", args.region);
  if (args.destinationRegions !== undefined) {
    if (!Array.isArray(args.destinationRegions)) check.fail("destinationRegions", args.destinationRegions, "must be a list of AWS Region names");
    for (const region of args.destinationRegions as unknown[]) check.region("destinationRegions", region);
  }
  check.oneOf("workflowType", args.workflowType, WORKFLOW_TYPES);
  check.oneOf("queryLanguage", args.queryLanguage, QUERY_LANGUAGES);
  check.oneOf("logLevel", args.logLevel, LOG_LEVELS);
  check.oneOf("routingSource", args.routingSource, ROUTING_SOURCES);
  check.oneOf("logRetentionDays", args.logRetentionDays, LOG_RETENTION_DAYS);
  if (args.modelFamily !== undefined && !isModelFamily(args.modelFamily)) check.fail("modelFamily", args.modelFamily, `must be one of ${MODEL_FAMILIES.join(", ")}`);
  check.wholeNumber("maxTokens", args.maxTokens, LIMITS.maxTokens.min, LIMITS.maxTokens.max);
  check.number("temperature", args.temperature, LIMITS.temperature.min, LIMITS.temperature.max);
  check.wholeNumber("payloadRetentionDays", args.payloadRetentionDays, LIMITS.payloadRetentionDays.min, LIMITS.payloadRetentionDays.max);
  if (typeof args.systemPrompt === "string" && args.systemPrompt.length > LIMITS.systemPromptChars.max) {
    check.fail("systemPrompt", `${args.systemPrompt.slice(0, 20)}...`, `must be at most ${LIMITS.systemPromptChars.max} characters`);
  }
}
