// The stack's settings: the component arguments it sets (their schema: components/arguments.ts) and the few keys of
// its own. Config only turns strings into arguments, reading numbers and booleans as the Pulumi CLI checks
// Pulumi.yaml's types; every check of a value is the schema's, so the library and the stack accept the same values.
import { type ArgumentSpec, API_ARGUMENTS, STATE_MACHINE_ARGUMENTS, type ValuesOf, problemOf, shownValue } from "../components/arguments";
import { GUARDRAIL_ID, GUARDRAIL_TRACE_VALUES, GUARDRAIL_VERSION } from "../src/workflow/options";
import { didYouMean } from "../src/bedrock/model-facts";
import { isKnownRegion, knownAwsRegions } from "../src/bedrock/regions";
import { API_TYPES, DEFAULT_API_TYPE } from "../src/core/defaults";
import { BedrockSfnError } from "../src/core/errors";
import { parseJson } from "../src/json";
import { PROJECT } from "./project";

export { PROJECT, shownValue };

export type { LogLevel, QueryLanguage, RoutingSource, WorkflowType } from "../src/core/defaults";

/** Keys the stack alone reads: they become objects (a definition, policies, a guardrail) or choose components. */
const STACK_ONLY = {
  definitionFile: {
    kind: "string",
    doc: "Your own workflow: a JSON or YAML ASL file (relative to the project, or absolute). It replaces the built-in workflow, and the role is derived from its tasks; ${PayloadBucket}, ${AWS::Region}, ${AWS::AccountId}, ${AWS::Partition} and definitionSubstitutions are replaced in it.",
    defaultDoc: "(none)",
  },
  definitionSubstitutions: { kind: "map", doc: 'With definitionFile: your own ${Name} substitutions, as a JSON object, e.g. {"Topic": "news"}.', defaultDoc: "(none)" },
  extraPolicyFiles: {
    kind: "list",
    hint: "a list of IAM policy JSON file paths",
    doc: "IAM policy JSON files attached to the execution role as they are, for tasks of other services (Lambda, SNS, ...).",
    defaultDoc: "(none)",
  },
  guardrailId: {
    kind: "string",
    pattern: GUARDRAIL_ID,
    hint: "a guardrail ID (e.g. gr4x9b1z2k3m) or guardrail ARN",
    doc: "Built-in workflow only: a Bedrock guardrail ID or ARN applied to every call (needs guardrailVersion).",
    defaultDoc: "(none)",
  },
  guardrailVersion: {
    kind: "string",
    pattern: GUARDRAIL_VERSION,
    hint: "DRAFT or a version number such as 1",
    doc: "Built-in workflow only: the guardrail version, DRAFT or a number.",
    defaultDoc: "(none)",
  },
  trace: { kind: "string", choices: GUARDRAIL_TRACE_VALUES, doc: "Built-in workflow only, with a guardrail: the guardrail trace.", defaultDoc: "(none)" },
  allowUnlistedRegion: {
    kind: "boolean",
    default: false,
    doc: "Accept an aws:region or destinationRegions entry missing from the bundled list of AWS Regions (src/bedrock/aws-regions.json), for a Region newer than the list.",
  },
  api: {
    kind: "string",
    choices: API_TYPES,
    default: DEFAULT_API_TYPE,
    doc: "An HTTP front door: none, or rest (an API Gateway REST API with POST /generate integrated directly with Step Functions).",
  },
} as const satisfies Record<string, ArgumentSpec>;

type StackSet<T> = { [K in keyof T as T[K] extends { configKey: null } ? never : K]: T[K] };
type Prefixed<T, P extends string> = { [K in keyof T as K extends string ? (T[K] extends { configKey: null } ? never : `${P}${Capitalize<K>}`) : never]: T[K] };

const apiSetting = (argument: string) => `api${argument[0].toUpperCase()}${argument.slice(1)}`;
const stackSet = <T extends Record<string, ArgumentSpec>>(schema: T) => Object.fromEntries(Object.entries(schema).filter(([, spec]) => spec.configKey !== null));

/** Every stack setting, in the order Pulumi.yaml and the docs list them. */
export const SETTINGS = {
  ...(stackSet(STATE_MACHINE_ARGUMENTS) as StackSet<typeof STATE_MACHINE_ARGUMENTS>),
  region: { ...STATE_MACHINE_ARGUMENTS.region, required: "the Region to deploy to, e.g. ap-northeast-1" },
  ...STACK_ONLY,
  ...(Object.fromEntries(Object.entries(stackSet(API_ARGUMENTS)).map(([name, spec]) => [apiSetting(name), spec])) as Prefixed<typeof API_ARGUMENTS, "api">),
} satisfies Record<string, ArgumentSpec>;

/** The settings read; modelId is "" when not set (a definition of your own needs none). */
export type Settings = Omit<ValuesOf<typeof SETTINGS>, "modelId"> & { modelId: string };
export type SettingsInput = { [K in keyof Settings]?: unknown };

