// The stack: read and check the config, then declare one BedrockStateMachine and export what users need.
import * as pulumi from "@pulumi/pulumi";
import { ApiFrontDoor } from "./components/api-front-door";
import { BedrockStateMachine } from "./components/bedrock-state-machine";
import { Settings, readSettings } from "./config/settings";
import { checkSettings } from "./config/check";

export function loadSettings(): Settings {
  const configs = new Map<string, pulumi.Config>();
  const lookup = (key: string) => {
    const [namespace, name] = key.split(":");
    if (!configs.has(namespace)) configs.set(namespace, new pulumi.Config(namespace));
    return configs.get(namespace)!.get(name);
  };
  try {
    const settings = readSettings(lookup);
    checkSettings(settings);
    return settings;
  } catch (err) {
    // RunError ends `pulumi up` with just this message: bad config is the user's error, not a crash.
    if (err instanceof Error && err.name !== "Error") throw new pulumi.RunError(`invalid stack config:\n${err.message}`);
    throw err;
  }
}

export function program(settings: Settings = loadSettings()) {
  const workflow = new BedrockStateMachine("bedrock-sfn", {
    region: settings.region,
    modelId: settings.modelId,
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
  });
  // The HTTP front door (bedrock-sfn:api = rest): API Gateway straight to Step Functions, no Lambda.
  const api =
    settings.api === "rest"
      ? new ApiFrontDoor("bedrock-sfn-http", {
          stateMachineArn: workflow.stateMachineArn,
          workflowType: settings.workflowType,
          auth: settings.apiAuth,
          rateLimit: settings.apiRateLimit,
          burstLimit: settings.apiBurstLimit,
          logRetentionDays: settings.logRetentionDays,
          region: settings.region,
        })
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
    queryLanguage: settings.queryLanguage,
    modelId: settings.modelId,
    region: settings.region,
  };
}
