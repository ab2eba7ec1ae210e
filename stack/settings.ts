// The stack's settings: every config key, its default and its limits, validated in one place.
// Pulumi.yaml declares the same keys for the CLI; a test keeps the two in step.
import { z } from "zod";
import { MODEL_FAMILIES, ModelFamily } from "../src/bedrock/families";
import { GUARDRAIL_ID, GUARDRAIL_TRACE_VALUES, GUARDRAIL_VERSION } from "../src/workflow/options";
import { didYouMean } from "../src/bedrock/model-facts";
import { REGION_NAME, isKnownRegion, knownAwsRegions } from "../src/bedrock/regions";
import { clip } from "../src/bedrock/text";
import {
  API_AUTH_MODES,
  API_DEFAULTS,
  API_LIMITS,
  API_TYPES,
  DEFAULT_API_TYPE,
  DEFAULTS,
  LIMITS,
  LOG_LEVELS,
  LOG_RETENTION_DAYS,
  QUERY_LANGUAGES,
  ROUTING_SOURCES,
  WORKFLOW_TYPES,
} from "../src/core/defaults";
import { BedrockSfnError } from "../src/core/errors";
import { PROJECT } from "./project";

export { PROJECT };

// The choices and defaults are the library's (src/core/defaults.ts); config validates stack values against them.
export type { LogLevel, QueryLanguage, RoutingSource, WorkflowType } from "../src/core/defaults";

// Whether AWS has a Region of the right shape is checked against the bundled list afterwards.
const REGION = REGION_NAME;

// Config values arrive as strings (stack files, --config, the CLI); coerce here so every source behaves alike.
const integer = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v),
    z.number({ error: "must be a whole number" }).int("must be a whole number").min(min, `must be at least ${min}`).max(max, `must be at most ${max}`),
  );
const decimal = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v),
    z.number({ error: "must be a number" }).min(min, `must be at least ${min}`).max(max, `must be at most ${max}`),
  );
const boolean = z.preprocess(
  (v) => {
    if (typeof v !== "string") return v;
    const s = v.trim().toLowerCase();
    return s === "true" ? true : s === "false" ? false : v;
  },
  z.boolean({ error: "must be true or false" }),
);
const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: `must be one of ${values.join(", ")}` });
/** A list given as YAML list, JSON array or comma-separated string. */
function splitList(v: unknown): unknown {
  // Entries lose surrounding whitespace (a quoted YAML value often carries some), in every form.
  const trimmed = (list: unknown) => (Array.isArray(list) ? list.map((r) => (typeof r === "string" ? r.trim() : r)) : list);
  if (typeof v !== "string") return trimmed(v);
  const s = v.trim();
  if (s.startsWith("[")) {
    try {
      return trimmed(JSON.parse(s));
    } catch {
      return v;
    }
  }
  return s === "" ? [] : s.split(",").map((r) => r.trim());
}
const regionList = z.preprocess(
  splitList,
  z.array(z.string().regex(REGION, "must be a list of AWS Region names such as us-east-1"), {
    error: "must be a list of AWS Region names such as us-east-1",
  }),
);

/** A list of strings, read as regionList is. */
const stringList = (message: string) => z.preprocess(splitList, z.array(z.string().min(1, message), { error: message }));
/** A map of names to strings, given as a JSON object (how the CLI hands structured config to the program). */
const stringMap = z.preprocess(
  (v) => {
    if (typeof v !== "string") return v;
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  },
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]), { error: 'must be a JSON object of names to strings, e.g. {"Topic": "news"}' }),
);

export const settingsSchema = z.object({
  region: z.string({ error: "is required (the Region to deploy to, e.g. ap-northeast-1)" }).regex(REGION, "must be an AWS Region name such as us-east-1"),
  // Required unless definitionFile is set (checked below); "" means not set.
  modelId: z.string().default(""),
  workflowType: oneOf(WORKFLOW_TYPES).default(DEFAULTS.workflowType),
  queryLanguage: oneOf(QUERY_LANGUAGES).default(DEFAULTS.queryLanguage),
  maxTokens: integer(LIMITS.maxTokens.min, LIMITS.maxTokens.max).default(DEFAULTS.maxTokens),
  temperature: decimal(LIMITS.temperature.min, LIMITS.temperature.max).default(DEFAULTS.temperature),
  systemPrompt: z.string().max(LIMITS.systemPromptChars.max, `must be at most ${LIMITS.systemPromptChars.max} characters`).optional(),
  modelFamily: oneOf(MODEL_FAMILIES as [ModelFamily, ...ModelFamily[]]).optional(),
  payloadRetentionDays: integer(LIMITS.payloadRetentionDays.min, LIMITS.payloadRetentionDays.max).default(DEFAULTS.payloadRetentionDays),
  logLevel: oneOf(LOG_LEVELS).default(DEFAULTS.logLevel),
  logIncludeExecutionData: boolean.default(DEFAULTS.logIncludeExecutionData),
  logRetentionDays: z
    .preprocess(
      (v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v),
      z.number().refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), {
        error: `must be one of ${LOG_RETENTION_DAYS.join(", ")}`,
      }),
    )
    .default(DEFAULTS.logRetentionDays),
  tracing: boolean.default(DEFAULTS.tracing),
  routingSource: oneOf(ROUTING_SOURCES).default(DEFAULTS.routingSource),
  destinationRegions: regionList.optional(),
  underlyingModelId: z.string().min(1, "must not be empty").optional(),
  definitionFile: z.string().min(1, "must not be empty").optional(),
  definitionSubstitutions: stringMap.optional(),
  allowedModels: stringList("must be a list of model IDs (JSON array or comma-separated)").optional(),
  extraPolicyFiles: stringList("must be a list of IAM policy JSON file paths (JSON array or comma-separated)").optional(),
  guardrailId: z.string().regex(GUARDRAIL_ID, "must be a guardrail ID (e.g. gr4x9b1z2k3m) or guardrail ARN").optional(),
  guardrailVersion: z.string().regex(GUARDRAIL_VERSION, "must be DRAFT or a version number such as 1").optional(),
  trace: oneOf(GUARDRAIL_TRACE_VALUES).optional(),
  allowUnlistedRegion: boolean.default(false),
  // The API front door (components/api-front-door.ts, src/api/contract.ts).
  api: oneOf(API_TYPES).default(DEFAULT_API_TYPE),
  apiAuth: oneOf(API_AUTH_MODES).default(API_DEFAULTS.auth),
  apiRateLimit: integer(API_LIMITS.rateLimit.min, API_LIMITS.rateLimit.max).default(API_DEFAULTS.rateLimit),
  apiBurstLimit: integer(API_LIMITS.burstLimit.min, API_LIMITS.burstLimit.max).default(API_DEFAULTS.burstLimit),
});

