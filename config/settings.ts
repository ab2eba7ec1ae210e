// The stack's settings: every config key, its default and its limits, validated in one place.
// Pulumi.yaml declares the same keys for the CLI; a test keeps the two in step.
import { z } from "zod";
import { API_AUTH_MODES, API_TYPES } from "../api/contract";
import { MODEL_FAMILIES, ModelFamily } from "../bedrock/families";

export const PROJECT = "bedrock-sfn";

export const WORKFLOW_TYPES = ["STANDARD", "EXPRESS"] as const;
export const QUERY_LANGUAGES = ["JSONata", "JSONPath"] as const;
export const LOG_LEVELS = ["ALL", "ERROR", "FATAL", "OFF"] as const;
export const ROUTING_SOURCES = ["auto", "catalog", "live"] as const;
/** The retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export type WorkflowType = (typeof WORKFLOW_TYPES)[number];
export type QueryLanguage = (typeof QUERY_LANGUAGES)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];
export type RoutingSource = (typeof ROUTING_SOURCES)[number];

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

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
const boolean = z.preprocess((v) => {
  if (typeof v !== "string") return v;
  const s = v.trim().toLowerCase();
  return s === "true" ? true : s === "false" ? false : v;
}, z.boolean({ error: "must be true or false" }));
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(", ")}` });
/** A list given as YAML list, JSON array or comma-separated string. */
const regionList = z.preprocess(
  (v) => {
    if (typeof v !== "string") return v;
    const s = v.trim();
    if (s.startsWith("[")) {
      try {
        return JSON.parse(s);
      } catch {
        return v;
      }
    }
    return s === "" ? [] : s.split(",").map((r) => r.trim());
  },
  z.array(z.string().regex(REGION, "must be a list of AWS Region names such as us-east-1"), {
    error: "must be a list of AWS Region names such as us-east-1",
  }),
);

export const settingsSchema = z.object({
  region: z.string({ error: "is required (the Region to deploy to, e.g. ap-northeast-1)" }).regex(REGION, "must be an AWS Region name such as us-east-1"),
  modelId: z.string({ error: "is required (a model ID, inference-profile ID or model ARN)" }).min(1, "must not be empty"),
  workflowType: oneOf(WORKFLOW_TYPES).default("STANDARD"),
  queryLanguage: oneOf(QUERY_LANGUAGES).default("JSONata"),
  maxTokens: integer(1, 131072).default(1024),
  temperature: decimal(0, 1).default(0.5),
  systemPrompt: z.string().max(100_000, "must be at most 100000 characters").optional(),
  modelFamily: oneOf(MODEL_FAMILIES as [ModelFamily, ...ModelFamily[]]).optional(),
  payloadRetentionDays: integer(1, 3650).default(7),
  logLevel: oneOf(LOG_LEVELS).default("ERROR"),
  logIncludeExecutionData: boolean.default(false),
  logRetentionDays: z
    .preprocess(
      (v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v),
      z.number().refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), {
        error: `must be one of ${LOG_RETENTION_DAYS.join(", ")}`,
      }),
    )
    .default(30),
  tracing: boolean.default(false),
  routingSource: oneOf(ROUTING_SOURCES).default("auto"),
  destinationRegions: regionList.optional(),
  underlyingModelId: z.string().min(1, "must not be empty").optional(),
  // The API front door (api/contract.ts).
  api: oneOf(API_TYPES).default("none"),
  apiAuth: oneOf(API_AUTH_MODES).default("iam"),
  apiRateLimit: integer(1, 10_000).default(10),
  apiBurstLimit: integer(1, 5_000).default(20),
});

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
  api: `${PROJECT}:api`,
  apiAuth: `${PROJECT}:apiAuth`,
  apiRateLimit: `${PROJECT}:apiRateLimit`,
  apiBurstLimit: `${PROJECT}:apiBurstLimit`,
};

/** Raised for bad stack config; the message is one line per problem, naming key, value and valid choices. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Validates raw config values (strings or parsed YAML) into settings, or throws one ConfigError listing every problem. */
export function parseSettings(raw: SettingsInput): Settings {
  // An empty value means "not set": Pulumi.yaml gives optional keys empty defaults, since the CLI
  // requires a value for every declared key that has no default.
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== "" && v !== "[]" && !(Array.isArray(v) && v.length === 0)));
  const result = settingsSchema.safeParse(given);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const field = String(issue.path[0]) as keyof Settings;
    const key = CONFIG_KEYS[field] ?? field;
    const value = raw[field];
    const shown = value === undefined ? "(not set)" : `'${typeof value === "string" ? value : JSON.stringify(value)}'`;
    return `${key} = ${shown}: ${issue.message}`;
  });
  throw new ConfigError(lines.join("\n"));
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
