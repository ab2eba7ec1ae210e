// The one description of every component argument: its kind, default, limits or choices, doc line and stack config
// key. The components' checks, their defaults, the stack's config reading (stack/settings.ts) and Pulumi.yaml's config
// schema (written by `npm run schema`, which also prints it as a table) all derive from it.
// Adding an argument: CONTRIBUTING.md ("Adding an argument").
import * as pulumi from "@pulumi/pulumi";
import { MODEL_FAMILIES } from "../src/bedrock/families";
import { parseModelId } from "../src/bedrock/model-id";
import { DEFAULT_TEMPERATURE } from "../src/bedrock/request-parameters";
import { REGION_NAME } from "../src/bedrock/regions";
import { clip } from "../src/bedrock/text";
import { API_AUTH_MODES, BATCH_MODES, LOG_LEVELS, LOG_RETENTION_DAYS, QUERY_LANGUAGES, ROUTING_SOURCES, WORKFLOW_TYPES } from "../src/core/defaults";
import { BedrockSfnError } from "../src/core/errors";

/** How a value is written: the config types of Pulumi.yaml (string, integer, boolean, array, object) plus number. */
export type ArgumentKind = "string" | "integer" | "number" | "boolean" | "list" | "map";

export interface ArgumentSpec {
  readonly kind: ArgumentKind;
  /** One line for the docs table and Pulumi.yaml. */
  readonly doc: string;
  /** Applied when the argument is not given. */
  readonly default?: string | number | boolean;
  /** The default in words, where it is not one literal (shown in the docs table). */
  readonly defaultDoc?: string;
  /** Inclusive range of a number; the most characters of a string. */
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly (string | number)[];
  /** A string's (or each list item's) shape, and how an error names it: "must be <hint>". */
  readonly pattern?: RegExp;
  readonly hint?: string;
  /** Free text is kept as written; every other string loses surrounding whitespace. */
  readonly freeText?: boolean;
  /** The stack config key when it is not `<project>:<name>`; null when the stack does not set it. */
  readonly configKey?: string | null;
  /** Set where the stack requires the value: what the error line says it is. */
  readonly required?: string;
}

const REGION = { pattern: REGION_NAME, hint: "an AWS Region name such as us-east-1" } as const;
const REGIONS = { pattern: REGION_NAME, hint: "a list of AWS Region names such as us-east-1" } as const;