/** The config key each setting is read from. */
export const CONFIG_KEYS = Object.fromEntries(Object.entries(SETTINGS).map(([field, spec]) => [field, (spec as ArgumentSpec).configKey ?? `${PROJECT}:${field}`])) as Record<
  keyof Settings,
  string
>;

/** The arguments of BedrockStateMachine that settings give, copied by name. */
export function stateMachineArguments(settings: Settings): ValuesOf<typeof STATE_MACHINE_ARGUMENTS> {
  return Object.fromEntries(Object.keys(stackSet(STATE_MACHINE_ARGUMENTS)).map((name) => [name, settings[name as keyof Settings]])) as ValuesOf<typeof STATE_MACHINE_ARGUMENTS>;
}

/** The arguments of ApiFrontDoor that settings give (`apiAuth` -> `auth`). */
export function apiFrontDoorArguments(settings: Settings): Pick<ValuesOf<typeof API_ARGUMENTS>, "auth" | "rateLimit" | "burstLimit"> {
  return Object.fromEntries(Object.keys(stackSet(API_ARGUMENTS)).map((name) => [name, settings[apiSetting(name) as keyof Settings]])) as ValuesOf<typeof API_ARGUMENTS>;
}

/** The config key a component's argument is set by, for the program's error lines; undefined when none is. */
export function configKeyOfArgument(component: "BedrockStateMachine" | "ApiFrontDoor", argument: string): string | undefined {
  const field = component === "ApiFrontDoor" ? apiSetting(argument) : argument;
  return field in CONFIG_KEYS ? CONFIG_KEYS[field as keyof Settings] : undefined;
}

// How the Pulumi CLI reads typed config against Pulumi.yaml (sdk/go/common/workspace/project.go, ValidateConfigValue,
// v3.248.0): an integer is what Go's strconv.Atoi takes (digits, an optional sign; no spaces, exponent, point or
// 0x), a boolean is exactly "true" or "false". Pulumi.yaml has no number type; a number is read as Go's
// strconv.ParseFloat reads a decimal (no hex, Inf or NaN), the reading of the Pulumi SDKs' getNumber in Go.
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A list given as YAML list, JSON array or comma-separated string; entries lose surrounding whitespace. */
function splitList(v: unknown): unknown {
  const trimmed = (list: unknown) => (Array.isArray(list) ? list.map((r) => (typeof r === "string" ? r.trim() : r)) : list);
  if (typeof v !== "string") return trimmed(v);
  const s = v.trim();
  if (s.startsWith("[")) return trimmed(parseJson(s, () => v));
  return s === "" ? [] : s.split(",").map((r) => r.trim());
}

type Read = { value: unknown } | { problem: string } | undefined;

/** A config value (a string, or YAML already parsed) as the argument's type; undefined when not set. */
function fromConfig(spec: ArgumentSpec, raw: unknown): Read {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "string") {
    const value = spec.kind === "list" ? splitList(raw) : raw;
    return Array.isArray(value) && value.length === 0 ? undefined : { value };
  }
  // An empty value means "not set": Pulumi.yaml gives optional keys empty defaults, since the CLI requires a value
  // for every declared key that has no default.
  if (raw === "" || raw === "[]") return undefined;
  switch (spec.kind) {
    case "integer":
      return INTEGER.test(raw)
        ? { value: Number(raw) }
        : { problem: spec.choices ? `must be one of ${spec.choices.join(", ")}` : "must be a whole number, written in digits (e.g. 1024)" };
    case "number":
      return DECIMAL.test(raw) ? { value: Number(raw) } : { problem: "must be a number, written in decimal (e.g. 0.5)" };
    case "boolean":
      return raw === "true" || raw === "false" ? { value: raw === "true" } : { problem: "must be true or false (in lower case)" };
    case "list": {
      const value = splitList(raw);
      return Array.isArray(value) && value.length === 0 ? undefined : { value };
    }
    case "map":
      return { value: parseJson(raw, () => raw) };
    default: {
      // Free text is kept as written; an ID, Region or choice with stray whitespace means the same thing trimmed.
      const value = spec.freeText ? raw : raw.trim();
      return value === "" ? undefined : { value };
    }
  }
}