/** Keys that only make sense together; checked after each value is valid on its own. */
function combinationProblems(s: Settings): [keyof Settings, string][] {
  const problems: [keyof Settings, string][] = [];
  const own = !!s.definitionFile;
  if (!own && s.modelId === "") problems.push(["modelId", "is required (a model ID, inference-profile ID or model ARN), unless bedrock-sfn:definitionFile is set"]);
  if (!own) {
    if (s.allowedModels) problems.push(["allowedModels", "applies only to a definition of your own (bedrock-sfn:definitionFile)"]);
    if (s.definitionSubstitutions) problems.push(["definitionSubstitutions", "applies only to a definition of your own (bedrock-sfn:definitionFile)"]);
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

export type Settings = z.infer<typeof settingsSchema>;
export type SettingsInput = { [K in keyof Settings]?: unknown };

/** The config key each setting is read from. */
export const CONFIG_KEYS: Record<keyof Settings, string> = {
  region: "aws:region",
  modelId: `${PROJECT}:modelId`,
  workflowType: `${PROJECT}:workflowType`,
  queryLanguage: `${PROJECT}:queryLanguage`,
  maxTokens: `${PROJECT}:maxTokens`,
  temperature: `${PROJECT}:temperature`,
  systemPrompt: `${PROJECT}:systemPrompt`,
  modelFamily: `${PROJECT}:modelFamily`,
  payloadRetentionDays: `${PROJECT}:payloadRetentionDays`,
  logLevel: `${PROJECT}:logLevel`,
  logIncludeExecutionData: `${PROJECT}:logIncludeExecutionData`,
  logRetentionDays: `${PROJECT}:logRetentionDays`,
  tracing: `${PROJECT}:tracing`,
  routingSource: `${PROJECT}:routingSource`,
  destinationRegions: `${PROJECT}:destinationRegions`,
  underlyingModelId: `${PROJECT}:underlyingModelId`,
  definitionFile: `${PROJECT}:definitionFile`,
  definitionSubstitutions: `${PROJECT}:definitionSubstitutions`,
  allowedModels: `${PROJECT}:allowedModels`,
  extraPolicyFiles: `${PROJECT}:extraPolicyFiles`,
  guardrailId: `${PROJECT}:guardrailId`,
  guardrailVersion: `${PROJECT}:guardrailVersion`,
  trace: `${PROJECT}:trace`,
  allowUnlistedRegion: `${PROJECT}:allowUnlistedRegion`,
  api: `${PROJECT}:api`,
  apiAuth: `${PROJECT}:apiAuth`,
  apiRateLimit: `${PROJECT}:apiRateLimit`,
  apiBurstLimit: `${PROJECT}:apiBurstLimit`,
};

/** Free text kept as written; every other string setting (IDs, Regions, choices) loses surrounding whitespace. */
const UNTRIMMED: ReadonlySet<keyof Settings> = new Set(["systemPrompt"]);

/** Raised for bad stack config; the message is one line per problem, naming key, value and valid choices. */
export class ConfigError extends BedrockSfnError {
  constructor(message: string, argument?: string) {
    super("config", message, argument);
  }
}

/** Validates raw config values (strings or parsed YAML) into settings, or throws one ConfigError listing every problem. */
export function parseSettings(raw: SettingsInput): Settings {
  // An empty value means "not set": Pulumi.yaml gives optional keys empty defaults, since the CLI
  // requires a value for every declared key that has no default.
  const given = Object.fromEntries(
    Object.entries(raw)
      .map(([k, v]) => [k, typeof v === "string" && !UNTRIMMED.has(k as keyof Settings) ? v.trim() : v] as const)
      .filter(([, v]) => v !== "" && v !== "[]" && !(Array.isArray(v) && v.length === 0)),
  );
  const result = settingsSchema.safeParse(given);
  const lines = result.success
    ? combinationProblems(result.data).map(([field, message]) => problemLine(raw, field, message))
    : result.error.issues.map((issue) => problemLine(raw, String(issue.path[0]) as keyof Settings, issue.message));
  if (result.success) lines.push(...unlistedRegions(raw, result.data));
  if (lines.length) throw new ConfigError(lines.join("\n"));
  return (result as { data: Settings }).data;
}

function problemLine(raw: SettingsInput, field: keyof Settings, message: string): string {
  const key = CONFIG_KEYS[field] ?? field;
  return `${key} = ${shownValue(raw[field])}: ${message}`;
}

/** A config value as error lines show it: quoted, control characters escaped, long values cut. */
export function shownValue(value: unknown): string {
  return value === undefined ? "(not set)" : `'${clip(typeof value === "string" ? value : JSON.stringify(value))}'`;
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