/** BedrockStateMachine's plain arguments (definition, guardrail, extraPolicies and tags are objects, checked by hand). */
export const STATE_MACHINE_ARGUMENTS = {
  region: {
    kind: "string",
    ...REGION,
    configKey: "aws:region",
    doc: "The Region every regional child is created in; the role is written for it.",
    defaultDoc: "the provider's Region",
  },
  modelId: {
    kind: "string",
    doc: "What the workflow calls: a foundation-model ID, a system inference-profile ID (us., eu., apac., jp., au., ca., us-gov., global.), or the ARN of a foundation model, inference profile, application inference profile, provisioned model, imported model, custom-model deployment or prompt router. Required unless definition (definitionFile) is given.",
    defaultDoc: "(required)",
  },
  workflowType: {
    kind: "string",
    choices: WORKFLOW_TYPES,
    default: "STANDARD",
    doc: "STANDARD (durable, billed per state transition) or EXPRESS (up to 5 minutes, billed per duration).",
  },
  queryLanguage: { kind: "string", choices: QUERY_LANGUAGES, default: "JSONata", doc: "JSONata (AWS's recommendation for new workflows) or JSONPath. Built-in workflow only." },
  maxTokens: {
    kind: "integer",
    min: 1,
    max: 131_072,
    default: 1024,
    doc: "Maximum tokens generated per call when an execution passes a prompt; the stack also holds it to the model's documented maximum where src/bedrock/model-limits.json lists one (each entry cites its AWS page).",
  },
  // No default here: whether the user chose a temperature matters (a model that rejects it refuses an explicit one).
  temperature: {
    kind: "number",
    min: 0,
    max: 1,
    defaultDoc: "(derived)",
    doc: `Sampling temperature when an execution passes a prompt: ${DEFAULT_TEMPERATURE} when not set, left out for a model that rejects sampling parameters (Claude Opus 4.7 and later), which refuses an explicit one.`,
  },
  systemPrompt: {
    kind: "string",
    freeText: true,
    max: 100_000,
    doc: "System prompt added to every prompt-built request; an execution's `system` overrides it.",
    defaultDoc: "(none)",
  },
  modelFamily: {
    kind: "string",
    choices: MODEL_FAMILIES,
    doc: "Request/response format, needed only when the model ID does not reveal it (application profiles, provisioned and imported models, prompt routers).",
    defaultDoc: "(derived)",
  },
  fallbackModels: {
    kind: "list",
    hint: "a list of model IDs",
    doc: "Built-in JSONata workflow: models tried in order when the one before is still throttled after its retries (ThrottlingException, ServiceQuotaExceededException) or not ready / unavailable (ModelNotReadyException, ServiceUnavailableException). Each is granted with its own routes and gets its own family's body; the output's model names the one that answered. At most 4.",
    defaultDoc: "(none)",
  },
  payloadRetentionDays: { kind: "integer", min: 1, max: 3650, default: 7, doc: "Days before request and response payloads in the payload bucket expire." },
  logLevel: { kind: "string", choices: LOG_LEVELS, default: "ERROR", doc: "Execution log level; EXPRESS executions are only visible through logs." },
  logIncludeExecutionData: { kind: "boolean", default: false, doc: "Log execution input and output (prompts and answers)." },
  logRetentionDays: { kind: "integer", choices: LOG_RETENTION_DAYS, default: 30, doc: "Days CloudWatch Logs keeps the execution log (one of the values CloudWatch accepts)." },
  tracing: { kind: "boolean", default: false, doc: "AWS X-Ray tracing of executions (and the role's X-Ray statements)." },
  routingSource: {
    kind: "string",
    choices: ROUTING_SOURCES,
    default: "auto",
    doc: "Where profile routing comes from: auto (the catalog when it knows the profile, checked against aws.bedrock.getInferenceProfile where AWS answers; else AWS), catalog (never ask AWS) or live (always ask AWS).",
  },
  destinationRegions: {
    kind: "list",
    ...REGIONS,
    doc: "Regions to grant the foundation model in, for a profile the catalog does not know or an application profile offline. It only adds: on a catalogued profile it must list every catalog destination for the source Region; the source Region is always granted.",
    defaultDoc: "(none)",
  },
  underlyingModelId: { kind: "string", doc: "For an application inference profile offline: the foundation model or system profile it copies.", defaultDoc: "(none)" },
  catalogFile: {
    kind: "string",
    doc: "A model catalog file (JSON, as `npx bedrock-sfn catalog` writes it) whose profiles and model lifecycle extend and override the bundled catalog (used alone when not set); relative paths are read from the project folder.",
    defaultDoc: "(none)",
  },
  allowedModels: {
    kind: "list",
    hint: "a list of model IDs",
    doc: "With a definition of your own: the model IDs a ModelId computed at run time may take; each is granted with its routes. Required when a ModelId is dynamic.",
    defaultDoc: "(none)",
  },
  batch: {
    kind: "string",
    choices: BATCH_MODES,
    default: "none",
    doc: "Batch mode: none (one call per execution), map (a JSONL file of items through a Distributed Map of EXPRESS child workflows) or job (Bedrock batch inference: CreateModelInvocationJob, then polling; needs workflowType STANDARD). map always deploys a STANDARD parent, whatever workflowType says. Built-in workflow only.",
  },
  batchMaxConcurrency: {
    kind: "integer",
    min: 1,
    max: 10_000,
    default: 10,
    doc: "With batch = map: child executions at once (the Distributed Map's MaxConcurrency). Size it to the model's quota: requests per minute x seconds per call / 60 (docs/batch.md); 10 fits 60 requests a minute at 10 s a call.",
  },
  batchToleratedFailurePercentage: {
    kind: "number",
    min: 0,
    max: 100,
    default: 0,
    doc: "With batch = map: the percentage of items that may fail before the whole batch fails (ToleratedFailurePercentage).",
  },
  batchResultsRetentionDays: { kind: "integer", min: 1, max: 3650, default: 7, doc: "With batch = map: days before batch results (the payload bucket's results/ prefix) expire." },
} as const satisfies Record<string, ArgumentSpec>;

