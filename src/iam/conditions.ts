// The Condition element, evaluated the way IAM documents it, without building regular expressions from policy text
// (StringLike/ArnLike go through the linear-time glob). An operator outside the supported set is kept but marked
// unsupported, so the statement is "cannot judge", never a silent allow or a silent miss.
import type { VariableLookup } from "./glob";
import { MatchResult, matchResource, matchWildcard, splitArnFields } from "./wildcard";

type BaseOperator =
  | "StringEquals"
  | "StringNotEquals"
  | "StringEqualsIgnoreCase"
  | "StringNotEqualsIgnoreCase"
  | "StringLike"
  | "StringNotLike"
  | "ArnEquals"
  | "ArnLike"
  | "ArnNotEquals"
  | "ArnNotLike"
  | "NumericEquals"
  | "NumericNotEquals"
  | "NumericLessThan"
  | "NumericLessThanEquals"
  | "NumericGreaterThan"
  | "NumericGreaterThanEquals"
  | "DateEquals"
  | "DateNotEquals"
  | "DateLessThan"
  | "DateLessThanEquals"
  | "DateGreaterThan"
  | "DateGreaterThanEquals"
  | "Bool"
  | "Null";

const SUPPORTED: ReadonlySet<string> = new Set<BaseOperator>([
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
  "ArnEquals",
  "ArnLike",
  "ArnNotEquals",
  "ArnNotLike",
  "NumericEquals",
  "NumericNotEquals",
  "NumericLessThan",
  "NumericLessThanEquals",
  "NumericGreaterThan",
  "NumericGreaterThanEquals",
  "DateEquals",
  "DateNotEquals",
  "DateLessThan",
  "DateLessThanEquals",
  "DateGreaterThan",
  "DateGreaterThanEquals",
  "Bool",
  "Null",
]);

const NEGATED = new Set<BaseOperator>(["StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike", "NumericNotEquals", "DateNotEquals"]);

export interface ConditionClause {
  /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  operator: string;
  key: string;
  values: string[];
  /** Set when the operator is not one this checker evaluates. */
  unsupported?: true;
  base?: BaseOperator;
  ifExists?: boolean;
  set?: "ForAnyValue" | "ForAllValues";
}

/** What a request supplies for condition keys; keys are compared case-insensitively, like IAM does. */
export type RequestContext = Record<string, string | string[] | undefined>;

export type ConditionOutcome = { result: true } | { result: false; clause: ConditionClause } | { result: "cannot-judge"; reason: string };

export interface ConditionOptions {
  /** Keys AWS always sets on the request whose value is not known here (e.g. aws:PrincipalArn of an unknown role). */
  unknownKeys?: readonly string[];
  /** Honour policy variables in condition values (Version 2012-10-17). Default true. */
  variables?: boolean;
}

export function parseConditionBlock(block: unknown): { clauses: ConditionClause[] } | { error: string } {
  if (block === undefined) return { clauses: [] };
  if (!isObject(block)) return { error: `'Condition' must be an object of operators, got ${typeof block}` };
  const clauses: ConditionClause[] = [];
  for (const [operator, entries] of Object.entries(block)) {
    if (!isObject(entries)) return { error: `condition operator '${operator}' must map keys to values` };
    for (const [key, raw] of Object.entries(entries)) {
      const values = conditionValues(raw);
      if (!values) return { error: `condition '${operator}' key '${key}' must have a string, number, boolean or a list of them` };
      clauses.push({ key, values, ...parseOperator(operator) });
    }
  }
  return { clauses };
}

function parseOperator(operator: string): Pick<ConditionClause, "operator" | "unsupported" | "base" | "ifExists" | "set"> {
  let rest = operator;
  let set: ConditionClause["set"];
  for (const qualifier of ["ForAnyValue", "ForAllValues"] as const) {
    if (rest.toLowerCase().startsWith(`${qualifier.toLowerCase()}:`)) {
      set = qualifier;
      rest = rest.slice(qualifier.length + 1);
    }
  }
  const ifExists = rest.endsWith("IfExists");
  if (ifExists) rest = rest.slice(0, -"IfExists".length);
  if (!SUPPORTED.has(rest) || (ifExists && rest === "Null")) return { operator, unsupported: true };
  return { operator, base: rest as BaseOperator, ifExists, set };
}

