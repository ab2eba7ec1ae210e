// Where a state machine's Bedrock tasks read (Input.S3Uri) and write (Output.S3Uri) payloads, as far as the
// definition says it statically: a literal object URI, or the literal prefix of a computed one.
// src/workflow/analysis.ts (invokeModelTasks) tells whether a task uses Input/Output at all; this adds the S3 locations.
import jsonata from "jsonata";
import { isInvokeModelResource } from "bedrock-sfn/domain";
import { jsonataExpressionOf } from "bedrock-sfn/domain";
import { walkStates } from "bedrock-sfn/domain";
import { uniqueBy } from "./unique";

export interface S3Location {
  bucket: string;
  /** The object key, or the fixed start of keys computed at run time. */
  key: string;
  /** True when `key` is the whole key; false when it is only the fixed prefix of computed keys. */
  exact: boolean;
}

export interface PayloadLocations {
  input: S3Location[];
  output: S3Location[];
  /** s3:// literals elsewhere in the definition (e.g. the prefix a Choice state checks an input URI against). */
  elsewhere: S3Location[];
}

// A bucket name, then key characters up to anything that starts an expression or ends a literal.
const S3_LITERAL = /s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/([^"'\s{}&$,()\\*]*)/g;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Payload locations of every invokeModel task in a definition (object or JSON text; unreadable text gives none). */
export function payloadLocations(definition: unknown): PayloadLocations {
  let doc: unknown = definition;
  if (typeof definition === "string") {
    try {
      doc = JSON.parse(definition);
    } catch {
      return { input: [], output: [], elsewhere: [] };
    }
  }
  const found: PayloadLocations = { input: [], output: [], elsewhere: [] };
  // The one state walk (src/workflow/walk.ts): Parallel branches and Map processors included, languages inherited.
  for (const { state, queryLanguage } of walkStates(doc)) {
    if (state.Type !== "Task" || !isInvokeModelResource(state.Resource)) continue;
    const args = (queryLanguage === "JSONata" ? state.Arguments : state.Parameters) as Json | undefined;
    if (args !== undefined) collect(args, queryLanguage, found);
  }
  const inTasks = new Set([...found.input, ...found.output].map(place));
  found.elsewhere = literalsIn(JSON.stringify(doc)).filter((l) => !inTasks.has(place(l)));
  return { input: dedupe(found.input), output: dedupe(found.output), elsewhere: dedupe(found.elsewhere) };
}

function collect(args: Json, language: string, found: PayloadLocations): void {
  if (typeof args === "string") {
    const expression = jsonataExpressionOf(args);
    if (expression !== undefined) collectFromExpression(expression, found);
    return;
  }
  if (!isObject(args)) return;
  for (const [field, target] of [
    ["Input", found.input],
    ["Output", found.output],
  ] as const) {
    const value = args[field];
    if (isObject(value)) target.push(...uriValue(value.S3Uri, value["S3Uri.$"], language));
    else if (typeof value === "string") target.push(...literalsIn(value));
  }
}

/** One S3Uri field: a literal URI (exact), a JSONPath intrinsic or a JSONata expression (its literal prefix). */
function uriValue(literal: Json | undefined, path: Json | undefined, language: string): S3Location[] {
  if (typeof path === "string") return literalsIn(path);
  if (typeof literal !== "string") return [];
  if (language === "JSONata" && jsonataExpressionOf(literal) !== undefined) return literalsIn(literal);
  const exact = /^s3:\/\/([^/]+)\/(.+)$/.exec(literal);
  return exact ? [{ bucket: exact[1], key: exact[2], exact: true }] : [];
}

interface AstNode {
  type?: string;
  value?: unknown;
  lhs?: unknown;
  [key: string]: unknown;
}

/** In a JSONata expression, the s3:// literals under object keys "Input" and "Output". */
function collectFromExpression(expression: string, found: PayloadLocations): void {
  let ast: unknown;
  try {
    ast = jsonata(expression).ast();
  } catch {
    return;
  }
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (!node || typeof node !== "object") return;
    const n = node as AstNode;
    if (n.type === "unary" && n.value === "{" && Array.isArray(n.lhs)) {
      for (const [keyNode, valueNode] of n.lhs as [AstNode, AstNode][]) {
        const target = keyNode?.type === "string" ? { Input: found.input, Output: found.output }[String(keyNode.value)] : undefined;
        if (target) target.push(...stringLiterals(valueNode));
      }
    }
    Object.values(n).forEach(visit);
  };
  visit(ast);
}

function stringLiterals(node: unknown): S3Location[] {
  if (Array.isArray(node)) return node.flatMap(stringLiterals);
  if (!node || typeof node !== "object") return [];
  const n = node as AstNode;
  if (n.type === "string" && typeof n.value === "string") return literalsIn(n.value);
  return Object.values(n).flatMap(stringLiterals);
}

/** The s3:// literals in a text, as key prefixes (a text is rarely a complete URI on its own). */
function literalsIn(text: string): S3Location[] {
  return [...text.matchAll(S3_LITERAL)].map((m) => ({ bucket: m[1], key: m[2], exact: false }));
}

const place = (l: S3Location) => `${l.bucket}/${l.key}`;
const key = (l: S3Location) => `${place(l)}/${l.exact}`;

function dedupe(locations: S3Location[]): S3Location[] {
  return uniqueBy(locations, key);
}

/** The ARN an authorisation for this location uses; `*` stands for "every key under the prefix". */
export function objectArn(location: S3Location, partition = "aws"): string {
  return `arn:${partition}:s3:::${location.bucket}/${location.key}${location.exact ? "" : "*"}`;
}
