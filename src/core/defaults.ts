// The one owner of the library's choices and defaults. The component applies them, stack/ validates stack config
// against them, Pulumi.yaml declares the same defaults (a test keeps the two in step) and the README's table says so.

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
export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];

/** Limits of the numeric arguments (inclusive). */
export const LIMITS = {
  maxTokens: { min: 1, max: 131_072 },
  temperature: { min: 0, max: 1 },
  payloadRetentionDays: { min: 1, max: 3650 },
  systemPromptChars: { max: 100_000 },
} as const;

/** What BedrockStateMachine uses for an argument that is not given. */
export const DEFAULTS = {
  workflowType: "STANDARD",
  queryLanguage: "JSONata",
  maxTokens: 1024,
  temperature: 0.5,
  payloadRetentionDays: 7,
  logLevel: "ERROR",
  logIncludeExecutionData: false,
  logRetentionDays: 30,
  tracing: false,
  routingSource: "auto",
} as const satisfies {
  workflowType: WorkflowType;
  queryLanguage: QueryLanguage;
  maxTokens: number;
  temperature: number;
  payloadRetentionDays: number;
  logLevel: LogLevel;
  logIncludeExecutionData: boolean;
  logRetentionDays: LogRetentionDays;
  tracing: boolean;
  routingSource: RoutingSource;
};

/** What ApiFrontDoor uses for an argument that is not given. */
export const API_DEFAULTS = {
  auth: "iam",
  rateLimit: 10,
  burstLimit: 20,
  logRetentionDays: 30,
} as const satisfies { auth: ApiAuth; rateLimit: number; burstLimit: number; logRetentionDays: LogRetentionDays };

/** The stack's `bedrock-sfn:api` when not set: no front door unless asked for. */
export const DEFAULT_API_TYPE: ApiType = "none";

/** Limits of ApiFrontDoor's throttling arguments (inclusive). */
export const API_LIMITS = {
  rateLimit: { min: 1, max: 10_000 },
  burstLimit: { min: 1, max: 5_000 },
} as const;
