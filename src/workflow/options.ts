import { isModelFamily, MODEL_FAMILIES, type ModelFamily } from "../bedrock/families";
import type { QueryLanguage, WorkflowType } from "./asl";
import { DEFAULT_INPUT_PREFIX, DEFAULT_OUTPUT_PREFIX } from "./contract";
import { BedrockSfnError } from "../core/errors";
import { QUERY_LANGUAGES, WORKFLOW_TYPES } from "../core/defaults";

export interface DefinitionOptions {
  /** Exactly what goes into ModelId: an inference profile ID, a foundation model ID, or an ARN. */
  modelId: string;
  /** Request/response format of the model behind `modelId`. */
  family: ModelFamily;
  queryLanguage: QueryLanguage;
  workflowType: WorkflowType;
  /** Name of the payload bucket (for Input.S3Uri / Output.S3Uri). */
  payloadBucket: string;
  /** Key prefix that inputS3Uri objects must live under. Default "input/". */
  inputPrefix?: string;
  /** Key prefix for responses written to S3. Default "output/". */
  outputPrefix?: string;
  maxTokens: number;
  /** Absent for a model that rejects sampling parameters: the body leaves it out (bedrock/request-parameters.ts). */
  temperature?: number;
  /** Default system prompt for prompt executions; an execution's `system` overrides it. */
  systemPrompt?: string;
  /** AWS partition of the task resource ARN. Default "aws". */
  partition?: string;
  /** A Bedrock guardrail applied to every call (GuardrailIdentifier/GuardrailVersion/Trace in the Task's arguments). */
  guardrail?: GuardrailOptions;
  /**
   * Models tried in order when the one before is still throttled after its retries, or refuses as not ready or
   * unavailable (FALLBACK_ERRORS). Each gets its own Task with its own family's body. JSONata only.
   */
  fallbackModels?: FallbackModelOptions[];
}

/** One model of the fallback chain: its ID (exactly what goes into ModelId), its family, its temperature. */
export interface FallbackModelOptions {
  modelId: string;
  family: ModelFamily;
  /** Absent for a model that rejects sampling parameters. */
  temperature?: number;
}

/** At most this many fallback models: on EXPRESS, the whole chain's retries must fit in the 5 minutes (retry-policy.ts). */
export const MAX_FALLBACK_MODELS = 4;

export const GUARDRAIL_TRACE_VALUES = ["ENABLED", "DISABLED", "ENABLED_FULL"] as const;
export type GuardrailTrace = (typeof GUARDRAIL_TRACE_VALUES)[number];

export interface GuardrailOptions {
  /** Guardrail ID or ARN. */
  identifier: string;
  /** "DRAFT" or a version number. */
  version: string;
  trace?: GuardrailTrace;
}

export interface ResolvedOptions extends Required<Omit<DefinitionOptions, "systemPrompt" | "guardrail" | "temperature" | "fallbackModels">> {
  /** [] when there is none. */
  fallbackModels: FallbackModelOptions[];
  temperature?: number;
  /** "" when there is no configured system prompt. */
  systemPrompt: string;
  guardrail?: GuardrailOptions;
}

/** The Task argument fields a guardrail adds (InvokeModel's own request fields). */
export function guardrailArguments(guardrail: GuardrailOptions | undefined): Record<string, string> {
  if (!guardrail) return {};
  return {
    GuardrailIdentifier: guardrail.identifier,
    GuardrailVersion: guardrail.version,
    ...(guardrail.trace ? { Trace: guardrail.trace } : {}),
  };
}

// S3 general purpose bucket naming rules (no IP-address check: harmless here).
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// Plain key prefixes only: wildcards or backslashes would change meaning in IAM patterns and StringMatches.
const KEY_PREFIX = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*\/$/;

export const GUARDRAIL_ID = /^(?:[a-z0-9]+|arn:aws(?:-[a-z]+)*:bedrock:[a-z0-9-]+:\d{12}:guardrail\/[a-z0-9]+)$/;
export const GUARDRAIL_VERSION = /^(?:DRAFT|[1-9]\d{0,7})$/;

export class DefinitionOptionsError extends BedrockSfnError {
  constructor(message: string, argument?: string) {
    super("argument", message, argument);
  }
}

const show = (value: unknown) => (typeof value === "string" ? JSON.stringify(value) : String(value));

function check(ok: boolean, field: string, value: unknown, valid: string): void {
  if (!ok) throw new DefinitionOptionsError(`Invalid ${field} ${show(value)}: ${valid}`, field);
}