/** ApiFrontDoor's plain arguments; the stack sets each as `api<Name>` (auth -> apiAuth). */
export const API_ARGUMENTS = {
  auth: {
    kind: "string",
    choices: API_AUTH_MODES,
    default: "iam",
    doc: "How callers of the API authenticate: iam (SigV4, execute-api:Invoke) or apiKey (x-api-key and a usage plan).",
  },
  rateLimit: { kind: "integer", min: 1, max: 10_000, default: 10, doc: "Steady-state requests per second the API stage (and usage plan) accepts; more get 429." },
  burstLimit: { kind: "integer", min: 1, max: 5_000, default: 20, doc: "Requests the API stage accepts in a burst above the rate." },
  // The stack gives the front door its state machine's retention (bedrock-sfn:logRetentionDays).
  logRetentionDays: { ...STATE_MACHINE_ARGUMENTS.logRetentionDays, doc: "Access-log retention, in days.", configKey: null },
  region: { ...STATE_MACHINE_ARGUMENTS.region, doc: "The Region of the API, its stage and access logs.", configKey: null },
} as const satisfies Record<string, ArgumentSpec>;

/** PayloadBucket's plain arguments. */
export const PAYLOAD_BUCKET_ARGUMENTS = {
  retentionDays: { ...STATE_MACHINE_ARGUMENTS.payloadRetentionDays, configKey: null },
  region: { ...STATE_MACHINE_ARGUMENTS.region, doc: "The Region of the bucket and its configuration.", configKey: null },
} as const satisfies Record<string, ArgumentSpec>;

/** The value type a spec describes. */
export type ValueOf<S> = S extends { choices: readonly (infer C)[] }
  ? C
  : S extends { kind: "integer" | "number" }
    ? number
    : S extends { kind: "boolean" }
      ? boolean
      : S extends { kind: "list" }
        ? string[]
        : S extends { kind: "map" }
          ? Record<string, string | number | boolean>
          : string;

/** Values of a schema: present where the spec has a default, optional otherwise. */
export type ValuesOf<T> = { [K in keyof T as T[K] extends { default: unknown } | { required: string } ? K : never]: ValueOf<T[K]> } & {
  [K in keyof T as T[K] extends { default: unknown } | { required: string } ? never : K]?: ValueOf<T[K]>;
};

type DefaultsOf<T> = { [K in keyof T as T[K] extends { default: unknown } ? K : never]: T[K] extends { default: infer D } ? D : never };

/** Every default of a schema. */
function defaultsOf<T extends Record<string, ArgumentSpec>>(schema: T): DefaultsOf<T> {
  return Object.fromEntries(Object.entries(schema).flatMap(([name, spec]) => (spec.default === undefined ? [] : [[name, spec.default]]))) as DefaultsOf<T>;
}

/** What BedrockStateMachine uses for an argument that is not given. */
export const DEFAULTS = defaultsOf(STATE_MACHINE_ARGUMENTS);
/** What ApiFrontDoor uses for an argument that is not given. */
export const API_DEFAULTS = defaultsOf(API_ARGUMENTS);

const range = (spec: { min: number; max: number }) => ({ min: spec.min, max: spec.max });
/** Limits of the numeric arguments (inclusive). */
export const LIMITS = {
  maxTokens: range(STATE_MACHINE_ARGUMENTS.maxTokens),
  temperature: range(STATE_MACHINE_ARGUMENTS.temperature),
  payloadRetentionDays: range(STATE_MACHINE_ARGUMENTS.payloadRetentionDays),
  systemPromptChars: { max: STATE_MACHINE_ARGUMENTS.systemPrompt.max },
} as const;
/** Limits of ApiFrontDoor's throttling arguments (inclusive). */
export const API_LIMITS = { rateLimit: range(API_ARGUMENTS.rateLimit), burstLimit: range(API_ARGUMENTS.burstLimit) } as const;

