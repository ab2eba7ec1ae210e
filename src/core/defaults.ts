// The library's choice lists, which the domain reads too. Each argument's default, limits and docs are in the
// argument schema (components/arguments.ts).

export const WORKFLOW_TYPES = ["STANDARD", "EXPRESS"] as const;
export const QUERY_LANGUAGES = ["JSONata", "JSONPath"] as const;
export const LOG_LEVELS = ["ALL", "ERROR", "FATAL", "OFF"] as const;
export const ROUTING_SOURCES = ["auto", "catalog", "live"] as const;
/** The stack's API front door (`bedrock-sfn:api`): none, or an API Gateway REST API (ApiFrontDoor). */
export const API_TYPES = ["none", "rest"] as const;
/** How callers authenticate to the front door: SigV4 (`execute-api:Invoke`) or an API key in a usage plan. */
export const API_AUTH_MODES = ["iam", "apiKey"] as const;
/** The retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export type WorkflowType = (typeof WORKFLOW_TYPES)[number];
export type QueryLanguage = (typeof QUERY_LANGUAGES)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];
export type RoutingSource = (typeof ROUTING_SOURCES)[number];
export type ApiType = (typeof API_TYPES)[number];
export type ApiAuth = (typeof API_AUTH_MODES)[number];
export type BatchMode = (typeof BATCH_MODES)[number];
export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];

/** The stack's `bedrock-sfn:api` when not set: no front door unless asked for. */
export const DEFAULT_API_TYPE: ApiType = "none";

/** `batch`: none (one call per execution), map (a Distributed Map over a JSONL file) or job (Bedrock batch inference). */
export const BATCH_MODES = ["none", "map", "job"] as const;
