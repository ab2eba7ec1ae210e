// The shape every model family fills in, and the small helpers the family files share.
//
// Each family writes its request body and its response normalisation once, as JSONata: the workflow's JSONata
// definition embeds those expressions, and the offline tools evaluate the very same text (./jsonata.ts). JSONPath
// cannot express either (no conditionals, no joins), so a JSONPath definition gets its own fragments here, which
// the tests hold to the JSONata ones.

/** What a prompt-based request needs. An empty or absent `system` means "no system prompt". */
export interface PromptParams {
  prompt: string;
  system?: string;
  maxTokens: number;
  /** Absent: the body carries no temperature (models that reject it). */
  temperature?: number;
}

/** The family-independent view of a response. Token counts are null where the family's body has none. */
export interface NormalisedResponse {
  text: string;
  stopReason: string | null;
  usage: { inputTokens: number | null; outputTokens: number | null };
  /** The configured model identifier, where a caller adds it (as the workflow's output does); never read from the body. */
  model?: string;
}

export interface SampleResponseParams {
  text: string;
  inputTokens: number;
  outputTokens: number;
  modelId: string;
}

/**
 * Where a JSONPath (Pass state) body template takes its system prompt from. Always a path:
 * a literal would have to be escaped into States.Format, and asl-validator rejects an escaped
 * backslash there (its grammar reads `[^\\n]` as "neither backslash nor n").
 */
export type JsonPathSystemSource = { kind: "none" } | { kind: "inputPath"; path: string };

/** JSONPath paths relative to the Bedrock task result (`$.Body...`); null: the family has no such field. */
export interface ResultPaths {
  text: string;
  stopReason: string;
  inputTokens: string | null;
  outputTokens: string | null;
  /**
   * Token counts in a field the response may leave out (Cohere's `meta`): a ResultSelector fails on a missing
   * path, so a Choice checks them and a Pass copies them (paths relative to the response body, `$.` = Body).
   */
  optionalUsage?: { inputTokens: string; outputTokens: string };
}

export type JsonObject = Record<string, unknown>;

export interface GenerationSettings {
  maxTokens: number;
  /** Absent for a model that rejects sampling parameters (bedrock/request-parameters.ts): the body leaves it out. */
  temperature?: number;
}

/** One model family: everything the builder, the stand-ins and the offline tools need to know about its format. */
export interface FamilyFormat {
  description: string;
  /** Set for a legacy text format: AWS's lifecycle note, shown with the family. */
  legacy?: string;
  /** Which foundation-model IDs belong to the family (matched against `provider.model...`). */
  modelIdPattern: RegExp;
  /**
   * THE request body: JSONata in a scope where `$prompt` and `$system` ("" = none) are bound. The JSONata
   * definition runs it in Step Functions; `buildRequestBody` evaluates it offline.
   */
  bodyJsonata(settings: GenerationSettings): string;
  /** The same body as a JSONPath payload template (Pass state Parameters), reading the prompt from `$.prompt`. */
  bodyJsonPathTemplate(settings: GenerationSettings, system: JsonPathSystemSource): JsonObject;
  /**
   * THE normalisation: JSONata returning `{text, stopReason, usage}` in a scope where `$body` is bound. The JSONata
   * definition runs it on the task result; `normaliseResponse` evaluates it offline (responses read from S3).
   */
  normaliseJsonata: string;
  /** Paths for a JSONPath ResultSelector; JSONPath cannot join or default, so it reads the first block. */
  resultPaths: ResultPaths;
  /** A response body as the family's models return it (the local Bedrock stand-in answers with it). */
  sample(params: SampleResponseParams): JsonObject;
}

// ---------------------------------------------------------------------------
// Helpers for writing JSONata
// ---------------------------------------------------------------------------

/** A JSONata string literal (JSONata accepts JSON's escapes). */
export function jsonataString(value: string): string {
  return JSON.stringify(value);
}