// IAM compares condition values as strings; JSON booleans and numbers are accepted and mean their text.
function conditionValues(raw: unknown): string[] | undefined {
  const list = Array.isArray(raw) ? raw : [raw];
  for (const v of list) if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") return undefined;
  return list.map((v) => String(v));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A request context with lower-cased keys, built once per request. */
export class ContextIndex {
  private readonly values = new Map<string, string[]>();
  private readonly multi = new Set<string>();
  private readonly unknown = new Set<string>();

  constructor(context: RequestContext = {}, unknownKeys: readonly string[] = []) {
    for (const [k, v] of Object.entries(context)) {
      if (v === undefined) continue;
      const key = k.toLowerCase();
      this.values.set(key, Array.isArray(v) ? v : [v]);
      if (Array.isArray(v)) this.multi.add(key);
    }
    for (const k of unknownKeys) if (!this.values.has(k.toLowerCase())) this.unknown.add(k.toLowerCase());
  }

  get(key: string): string[] | undefined {
    return this.values.get(key.toLowerCase());
  }

  isMultiValued(key: string): boolean {
    return this.multi.has(key.toLowerCase());
  }

  /** Present on every real request, value not known here. */
  isUnknown(key: string): boolean {
    return this.unknown.has(key.toLowerCase());
  }

  /** Policy-variable answers: single-valued keys only (IAM does not expand multi-valued keys in variables). */
  readonly lookup: VariableLookup = (key) => {
    const k = key.toLowerCase();
    const v = this.values.get(k);
    if (v && !this.multi.has(k)) return v[0];
    return v || this.unknown.has(k) ? "unknown-value" : undefined;
  };
}

/** All clauses must hold (operators and keys are ANDed; a clause's values are ORed). */
export function evaluateConditions(clauses: ConditionClause[], context: RequestContext | ContextIndex, options: ConditionOptions = {}): ConditionOutcome {
  const index = context instanceof ContextIndex ? context : new ContextIndex(context, options.unknownKeys);
  let cannotJudge: string | undefined;
  for (const clause of clauses) {
    if (clause.unsupported) {
      cannotJudge ??= `condition operator '${clause.operator}' is not evaluated by this checker`;
      continue;
    }
    const outcome = clauseOutcome(clause, index, options.variables ?? true);
    if (outcome === false) return { result: false, clause };
    if (outcome !== true) cannotJudge ??= outcome;
  }
  return cannotJudge ? { result: "cannot-judge", reason: cannotJudge } : { result: true };
}

/** true / false, or the reason it cannot be decided. */
function clauseOutcome(clause: ConditionClause, index: ContextIndex, variables: boolean): boolean | string {
  if (index.isUnknown(clause.key)) {
    if (clause.base === "Null") return clause.values.some((v) => v.toLowerCase() === "false");
    return `condition ${clause.operator} ${clause.key}: AWS sets ${clause.key} on every request, but its value is not known here`;
  }
  try {
    return evaluateClause(clause, index.get(clause.key), index.isMultiValued(clause.key), variables ? index.lookup : undefined);
  } catch (e) {
    if (e instanceof Unresolved) return `condition ${clause.operator} ${clause.key} compares with policy variable \${${e.key}}, which this request does not answer`;
    throw e;
  }
}

class Unresolved extends Error {
  constructor(readonly key: string) {
    super(key);
  }
}

/** One clause against the request's values for its key (undefined: the request does not carry the key). */
export function evaluateClause(clause: ConditionClause, present: string[] | undefined, multiValued = false, lookup?: VariableLookup): boolean {
  const base = clause.base!;
  if (base === "Null") {
    const wantsAbsent = clause.values.some((v) => v.toLowerCase() === "true");
    const wantsPresent = clause.values.some((v) => v.toLowerCase() === "false");
    return present === undefined ? wantsAbsent : wantsPresent;
  }
  const negated = NEGATED.has(base);
  const holds = (value: string) => singleValueHolds(base, negated, clause.values, value, lookup);
  if (clause.set === "ForAllValues") {
    // Vacuously true for a missing or empty key, as IAM documents.
    return present === undefined || present.every(holds);
  }
  if (clause.set === "ForAnyValue") return present?.some(holds) === true;
  if (present === undefined) return clause.ifExists || negated;
  // A multi-valued key needs ForAnyValue/ForAllValues; a plain operator never matches it.
  if (multiValued) return false;
  return holds(present[0]);
}

function decided(result: MatchResult): boolean {
  if (result === true || result === false) return result;
  throw new Unresolved(result.unresolved);
}

function singleValueHolds(base: BaseOperator, negated: boolean, policyValues: string[], value: string, lookup?: VariableLookup): boolean {
  if (base.startsWith("Arn")) {
    // An Arn operator compares ARNs only: a value on either side that is not an ARN never satisfies it, negated or not.
    if (!splitArnFields(value)) return false;
    const outcomes = policyValues.map((p) => (splitArnFields(p) ? decided(matchResource(p, value, { lookup, variables: lookup !== undefined })) : undefined));
    return negated ? outcomes.every((o) => o === false) : outcomes.some((o) => o === true);
  }
  if (base.startsWith("Numeric") || base.startsWith("Date")) {
    const parse = base.startsWith("Numeric") ? parseNumber : parseDate;
    const actual = parse(value);
    // A value that is not a number (date) never satisfies the operator, negated or not.
    if (actual === undefined) return false;
    const compared = policyValues.map(parse).filter((p): p is number => p !== undefined);
    const test = comparison(base);
    return negated ? compared.every((p) => !test(actual, p)) : compared.some((p) => test(actual, p));
  }
  const anyMatch = policyValues.some((p) => valueMatches(base, p, value, lookup));
  return negated ? !anyMatch : anyMatch;
}

function comparison(base: BaseOperator): (actual: number, policy: number) => boolean {
  if (base.endsWith("LessThanEquals")) return (a, p) => a <= p;
  if (base.endsWith("LessThan")) return (a, p) => a < p;
  if (base.endsWith("GreaterThanEquals")) return (a, p) => a >= p;
  if (base.endsWith("GreaterThan")) return (a, p) => a > p;
  return (a, p) => a === p;
}

function parseNumber(text: string): number | undefined {
  if (text.trim() === "") return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** ISO 8601 or epoch seconds, as IAM accepts for Date operators; milliseconds since the epoch. */
function parseDate(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  let digits = true;
  for (const c of trimmed) if (c < "0" || c > "9") digits = false;
  if (digits) return Number(trimmed) * 1000;
  const ms = Date.parse(trimmed);
  return Number.isFinite(ms) ? ms : undefined;
}

function valueMatches(base: BaseOperator, policyValue: string, value: string, lookup?: VariableLookup): boolean {
  switch (base) {
    case "StringEquals":
    case "StringNotEquals":
      return lookup ? decided(exactWithVariables(policyValue, value, false, lookup)) : policyValue === value;
    case "StringEqualsIgnoreCase":
    case "StringNotEqualsIgnoreCase":
      return lookup ? decided(exactWithVariables(policyValue, value, true, lookup)) : policyValue.toLowerCase() === value.toLowerCase();
    case "StringLike":
    case "StringNotLike":
      return decided(matchWildcard(policyValue, value, { lookup, variables: lookup !== undefined }));
    case "Bool":
      return policyValue.toLowerCase() === value.toLowerCase();
    default:
      return false;
  }
}

// StringEquals has no wildcards; a variable still expands. Escapes such as ${*} mean their character.
function exactWithVariables(policyValue: string, value: string, caseInsensitive: boolean, lookup: VariableLookup): MatchResult {
  if (!policyValue.includes("${")) return caseInsensitive ? policyValue.toLowerCase() === value.toLowerCase() : policyValue === value;
  // Escape the stars and question marks of the literal text so the glob compares exactly.
  let escaped = "";
  for (let i = 0; i < policyValue.length; i++) {
    const ch = policyValue[i];
    if (ch === "$" && policyValue[i + 1] === "{") {
      const close = policyValue.indexOf("}", i + 2);
      if (close > 0) {
        escaped += policyValue.slice(i, close + 1);
        i = close;
        continue;
      }
    }
    escaped += ch === "*" ? "${*}" : ch === "?" ? "${?}" : ch;
  }
  return matchWildcard(escaped, value, { lookup, caseInsensitive });
}

/** True when some clause names this key (case-insensitive). */
export function clausesOnKey(clauses: ConditionClause[], key: string): ConditionClause[] {
  return clauses.filter((c) => c.key.toLowerCase() === key.toLowerCase());
}