/** Keys that only make sense together; checked after each value is valid on its own. */
function combinationProblems(s: Settings): [keyof Settings, string][] {
  const problems: [keyof Settings, string][] = [];
  const own = !!s.definitionFile;
  if (!own && !s.modelId) problems.push(["modelId", "is required (a model ID, inference-profile ID or model ARN), unless bedrock-sfn:definitionFile is set"]);
  if (!own) {
    if (s.allowedModels) problems.push(["allowedModels", "applies only to a definition of your own (bedrock-sfn:definitionFile)"]);
    if (s.definitionSubstitutions) problems.push(["definitionSubstitutions", "applies only to a definition of your own (bedrock-sfn:definitionFile)"]);
  }
  if (s.batch === "job") {
    if (own) problems.push(["batch", "= 'job' applies to the built-in workflow only, not to bedrock-sfn:definitionFile"]);
    else if (s.workflowType !== "STANDARD") problems.push(["batch", "= 'job' needs bedrock-sfn:workflowType STANDARD (a job runs for hours; EXPRESS ends at 5 minutes)"]);
    if (s.fallbackModels?.length) problems.push(["batch", "= 'job' runs one model: bedrock-sfn:fallbackModels does not apply"]);
  }
  if (s.fallbackModels?.length) {
    if (own) problems.push(["fallbackModels", "applies to the built-in workflow only: with bedrock-sfn:definitionFile, write the Catch to the next model yourself"]);
    else if (s.queryLanguage !== "JSONata")
      problems.push(["fallbackModels", "needs bedrock-sfn:queryLanguage JSONata (JSONPath cannot rebuild the request for another model family in one state)"]);
  }
  const guardrailKeys = (["guardrailId", "guardrailVersion", "trace"] as const).filter((k) => s[k] !== undefined);
  if (own && guardrailKeys.length) {
    problems.push([
      guardrailKeys[0],
      `${guardrailKeys.map((k) => CONFIG_KEYS[k]).join(", ")} configure the built-in workflow; with bedrock-sfn:definitionFile, write GuardrailIdentifier/GuardrailVersion in your Task's arguments`,
    ]);
  } else if (guardrailKeys.length && (!s.guardrailId || !s.guardrailVersion)) {
    const missing = !s.guardrailId ? "guardrailId" : "guardrailVersion";
    problems.push([
      missing,
      `is required when ${guardrailKeys.map((k) => CONFIG_KEYS[k]).join(", ")} ${guardrailKeys.length > 1 ? "are" : "is"} set: a guardrail needs both bedrock-sfn:guardrailId and bedrock-sfn:guardrailVersion`,
    ]);
  }
  return problems;
}

/** Raised for bad stack config; the message is one line per problem, naming key, value and valid choices. */
export class ConfigError extends BedrockSfnError {
  constructor(message: string, argument?: string) {
    super("config", message, argument);
  }
}

/** Validates raw config values (strings or parsed YAML) into settings, or throws one ConfigError listing every problem. */
export function parseSettings(raw: SettingsInput): Settings {
  const values: Record<string, unknown> = {};
  const lines: string[] = [];
  for (const [field, spec] of Object.entries(SETTINGS) as [keyof Settings, ArgumentSpec][]) {
    const read = fromConfig(spec, raw[field]);
    const problem = read === undefined ? (spec.required ? `is required (${spec.required})` : undefined) : "problem" in read ? read.problem : problemOf(spec, read.value);
    if (problem) lines.push(problemLine(raw, field, problem));
    else values[field] = read === undefined ? spec.default : (read as { value: unknown }).value;
  }
  const settings = { ...values, modelId: values.modelId ?? "" } as Settings;
  if (lines.length === 0) lines.push(...combinationProblems(settings).map(([field, message]) => problemLine(raw, field, message)), ...unlistedRegions(raw, settings));
  if (lines.length) throw new ConfigError(lines.join("\n"));
  return settings;
}

function problemLine(raw: SettingsInput, field: keyof Settings, message: string): string {
  return `${CONFIG_KEYS[field] ?? field} = ${shownValue(raw[field])}: ${message}`;
}

// A Region name of the right shape that AWS does not have (us-east-9) would write ARNs no call ever uses.
function unlistedRegions(raw: SettingsInput, settings: Settings): string[] {
  if (settings.allowUnlistedRegion) return [];
  const override = `set ${CONFIG_KEYS.allowUnlistedRegion} true if it is newer than the bundled list`;
  const problem = (region: string) => {
    const near = didYouMean(region, knownAwsRegions());
    return `is not a known AWS Region${near ? ` (did you mean ${near}?)` : ""}; ${override}`;
  };
  const lines: string[] = [];
  if (!isKnownRegion(settings.region)) lines.push(problemLine(raw, "region", problem(settings.region)));
  const unknown = (settings.destinationRegions ?? []).filter((r) => !isKnownRegion(r));
  if (unknown.length) lines.push(problemLine(raw, "destinationRegions", `${unknown.map((r) => `'${r}'`).join(", ")} ${problem(unknown[0])}`));
  return lines;
}

/** Reads every setting through a lookup such as pulumi.Config#get, keyed by the full config key. */
export function readSettings(lookup: (key: string) => unknown): Settings {
  const raw: SettingsInput = {};
  for (const [field, key] of Object.entries(CONFIG_KEYS) as [keyof Settings, string][]) {
    const value = lookup(key);
    if (value !== undefined && value !== null) raw[field] = value;
  }
  return parseSettings(raw);
}