/** A value as error lines show it: quoted, control characters escaped, long values cut; NaN and Infinity by name. */
export function shownValue(value: unknown): string {
  if (value === undefined) return "(not set)";
  if (typeof value === "number" || typeof value === "bigint") return `'${String(value)}'`;
  return `'${clip(typeof value === "string" ? value : (JSON.stringify(value) ?? String(value)))}'`;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** What is wrong with a typed value (as a library caller passes it), or undefined when it is right. */
export function problemOf(spec: ArgumentSpec, value: unknown): string | undefined {
  const rangeProblem = (n: number) =>
    spec.min !== undefined && n < spec.min ? `must be at least ${spec.min}` : spec.max !== undefined && n > spec.max ? `must be at most ${spec.max}` : undefined;
  const choice = () => (spec.choices && !spec.choices.includes(value as string | number) ? `must be one of ${spec.choices.join(", ")}` : undefined);
  switch (spec.kind) {
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) return spec.choices ? choice() : "must be a whole number";
      return choice() ?? rangeProblem(value);
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return "must be a number";
      return rangeProblem(value);
    case "boolean":
      return typeof value === "boolean" ? undefined : "must be true or false";
    case "list":
      if (!Array.isArray(value) || value.some((item) => typeof item !== "string" || item === "" || (spec.pattern && !spec.pattern.test(item)))) {
        return `must be ${spec.hint ?? "a list of strings"}`;
      }
      return undefined;
    case "map":
      if (!isPlainObject(value) || Object.values(value).some((v) => !["string", "number", "boolean"].includes(typeof v))) {
        return 'must be a JSON object of names to strings, e.g. {"Topic": "news"}';
      }
      return undefined;
    default:
      if (typeof value !== "string") return spec.choices ? choice() : `must be ${spec.hint ?? "a string"}`;
      if (spec.choices) return choice();
      if (spec.pattern && !spec.pattern.test(value)) return `must be ${spec.hint}`;
      if (spec.max !== undefined && value.length > spec.max) return `must be at most ${spec.max} characters`;
      return undefined;
  }
}

/** A checker for one component: every error names the component and the argument. */
export function argumentChecks(component: string, name: string) {
  const fail = (argument: string, value: unknown, problem: string): never => {
    throw new BedrockSfnError("argument", `${component} '${name}': ${argument} = ${shownValue(value)}: ${problem}`, argument);
  };
  // Values not known until deployment (Outputs, promises) are left to AWS; plain values are checked here.
  const plain = (value: unknown) => value !== undefined && !pulumi.Output.isInstance(value) && !(value instanceof Promise);
  return {
    fail,
    /** Checks every argument the schema describes. */
    schema(schema: Record<string, ArgumentSpec>, args: object) {
      for (const [argument, spec] of Object.entries(schema)) {
        const value = (args as Record<string, unknown>)[argument];
        if (!plain(value)) continue;
        const problem = problemOf(spec, value);
        // A long free text is shown by its start.
        if (problem) fail(argument, spec.freeText && typeof value === "string" ? `${value.slice(0, 20)}...` : value, problem);
      }
    },
    oneOf(argument: string, value: unknown, choices: readonly (string | number)[]) {
      if (plain(value) && !choices.includes(value as string | number)) fail(argument, value, `must be one of ${choices.join(", ")}`);
    },
  };
}

/** What BedrockStateMachine checks of its arguments (types as a JavaScript caller may pass them: anything). */
export type CheckedStateMachineArgs = { [K in keyof typeof STATE_MACHINE_ARGUMENTS]?: unknown } & { definition?: unknown; guardrail?: unknown };

export function checkStateMachineArgs(name: string, args: CheckedStateMachineArgs): void {
  const check = argumentChecks("BedrockStateMachine", name);
  if (typeof name !== "string" || name.trim() === "") throw new BedrockSfnError("argument", `BedrockStateMachine: name = ${shownValue(name)}: must be a non-empty string`, "name");
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
  check.schema(STATE_MACHINE_ARGUMENTS, args);
  if (args.batch === "map" && own) check.fail("batch", args.batch, "runs the built-in workflow over a JSONL file; it does not apply to a definition of your own");
}
