// JSONata in state fields the way Step Functions reads them: any string "{% expr %}", at any depth of a field's
// JSON value, is an expression; everything else is a literal. Step Functions runs JSONata 2.0.6 without `$eval`
// and adds a few functions of its own; we register those only in expressions that call them.

import * as crypto from "node:crypto";
import jsonata = require("jsonata");
import { jsonataExpressionOf } from "../../../src/workflow/asl";
import { STATES, StatesError } from "./states-error";

export type Bindings = Record<string, unknown>;

/** Step Functions' own JSONata functions. */
const STEP_FUNCTIONS_EXTRAS: Record<string, { implementation: (...args: never[]) => unknown; signature?: string }> = {
  partition: {
    implementation: (array: unknown[], size: number) => {
      if (!Number.isInteger(size) || size < 1) throw new Error(`$partition: size must be a positive integer, got ${size}`);
      const chunks: unknown[][] = [];
      for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
      return chunks;
    },
    signature: "<an:a>",
  },
  range: {
    implementation: (start: number, end: number, step: number) => {
      if (step === 0) throw new Error("$range: step must not be 0");
      const values: number[] = [];
      for (let value = start; step > 0 ? value <= end : value >= end; value += step) values.push(value);
      return values;
    },
    signature: "<nnn:a>",
  },
  hash: {
    implementation: (data: string, algorithm: string) => {
      const algorithms: Record<string, string> = { MD5: "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };
      const name = algorithms[algorithm];
      if (!name) throw new Error(`$hash: unknown algorithm '${algorithm}'; valid: ${Object.keys(algorithms).join(", ")}`);
      return crypto.createHash(name).update(data, "utf8").digest("hex");
    },
    signature: "<ss:s>",
  },
  random: { implementation: () => Math.random() },
  uuid: { implementation: () => crypto.randomUUID(), signature: "<:s>" },
  parse: { implementation: (text: string) => JSON.parse(text), signature: "<s:x>" },
};

const compiled = new Map<string, jsonata.Expression>();

function compile(source: string, field: string): jsonata.Expression {
  let expression = compiled.get(source);
  if (expression) return expression;
  if (/\$eval\s*\(/.test(source)) {
    throw new StatesError(STATES.QueryEvaluationError, `${field}: Step Functions does not provide the JSONata function $eval`);
  }
  try {
    expression = jsonata(source);
  } catch (error) {
    throw queryError(field, source, error);
  }
  for (const [name, extra] of Object.entries(STEP_FUNCTIONS_EXTRAS)) {
    if (new RegExp(`\\$${name}\\s*\\(`).test(source)) {
      expression.registerFunction(name, extra.implementation as (...args: unknown[]) => unknown, extra.signature);
    }
  }
  compiled.set(source, expression);
  return expression;
}

/** Evaluates one expression; `field` names where it sits, for the error message. */
async function evaluateExpression(source: string, bindings: Bindings, field: string): Promise<unknown> {
  const expression = compile(source, field);
  let value: unknown;
  try {
    // Step Functions gives expressions no input document: state data is reached through $states.
    value = await expression.evaluate(undefined, bindings);
  } catch (error) {
    throw queryError(field, source, error);
  }
  return toJson(value);
}

/** Evaluates every "{% %}" string inside a field's value; object members that evaluate to nothing are left out. */
export async function evaluateTemplate(value: unknown, bindings: Bindings, field: string): Promise<unknown> {
  if (typeof value === "string") {
    const source = jsonataExpressionOf(value);
    return source === undefined ? value : evaluateExpression(source, bindings, field);
  }
  if (Array.isArray(value)) {
    const items = await Promise.all(value.map((item, index) => evaluateTemplate(item, bindings, `${field}[${index}]`)));
    return items.filter((item) => item !== undefined);
  }
  if (value !== null && typeof value === "object") {
    const result: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      const evaluated = await evaluateTemplate(member, bindings, `${field}.${key}`);
      if (evaluated !== undefined) result[key] = evaluated;
    }
    return result;
  }
  return value;
}

/** Like evaluateTemplate, but a field that evaluates to nothing at all is an error, as in Step Functions. */
export async function evaluateRequired(value: unknown, bindings: Bindings, field: string): Promise<unknown> {
  const result = await evaluateTemplate(value, bindings, field);
  if (result === undefined) {
    throw new StatesError(STATES.QueryEvaluationError, `${field}: the JSONata expression ${JSON.stringify(value)} returned no value`);
  }
  return result;
}

// JSONata results may be sequences or carry functions; state data is plain JSON.
function toJson(value: unknown): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

function queryError(field: string, source: string, error: unknown): StatesError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  return new StatesError(STATES.QueryEvaluationError, `${field}: the JSONata expression '${source.trim()}' failed${code ? ` (${code})` : ""}: ${message}`);
}