// Each takes a JSONata expression; a field of the wrong type or missing reads as null or "", never as an error.
export const jStringOrNull = (e: string) => `($v := ${e}; $type($v) = "string" ? $v : null)`;
export const jNumberOrNull = (e: string) => `($v := ${e}; $type($v) = "number" ? $v : null)`;
export const jStringOrEmpty = (e: string) => `($v := ${e}; $type($v) = "string" ? $v : "")`;
/** `$join` of the string texts; "" when there are none (`$join` of nothing is undefined). */
export const jJoinTexts = (textsExpr: string) => `($t := ${textsExpr}[$type($) = "string"]; $exists($t) ? $join($t) : "")`;

/** `, "key": value` inside a JSONata object constructor, or nothing when the value is absent. */
export const jOptionalField = (key: string, value: number | undefined) => (value === undefined ? "" : `, ${JSON.stringify(key)}: ${value}`);

/** `{key: value}` to spread into a JSONPath template, or nothing when the value is absent. */
export const optionalField = (key: string, value: number | undefined): JsonObject => (value === undefined ? {} : { [key]: value });

/** `{text, stopReason, usage}` from one JSONata expression per field ("null" where the body has none). */
export function jNormalised(text: string, stopReason: string, inputTokens: string, outputTokens: string): string {
  return `{"text": ${text}, "stopReason": ${stopReason}, ` + `"usage": {"inputTokens": ${inputTokens}, "outputTokens": ${outputTokens}}}`;
}

// ---------------------------------------------------------------------------
// Helpers for the JSONPath fragments
// ---------------------------------------------------------------------------

/** Escape template text for a literal inside an intrinsic function string such as States.Format('...'). */
export function escapeIntrinsicLiteral(value: string): string {
  return value.replace(/[\\'{}]/g, (ch) => `\\${ch}`);
}

/**
 * States.Format call building `start + [systemBlock(system)] + beforePrompt + $.prompt + end`:
 * JSONPath cannot concatenate strings any other way.
 */
export function jsonPathFormattedPrompt(
  system: JsonPathSystemSource,
  parts: { start: string; systemBlock: (system: string) => string; beforePrompt: string; end: string },
): string {
  const lit = escapeIntrinsicLiteral;
  const tail = `${lit(parts.beforePrompt)}{}${lit(parts.end)}`;
  switch (system.kind) {
    case "none":
      return `States.Format('${lit(parts.start)}${tail}', $.prompt)`;
    case "inputPath": {
      // The system text is an argument too: split the system block around its placeholder.
      const marker = "\u0000SYSTEM\u0000";
      const [beforeSystem, afterSystem] = parts.systemBlock(marker).split(marker);
      return `States.Format('${lit(parts.start + beforeSystem)}{}${lit(afterSystem)}${tail}', ${system.path}, $.prompt)`;
    }
  }
}

/** `{"key.$": path}` for a JSONPath template, or nothing without a system prompt. */
export function jsonPathSystemField(system: JsonPathSystemSource, key: string): JsonObject {
  switch (system.kind) {
    case "none":
      return {};
    case "inputPath":
      return { [`${key}.$`]: system.path };
  }
}

/** `{"inputText.$": ...}`-style field for formats that prepend the system prompt to the user's text. */
export function jsonPathPrependedSystem(system: JsonPathSystemSource, key: string, separator: string): JsonObject {
  return {
    [`${key}.$`]: system.kind === "none" ? "$.prompt" : jsonPathFormattedPrompt(system, { start: "", systemBlock: (s) => `${s}${separator}`, beforePrompt: "", end: "" }),
  };
}

/** The lifecycle note of the legacy text formats that older write-ups use. */
export const LEGACY_NOTE =
  "legacy: AWS's model lifecycle page lists this model family as Legacy or end-of-life; a Legacy model stays at least " +
  "6 months before its EOL date, new customers cannot use it, and calls fail after EOL (https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html)";
