// The stack: read and check the config, then declare one BedrockStateMachine and export what users need.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, Settings, apiFrontDoorArguments, configKeyOfArgument, readSettings, stateMachineArguments } from "./settings";
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
function asUserError<T>(read: () => T, component: "BedrockStateMachine" | "ApiFrontDoor" = "BedrockStateMachine"): T {
  try {
    return read();
  } catch (err) {
    if (!isBedrockSfnError(err)) throw err;
    const key = err.kind === "argument" && err.argument ? configKeyOfArgument(component, err.argument) : undefined;
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
    // The component logs its own model's notes (lifecycle, routing by rule), so they are not asked for here.
    for (const note of checkSettings(settings, PROJECT_DIR, { modelNotes: false })) if (pulumi.runtime.hasEngine()) logNote(note);
    return settings;
  });
}

/** Relative definition, policy and catalog files are read from the project folder (where Pulumi.yaml is). */
const PROJECT_DIR = path.resolve(__dirname, "..");

function logNote(note: string): void {
  if (note.startsWith("warning: ")) void pulumi.log.warn(note.slice("warning: ".length));
  else void pulumi.log.info(note);
}

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
        // Every argument a setting of the same name gives (config/settings.ts), then the objects the stack builds.
        ...stateMachineArguments(settings),
        ...(own ? { modelId: undefined, definition: own.definition, definitionSubstitutions: own.substitutions } : { guardrail }),
        extraPolicies,
        ...(settings.catalogFile ? { catalogFile: path.resolve(PROJECT_DIR, settings.catalogFile) } : {}),
      }),
  );
  // The HTTP front door (bedrock-sfn:api = rest): API Gateway straight to Step Functions, no Lambda.
  const api =
    settings.api === "rest"
      ? asUserError(
          () =>
            new ApiFrontDoor("bedrock-sfn-http", {
              ...apiFrontDoorArguments(settings),
              stateMachineArn: workflow.stateMachineArn,
              workflowType: settings.workflowType,
              logRetentionDays: settings.logRetentionDays,
              region: settings.region,
            }),
          "ApiFrontDoor",
        )
      : undefined;
  return {
    ...(api ? { apiUrl: api.url, apiRoleArn: api.roleArn, apiAuth: settings.apiAuth, ...(settings.apiAuth === "apiKey" ? { apiKeyId: api.apiKeyId } : {}) } : {}),
    stateMachineArn: workflow.stateMachineArn,
    stateMachineName: workflow.stateMachineName,
    roleArn: workflow.roleArn,
    payloadBucketName: workflow.payloadBucketName,
    routedRegions: workflow.routedRegions,
    // A definition of your own has no one model family: an undefined output would only draw Pulumi's warning.
    ...(own ? {} : { modelFamily: workflow.modelFamily }),
    // A batch's parent is STANDARD whatever workflowType says (docs/batch.md).
    workflowType: settings.batch === "map" && !own ? "STANDARD" : settings.workflowType,
    queryLanguage: own ? String((own.definition as { QueryLanguage?: unknown }).QueryLanguage ?? "JSONPath") : settings.queryLanguage,
    modelId: own ? workflow.models.apply((models) => models.map((m) => m.modelId).join(", ")) : settings.modelId,
    region: settings.region,
    ...(own ? { definitionFile: settings.definitionFile, notes: own.notes } : {}),
  };
}
