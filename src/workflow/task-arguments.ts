// What a Task's arguments say statically, in either query language: for each field path (e.g. "Input.S3Uri"),
// the literal values it can take and whether it can also be computed at run time. JSONPath `Parameters`
// (`"Field.$"` is a path or intrinsic), JSONata `Arguments` as an object of literals and `{% %}` expressions,
// or one expression building the whole object (every object constructor in it is read, so conditional and
// merged shapes are covered). Literal strings inside an expression count as static.
import jsonata from "jsonata";
import { jsonataExpressionOf } from "./asl";
import type { QueryLanguage } from "./walk";

/** Re-exported from asl.ts (its home) for the readers that have always found it here. */
export { jsonataExpressionOf };

export interface FieldReading {
  /** Literal values the field is written with. */
  literals: unknown[];
  /** True when the field is (also) computed at run time. */
  dynamic: boolean;
  /**
   * The fixed text that a computation of the field is made from: string literals inside a JSONata expression (the
   * `'s3://bucket/input/'` of `'s3://bucket/input/' & $key`), a JSONPath path or intrinsic. Absent when there is none.
   */
  fragments?: string[];
}

export interface ArgumentReading {
  /** What is known about one field path; undefined when the field never appears. */
  field(path: string): FieldReading | undefined;
  /**
   * True when the arguments as a whole are computed in a way that hides fields (an expression that builds no
   * object literal, a path such as `"Parameters.$"`): any field may then be anything.
   */
  opaque: boolean;
}

interface AstNode {
  type?: string;
  value?: unknown;
  lhs?: unknown;
  [key: string]: unknown;
}

class Reading implements ArgumentReading {
  readonly fields = new Map<string, FieldReading>();
  opaque = false;

  field(path: string): FieldReading | undefined {
    return this.fields.get(path);
  }

  record(path: string[], literal: { value: unknown } | "dynamic"): void {
    if (path.length === 0) return;
    const key = path.join(".");
    const entry = this.fields.get(key) ?? { literals: [], dynamic: false };
    if (literal === "dynamic") entry.dynamic = true;
    else if (!entry.literals.includes(literal.value)) entry.literals.push(literal.value);
    this.fields.set(key, entry);
  }

  /** Fixed text inside a computation of the field at `path`. */
  fragment(path: string[], text: string): void {
    if (path.length === 0) return;
    const key = path.join(".");
    const entry = this.fields.get(key) ?? { literals: [], dynamic: false };
    entry.fragments ??= [];
    if (!entry.fragments.includes(text)) entry.fragments.push(text);
    this.fields.set(key, entry);
  }
}

/** Reads a Task's arguments: `Arguments` for JSONata states, `Parameters` for JSONPath ones. */
export function readTaskArguments(state: { Arguments?: unknown; Parameters?: unknown }, queryLanguage: QueryLanguage): ArgumentReading {
  const reading = new Reading();
  if (queryLanguage === "JSONPath") readJsonPath(state.Parameters, [], reading);
  else readJsonata(state.Arguments, [], reading);
  return reading;
}

function readJsonPath(value: unknown, path: string[], reading: Reading): void {
  if (value === undefined) return;
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    reading.record(path, { value });
    return;
  }
  if (path.length > 0) reading.record(path, { value: OBJECT });
  for (const [key, field] of Object.entries(value)) {
    if (key.endsWith(".$")) {
      reading.record([...path, key.slice(0, -2)], "dynamic");
      if (typeof field === "string") reading.fragment([...path, key.slice(0, -2)], field);
    } else readJsonPath(field, [...path, key], reading);
  }
}

/** Marks a field that holds an object literal (its own fields are recorded separately). */
const OBJECT = Symbol("object");

function readJsonata(value: unknown, path: string[], reading: Reading): void {
  if (value === undefined) return;
  if (typeof value === "string") {
    const expression = jsonataExpressionOf(value);
    if (expression === undefined) {
      reading.record(path, { value });
      return;
    }
    const ast = parse(expression);
    if (!ast) {
      if (path.length === 0) reading.opaque = true;
      reading.record(path, "dynamic");
      reading.fragment(path, expression);
      return;
    }
    readAst(ast, path, reading, true);
    return;
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    reading.record(path, { value });
    return;
  }
  if (path.length > 0) reading.record(path, { value: OBJECT });
  for (const [key, field] of Object.entries(value)) readJsonata(field, [...path, key], reading);
}

function parse(expression: string): AstNode | undefined {
  try {
    return jsonata(expression).ast() as unknown as AstNode;
  } catch {
    return undefined;
  }
}

const isObjectConstructor = (node: AstNode) => node.type === "unary" && node.value === "{" && Array.isArray(node.lhs);
const literalOf = (node: AstNode | undefined): { value: unknown } | undefined =>
  node && (node.type === "string" || node.type === "number" || node.type === "value") ? { value: node.value } : undefined;

/**
 * `top`: this node is the value at `path` itself (not a sub-expression of it). A value that is neither a literal
 * nor an object constructor is dynamic; object constructors anywhere inside still contribute their fields.
 */
function readAst(node: AstNode, path: string[], reading: Reading, top: boolean): void {
  // Every string written in an expression is fixed text of the field it builds (a literal value is one too).
  if (node.type === "string" && typeof node.value === "string") reading.fragment(path, node.value);
  if (top) {
    const literal = literalOf(node);
    if (literal) {
      reading.record(path, literal);
      return;
    }
    if (!isObjectConstructor(node)) {
      reading.record(path, "dynamic");
      if (path.length === 0 && !containsObjectConstructor(node)) reading.opaque = true;
    } else if (path.length > 0) reading.record(path, { value: OBJECT });
  }
  if (isObjectConstructor(node)) {
    for (const pair of node.lhs as [AstNode, AstNode][]) {
      const key = pair[0]?.type === "string" && typeof pair[0].value === "string" ? pair[0].value : undefined;
      if (key === undefined) {
        // A computed key could be any field.
        if (path.length === 0) reading.opaque = true;
        continue;
      }
      readAst(pair[1], [...path, key], reading, true);
    }
    return;
  }
  for (const child of Object.values(node)) visitChildren(child, path, reading);
}

function visitChildren(value: unknown, path: string[], reading: Reading): void {
  if (Array.isArray(value)) {
    for (const v of value) visitChildren(v, path, reading);
  } else if (value && typeof value === "object") readAst(value as AstNode, path, reading, false);
}

function containsObjectConstructor(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(containsObjectConstructor);
  if (!node || typeof node !== "object") return false;
  if (isObjectConstructor(node as AstNode)) return true;
  return Object.values(node).some(containsObjectConstructor);
}

/** True when a recorded literal is an object literal marker rather than a scalar. */
export function isObjectLiteral(value: unknown): boolean {
  return value === OBJECT;
}
