// IAM's own wildcard rules for the Action and Resource elements, on the linear-time glob of ./glob.
// Written for this project (shipped code must not depend on an AGPL evaluator); the tests cross-check it
// against @cloud-copilot/iam-simulate, which is a dev-only dependency.
import { CompiledGlob, VariableLookup, cachedGlob, compileGlob, hasUnescapedWildcard, matchGlob, policyVariableAt } from "./glob";

export interface MatchOptions {
  caseInsensitive?: boolean;
  /** Honour `${...}` escapes and variables (documents with Version 2012-10-17). Default true. */
  variables?: boolean;
  /** Answers policy variables from the request; without it a variable stays literal text. */
  lookup?: VariableLookup;
}

/** The outcome of a match that may depend on a policy variable the request does not answer. */
export type MatchResult = boolean | { unresolved: string };

function glob(pattern: string, options: MatchOptions): CompiledGlob | { unresolved: string } {
  const caseInsensitive = options.caseInsensitive ?? false;
  const variables = options.variables ?? true;
  if (!options.lookup || !variables || policyVariableAt(pattern) < 0) return cachedGlob(pattern, caseInsensitive, variables);
  const compiled = compileGlob(pattern, { caseInsensitive, variables, lookup: options.lookup });
  return "glob" in compiled ? compiled.glob : compiled;
}

/** Glob match of a whole string, `*` spanning anything; may be unresolved when a lookup is given. */
export function matchWildcard(pattern: string, value: string, options: MatchOptions = {}): MatchResult {
  const g = glob(pattern, options);
  return "unresolved" in g ? g : matchGlob(g, value);
}

/** Glob match of a whole string, `*` spanning anything. */
export function matchesWildcard(pattern: string, value: string, options: { caseInsensitive?: boolean; variables?: boolean } = {}): boolean {
  return matchWildcard(pattern, value, options) === true;
}

/** `Action` matching: IAM compares action names case-insensitively (`bedrock:invoke*` covers `bedrock:InvokeModel`). */
export function matchesAction(pattern: string, action: string): boolean {
  return matchGlob(cachedGlob(pattern, true, false), action);
}

const ARN_FIELDS = 5; // arn, partition, service, region, account; everything after is the resource part

/** The six fields of an ARN, or undefined when the text is not one. */
export function splitArnFields(value: string): string[] | undefined {
  if (!value.startsWith("arn:")) return undefined;
  const fields: string[] = [];
  let from = 0;
  for (let i = 0; i < ARN_FIELDS; i++) {
    const colon = fieldEnd(value, from);
    if (colon < 0) return undefined;
    fields.push(value.slice(from, colon));
    from = colon + 1;
  }
  fields.push(value.slice(from));
  return fields;
}

// The colon that ends a field; a policy variable (`${aws:RequestedRegion}`, `${aws:PrincipalTag/x, 'a:b'}`) may hold
// colons of its own and stays whole inside its field, as IAM expands it before comparing fields.
function fieldEnd(value: string, from: number): number {
  for (let i = from; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 58) return i; // ':'
    if (c === 36 && value.charCodeAt(i + 1) === 123) {
      // '${': skip to its closing brace (a lone '${' is literal text)
      const close = value.indexOf("}", i + 2);
      if (close > 0) i = close;
    }
  }
  return -1;
}

/** Pattern fields, a short ARN (`arn:aws:bedrock:*`) padded with wildcards as IAM does in identity policies. */
export function patternArnFields(pattern: string): string[] | undefined {
  if (!pattern.startsWith("arn:")) return undefined;
  let fields = patternFields.get(pattern);
  if (fields) return fields;
  fields = splitArnFields(pattern);
  if (!fields) {
    fields = [];
    for (let from = 0; ; ) {
      const colon = fieldEnd(pattern, from);
      fields.push(pattern.slice(from, colon < 0 ? undefined : colon));
      if (colon < 0) break;
      from = colon + 1;
    }
    while (fields.length < ARN_FIELDS + 1) fields.push("*");
  }
  if (patternFields.size >= 20_000) patternFields.clear();
  patternFields.set(pattern, fields);
  return fields;
}

// Policy patterns are matched against many requests: split each once (bounded, like the glob cache).
const patternFields = new Map<string, string[]>();

/**
 * `Resource` matching. IAM compares ARNs field by field: a wildcard in the Region field cannot swallow the
 * account field, while one in the resource part may span `/` and `:` (model versions carry colons).
 * Partition, service, Region and account compare case-insensitively; the resource part does not.
 * A short ARN in an identity policy (`arn:aws:bedrock:*`) counts as if its missing fields were `*`.
 */
export function matchResource(pattern: string, resource: string, options: MatchOptions = {}, resourceFields = splitArnFields(resource)): MatchResult {
  if (pattern === "*") return true;
  const patternFields = patternArnFields(pattern);
  if (!patternFields) return matchWildcard(pattern, resource, options);
  if (!resourceFields) return false;
  let unresolved: { unresolved: string } | undefined;
  for (let i = 0; i < patternFields.length; i++) {
    const field = patternFields[i];
    // Most fields are literal or "*": compare them without a glob.
    if (field === "*") continue;
    const caseInsensitive = i < ARN_FIELDS;
    const result = !options.lookup
      ? matchGlob(cachedGlob(field, caseInsensitive, options.variables ?? true), resourceFields[i])
      : matchWildcard(field, resourceFields[i], { ...options, caseInsensitive });
    if (result === false) return false;
    if (result !== true) unresolved ??= result;
  }
  return unresolved ?? true;
}

export function matchesResource(pattern: string, resource: string, options: { variables?: boolean } = {}): boolean {
  return matchResource(pattern, resource, options) === true;
}

/**
 * The pattern with each policy variable (not the `${*}` `${?}` `${$}` escapes) widened to `*`: a superset of what
 * it matches once IAM expands the variables, for enumerating candidates that the evaluator then decides exactly.
 */
export function variablesAsWildcards(text: string): string {
  let out = text;
  for (let at = policyVariableAt(out); at >= 0; at = policyVariableAt(out)) out = `${out.slice(0, at)}*${out.slice(out.indexOf("}", at + 2) + 1)}`;
  return out;
}

/** True when the text holds a policy variable such as `${aws:username}` (not one of the three escapes). */
export function hasPolicyVariable(text: string): boolean {
  return policyVariableAt(text) >= 0;
}

/** True when the text contains an unescaped IAM wildcard. */
export function hasWildcard(text: string, variables = true): boolean {
  return hasUnescapedWildcard(text, variables);
}
