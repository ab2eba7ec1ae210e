// The shape every model family fills in (request body, response normalisation, JSONata and JSONPath
// fragments), and the small helpers the families share. Split from families.ts so that families can live
// in files of their own (legacy-families.ts) without an import cycle.

/** What a prompt-based request needs. An empty or absent `system` means "no system prompt". */
export interface PromptParams {
  prompt: string;
  system?: string;
  maxTokens: number;
  temperature: number;
}

/** The family-independent view of a response. Token counts are null where the family's body has none. */
export interface NormalisedResponse {
  text: string;
  stopReason: string | null;
  usage: { inputTokens: number | null; outputTokens: number | null };
  /** Only when the response body itself names the model. */
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

export interface FamilyFormat {
  description: string;
  /** Set for a legacy text format: AWS's lifecycle note, shown with the family. */
  legacy?: string;
  /** Which foundation-model IDs belong to the family (matched against `provider.model...`). */
  modelIdPattern: RegExp;
  buildBody(params: PromptParams): JsonObject;
  /** JSONata for the same body, in a scope where `$prompt` and `$system` ("" = none) are bound. */
  bodyJsonata(settings: GenerationSettings): string;
  /** JSONPath payload template for the same body, reading the prompt from `$.prompt`. */
  bodyJsonPathTemplate(settings: GenerationSettings, system: JsonPathSystemSource): JsonObject;
  normalise(body: JsonObject): NormalisedResponse;
  /** JSONata returning `{text, stopReason, usage}`, in a scope where `$body` is bound. */
  normaliseJsonata: string;
  /** Paths for a JSONPath ResultSelector; JSONPath cannot join or default, so it reads the first block. */
  resultPaths: ResultPaths;
  sample(params: SampleResponseParams): JsonObject;
}

export interface GenerationSettings {
  maxTokens: number;
  temperature: number;
}

// ---------------------------------------------------------------------------
// Small helpers shared by the families
// ---------------------------------------------------------------------------

/** A JSONata string literal (JSONata accepts JSON's escapes). */
export function jsonataString(value: string): string {
  return JSON.stringify(value);
}

/** Escape template text for a literal inside an intrinsic function string such as States.Format('...'). */
export function escapeIntrinsicLiteral(value: string): string {
  return value.replace(/[\\'{}]/g, (ch) => `\\${ch}`);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Follow a path of keys and indexes; undefined as soon as a step is missing. */
export function at(value: unknown, ...path: Array<string | number>): unknown {
  let current: unknown = value;
  for (const step of path) {
    if (typeof step === "number") {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      if (!isObject(current)) return undefined;
      current = current[step];
    }
  }
  return current;
}

export const stringOrNull = (v: unknown): string | null => (typeof v === "string" ? v : null);
export const numberOrNull = (v: unknown): number | null => (typeof v === "number" ? v : null);
export const stringOrEmpty = (v: unknown): string => (typeof v === "string" ? v : "");

/** Join the `text` of the blocks of an array, keeping only blocks that pass `keep`. */
export function joinTexts(blocks: unknown, keep: (block: JsonObject) => boolean = () => true): string {
  if (!Array.isArray(blocks)) return "";
  return blocks
    .filter(isObject)
    .filter(keep)
    .map((block) => block.text)
    .filter((text): text is string => typeof text === "string")
    .join("");
}

// JSONata equivalents of the helpers above; each takes a JSONata expression.
export const jStringOrNull = (e: string) => `($v := ${e}; $type($v) = "string" ? $v : null)`;
export const jNumberOrNull = (e: string) => `($v := ${e}; $type($v) = "number" ? $v : null)`;
export const jStringOrEmpty = (e: string) => `($v := ${e}; $type($v) = "string" ? $v : "")`;
/** `$join` of the string texts; "" when there are none (`$join` of nothing is undefined). */
export const jJoinTexts = (textsExpr: string) =>
  `($t := ${textsExpr}[$type($) = "string"]; $exists($t) ? $join($t) : "")`;

export function jNormalised(text: string, stopReason: string, inputTokens: string, outputTokens: string): string {
  return (
    `{"text": ${text}, "stopReason": ${stopReason}, ` +
    `"usage": {"inputTokens": ${inputTokens}, "outputTokens": ${outputTokens}}}`
  );
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

