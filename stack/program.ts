// The stack: read and check the config, then declare one BedrockStateMachine and export what users need.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, ConfigError, Settings, readSettings } from "./settings";
import { unknownConfigKeys } from "./keys";
import { checkSettings } from "./check";
import { readExtraPolicies, readUserDefinition } from "./definition";
// The library through its public entry, as a user of the package imports it.
import { ApiFrontDoor, BedrockStateMachine, isBedrockSfnError } from "../src";

const configs = new Map<string, pulumi.Config>();
function lookup(key: string): string | undefined {
  const [namespace, name] = key.split(":");
  if (!configs.has(namespace)) configs.set(namespace, new pulumi.Config(namespace));
  return configs.get(namespace)!.get(name);
}

/**
 * RunError ends `pulumi up` with just this message: bad config is the user's error, not a crash. A component's
 * argument error names the argument; the stack names the config key it came from.
 */
function asUserError<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (!isBedrockSfnError(err)) throw err;
    const key = err.kind === "argument" && err.argument && err.argument in CONFIG_KEYS ? CONFIG_KEYS[err.argument as keyof Settings] : undefined;
    throw new pulumi.RunError(`invalid stack config:\n${key ? `${key}: ` : ""}${err.message}`);
  }
}

function loadSettings(): Settings {
  configs.clear();
  return asUserError(() => {
    const unknown = unknownConfigKeys(Object.keys(pulumi.runtime.allConfig()), "stack config");
    if (unknown) throw new ConfigError(unknown);
    const settings = readSettings(lookup);
    // The built-in workflow's model; a definition of your own is checked whole by readUserDefinition.
    // Under the offline tools there is no engine: they print these notes themselves (stdout stays pipe-safe).
    if (!settings.definitionFile) for (const note of checkSettings(settings)) if (pulumi.runtime.hasEngine()) pulumi.log.info(note);
    return settings;
  });
}

/** Relative definition and policy files are read from the project folder (where Pulumi.yaml is). */
const PROJECT_DIR = path.resolve(__dirname, "..");

export function program(settings: Settings = loadSettings()) {
  const given = (key: string) => {
    const value = lookup(key);
    return value !== undefined && value !== "" && value !== "[]";
  };
  const { own, extraPolicies } = asUserError(() => ({
    own: readUserDefinition(settings, PROJECT_DIR, given),
    extraPolicies: readExtraPolicies(settings.extraPolicyFiles ?? [], PROJECT_DIR),
  }));
  // Under the offline tools there is no engine: synth reads the notes from the outputs and prints them on stderr.
  if (pulumi.runtime.hasEngine()) for (const note of own?.notes ?? []) void pulumi.log.info(note);
  const guardrail = settings.guardrailId
    ? { identifier: settings.guardrailId, version: settings.guardrailVersion!, ...(settings.trace ? { trace: settings.trace } : {}) }
    : undefined;
  const workflow = asUserError(
    () =>
      new BedrockStateMachine("bedrock-sfn", {
        ...(own ? { definition: own.definition, definitionSubstitutions: own.substitutions, allowedModels: settings.allowedModels } : { modelId: settings.modelId, guardrail }),
        extraPolicies,
        region: settings.region,
        workflowType: settings.workflowType,
        queryLanguage: settings.queryLanguage,
        maxTokens: settings.maxTokens,
        temperature: settings.temperature,
        systemPrompt: settings.systemPrompt,
        modelFamily: settings.modelFamily,
        payloadRetentionDays: settings.payloadRetentionDays,
        logLevel: settings.logLevel,
        logIncludeExecutionData: settings.logIncludeExecutionData,
        logRetentionDays: settings.logRetentionDays,
        tracing: settings.tracing,
        routingSource: settings.routingSource,
        destinationRegions: settings.destinationRegions,
        underlyingModelId: settings.underlyingModelId,
      }),
  );
  // The HTTP front door (bedrock-sfn:api = rest): API Gateway straight to Step Functions, no Lambda.
  const api =
    settings.api === "rest"
      ? asUserError(
          () =>
            new ApiFrontDoor("bedrock-sfn-http", {
              stateMachineArn: workflow.stateMachineArn,
              workflowType: settings.workflowType,
              auth: settings.apiAuth,
              rateLimit: settings.apiRateLimit,
              burstLimit: settings.apiBurstLimit,
              logRetentionDays: settings.logRetentionDays,
              region: settings.region,
            }),
        )
      : undefined;
  return {
    ...(api ? { apiUrl: api.url, apiRoleArn: api.roleArn, apiAuth: settings.apiAuth, ...(settings.apiAuth === "apiKey" ? { apiKeyId: api.apiKeyId } : {}) } : {}),
    stateMachineArn: workflow.stateMachineArn,
    stateMachineName: workflow.stateMachineName,
    roleArn: workflow.roleArn,
    payloadBucketName: workflow.payloadBucketName,
    routedRegions: workflow.routedRegions,
    modelFamily: workflow.modelFamily,
    workflowType: settings.workflowType,
    queryLanguage: own ? String((own.definition as { QueryLanguage?: unknown }).QueryLanguage ?? "JSONPath") : settings.queryLanguage,
    modelId: own ? workflow.models.apply((models) => models.map((m) => m.modelId).join(", ")) : settings.modelId,
    region: settings.region,
    ...(own ? { definitionFile: settings.definitionFile, notes: own.notes } : {}),
  };
}
