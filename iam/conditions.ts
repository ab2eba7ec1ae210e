// The Condition element: the operators this project's policies use, evaluated the way IAM documents them.
// An operator outside this set is kept but marked unsupported, so the statement is "cannot judge", never a silent allow.
import { hasPolicyVariable, matchesResource, matchesWildcard, splitArnFields } from "./wildcard";

type BaseOperator =
  | "StringEquals" | "StringNotEquals" | "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase"
  | "StringLike" | "StringNotLike"
  | "ArnEquals" | "ArnLike" | "ArnNotEquals" | "ArnNotLike"
  | "Bool" | "Null";

const SUPPORTED: readonly BaseOperator[] = [
  "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
  "StringLike", "StringNotLike", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Bool", "Null",
];

const NEGATED = new Set<BaseOperator>(["StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike"]);

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
  const base = SUPPORTED.find((op) => op === rest);
  if (!base || (ifExists && base === "Null")) return { operator, unsupported: true };
  return { operator, base, ifExists, set };
}

// IAM compares condition values as strings; JSON booleans and numbers are accepted and mean their text.
function conditionValues(raw: unknown): string[] | undefined {
  const list = Array.isArray(raw) ? raw : [raw];
  if (!list.every((v) => ["string", "number", "boolean"].includes(typeof v))) return undefined;
  return list.map((v) => String(v));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Looks a key up case-insensitively; undefined when the request does not carry it. */
export function contextValues(context: RequestContext, key: string): string[] | undefined {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(context)) {
    if (k.toLowerCase() === wanted && v !== undefined) return Array.isArray(v) ? v : [v];
  }
  return undefined;
}

/** All clauses must hold (operators and keys are ANDed; a clause's values are ORed). */
export function evaluateConditions(clauses: ConditionClause[], context: RequestContext): ConditionOutcome {
  let cannotJudge: string | undefined;
  for (const clause of clauses) {
    if (clause.unsupported) {
      cannotJudge ??= `condition operator '${clause.operator}' is not evaluated by this checker`;
      continue;
    }
    if (clause.values.some(hasPolicyVariable)) {
      cannotJudge ??= `condition ${clause.operator} ${clause.key} compares with a policy variable`;
      continue;
    }
    if (!evaluateClause(clause, contextValues(context, clause.key), isMultiValued(context, clause.key))) return { result: false, clause };
  }
  return cannotJudge ? { result: "cannot-judge", reason: cannotJudge } : { result: true };
}

function isMultiValued(context: RequestContext, key: string): boolean {
  const wanted = key.toLowerCase();
  return Object.entries(context).some(([k, v]) => k.toLowerCase() === wanted && Array.isArray(v));
}

/** One clause against the request's values for its key (undefined: the request does not carry the key). */
export function evaluateClause(clause: ConditionClause, present: string[] | undefined, multiValued = false): boolean {
  const base = clause.base!;
  if (base === "Null") {
    const wantsAbsent = clause.values.some((v) => v.toLowerCase() === "true");
    const wantsPresent = clause.values.some((v) => v.toLowerCase() === "false");
    return present === undefined ? wantsAbsent : wantsPresent;
  }
  const negated = NEGATED.has(base);
  if (clause.set === "ForAllValues") {
    // Vacuously true for a missing or empty key, as IAM documents.
    return present === undefined || present.every((value) => singleValueHolds(base, negated, clause.values, value));
  }
  if (clause.set === "ForAnyValue") {
    return present !== undefined && present.some((value) => singleValueHolds(base, negated, clause.values, value));
  }
  if (present === undefined) return clause.ifExists || negated;
  // A multi-valued key needs ForAnyValue/ForAllValues; a plain operator never matches it.
  if (multiValued) return false;
  return singleValueHolds(base, negated, clause.values, present[0]);
}

function singleValueHolds(base: BaseOperator, negated: boolean, policyValues: string[], value: string): boolean {
  if (base.startsWith("Arn")) {
    // An Arn operator compares ARNs only: a value on either side that is not an ARN never satisfies it, negated or not.
    if (!splitArnFields(value)) return false;
    const outcomes = policyValues.map((p) => (splitArnFields(p) ? matchesResource(p, value) : undefined));
    return negated ? outcomes.every((o) => o === false) : outcomes.some((o) => o === true);
  }
  const anyMatch = policyValues.some((p) => valueMatches(base, p, value));
  return negated ? !anyMatch : anyMatch;
}

function valueMatches(base: BaseOperator, policyValue: string, value: string): boolean {
  switch (base) {
    case "StringEquals":
    case "StringNotEquals":
      return policyValue === value;
    case "StringEqualsIgnoreCase":
    case "StringNotEqualsIgnoreCase":
      return policyValue.toLowerCase() === value.toLowerCase();
    case "StringLike":
    case "StringNotLike":
      return matchesWildcard(policyValue, value);
    case "Bool":
      return policyValue.toLowerCase() === value.toLowerCase();
    default:
      // Arn operators are handled by singleValueHolds; Null never compares values.
      return false;
  }
}

/** True when some clause names this key (case-insensitive). */
export function clausesOnKey(clauses: ConditionClause[], key: string): ConditionClause[] {
  return clauses.filter((c) => c.key.toLowerCase() === key.toLowerCase());
}
