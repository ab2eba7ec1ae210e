// A statement whose outcome depends on the action and resource only (no condition, no policy variable), compiled
// once: its action and resource patterns become globs, each ARN pattern split into its fields. Matching it is then
// a few glob runs over the request's fields with no per-call allocation, which keeps a role at IAM's size quotas
// (a thousand wildcard Denies) judged over every routed call of the catalog well inside the pack's time bound.
import { CompiledGlob, cachedGlob, matchGlob } from "./glob";
import type { ParsedStatement } from "./document";
import { patternArnFields } from "./wildcard";

const ARN_FIELDS = 5;

/** One Resource pattern: `*`, a whole-string glob (not an ARN), or per-field globs (null: the field is `*`). */
type ResourceGlob = { any: true } | { whole: CompiledGlob } | { fields: (CompiledGlob | null)[] };

export interface CompiledStatement {
  actions?: CompiledGlob[];
  notActions?: CompiledGlob[];
  resources: ResourceGlob[];
  /** True when the patterns are a NotResource. */
  negated: boolean;
}

export function compileStatement(statement: ParsedStatement): CompiledStatement {
  const variables = statement.variables !== false;
  const resourceGlob = (pattern: string): ResourceGlob => {
    if (pattern === "*") return { any: true };
    const fields = patternArnFields(pattern);
    if (!fields) return { whole: cachedGlob(pattern, false, variables) };
    return { fields: fields.map((f, i) => (f === "*" ? null : cachedGlob(f, i < ARN_FIELDS, variables))) };
  };
  return {
    actions: statement.action?.map((p) => cachedGlob(p, true, false)),
    notActions: statement.notAction?.map((p) => cachedGlob(p, true, false)),
    resources: (statement.resource ?? statement.notResource ?? []).map(resourceGlob),
    negated: !statement.resource,
  };
}

/** Does the compiled statement apply to the action and resource (its fields from splitArnFields, undefined if not an ARN)? */
export function compiledMatches(compiled: CompiledStatement, action: string, resource: string, fields: string[] | undefined): boolean {
  if (compiled.actions && !compiled.actions.some((g) => matchGlob(g, action))) return false;
  if (compiled.notActions?.some((g) => matchGlob(g, action))) return false;
  let hit = false;
  for (const r of compiled.resources) {
    if ("any" in r) hit = true;
    else if ("whole" in r) hit = matchGlob(r.whole, resource);
    else hit = fields !== undefined && r.fields.every((g, i) => g === null || matchGlob(g, fields[i]));
    if (hit) break;
  }
  return compiled.negated ? !hit : hit;
}