/** Validate the options and fill in defaults; throws DefinitionOptionsError naming the bad field. */
export function resolveOptions(options: DefinitionOptions): ResolvedOptions {
  const { modelId, family, queryLanguage, workflowType, payloadBucket, maxTokens, temperature } = options;
  const inputPrefix = options.inputPrefix ?? DEFAULT_INPUT_PREFIX;
  const outputPrefix = options.outputPrefix ?? DEFAULT_OUTPUT_PREFIX;
  const systemPrompt = options.systemPrompt ?? "";
  const partition = options.partition ?? "aws";

  check(typeof modelId === "string" && /^\S+$/.test(modelId), "modelId", modelId, "expected a non-empty model ID or ARN without spaces");
  check(isModelFamily(family), "family", family, `expected one of ${MODEL_FAMILIES.join(", ")}`);
  check((QUERY_LANGUAGES as readonly string[]).includes(queryLanguage), "queryLanguage", queryLanguage, `expected one of ${QUERY_LANGUAGES.join(", ")}`);
  check((WORKFLOW_TYPES as readonly string[]).includes(workflowType), "workflowType", workflowType, `expected one of ${WORKFLOW_TYPES.join(", ")}`);
  check(
    typeof payloadBucket === "string" && BUCKET_NAME.test(payloadBucket) && !payloadBucket.includes(".."),
    "payloadBucket",
    payloadBucket,
    "expected an S3 bucket name: 3-63 characters of a-z, 0-9, '.', '-', starting and ending with a letter or digit",
  );
  for (const [field, prefix] of [
    ["inputPrefix", inputPrefix],
    ["outputPrefix", outputPrefix],
  ] as const) {
    check(
      typeof prefix === "string" && KEY_PREFIX.test(prefix),
      field,
      prefix,
      "expected a key prefix such as \"input/\": segments of A-Z, a-z, 0-9, '.', '_', '-', each ending with '/', no leading '/'",
    );
  }
  check(Number.isInteger(maxTokens) && maxTokens >= 1, "maxTokens", maxTokens, "expected a whole number of at least 1");
  check(
    temperature === undefined || (typeof temperature === "number" && temperature >= 0 && temperature <= 1),
    "temperature",
    temperature,
    "expected a number from 0 to 1 (the range every supported family accepts)",
  );
  check(typeof systemPrompt === "string", "systemPrompt", systemPrompt, "expected a string");
  check(typeof partition === "string" && /^aws(?:-[a-z]+)*$/.test(partition), "partition", partition, "expected an AWS partition such as aws, aws-cn, aws-us-gov");

  const guardrail = options.guardrail;
  if (guardrail) {
    check(
      typeof guardrail.identifier === "string" && GUARDRAIL_ID.test(guardrail.identifier),
      "guardrail.identifier",
      guardrail.identifier,
      "expected a guardrail ID (e.g. gr4x9b1z2k3m) or a guardrail ARN",
    );
    check(
      typeof guardrail.version === "string" && GUARDRAIL_VERSION.test(guardrail.version),
      "guardrail.version",
      guardrail.version,
      "expected DRAFT or a version number such as 1",
    );
    check(
      guardrail.trace === undefined || GUARDRAIL_TRACE_VALUES.includes(guardrail.trace),
      "guardrail.trace",
      guardrail.trace,
      `expected one of ${GUARDRAIL_TRACE_VALUES.join(", ")}`,
    );
  }

  const fallbackModels = options.fallbackModels ?? [];
  check(
    Array.isArray(fallbackModels) && fallbackModels.length <= MAX_FALLBACK_MODELS,
    "fallbackModels",
    fallbackModels.length,
    `expected a list of at most ${MAX_FALLBACK_MODELS} models`,
  );
  if (fallbackModels.length > 0) {
    check(
      queryLanguage === "JSONata",
      "fallbackModels",
      fallbackModels.map((m) => m.modelId).join(","),
      "fallback models need queryLanguage JSONata (JSONPath cannot rebuild the request for another family in one state)",
    );
  }
  const seen = new Set([modelId]);
  for (const [i, fallback] of fallbackModels.entries()) {
    const field = `fallbackModels[${i}]`;
    check(typeof fallback?.modelId === "string" && /^\S+$/.test(fallback.modelId), `${field}.modelId`, fallback?.modelId, "expected a non-empty model ID or ARN without spaces");
    check(!seen.has(fallback.modelId), `${field}.modelId`, fallback.modelId, "expected a model not already in the chain (the primary modelId and the fallbacks before it)");
    seen.add(fallback.modelId);
    check(isModelFamily(fallback.family), `${field}.family`, fallback.family, `expected one of ${MODEL_FAMILIES.join(", ")}`);
    check(
      fallback.temperature === undefined || (typeof fallback.temperature === "number" && fallback.temperature >= 0 && fallback.temperature <= 1),
      `${field}.temperature`,
      fallback.temperature,
      "expected a number from 0 to 1",
    );
  }

  return {
    ...(guardrail ? { guardrail } : {}),
    fallbackModels: fallbackModels.map((m) => ({ modelId: m.modelId, family: m.family, ...(m.temperature === undefined ? {} : { temperature: m.temperature }) })),
    modelId,
    family,
    queryLanguage,
    workflowType,
    payloadBucket,
    inputPrefix,
    outputPrefix,
    maxTokens,
    ...(temperature === undefined ? {} : { temperature }),
    systemPrompt,
    partition,
  };
}
