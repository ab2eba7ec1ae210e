// Decides authorisation requests against identity-policy documents, in IAM's order:
// an explicit Deny wins, then an Allow, otherwise the request is implicitly denied.
// Statements this checker cannot fully evaluate make the answer "cannot-judge" instead of a guess.
import { ConditionClause, RequestContext, evaluateConditions } from "./conditions";
import { ParsedDocument, ParsedStatement, statementLabel } from "./document";
import { hasPolicyVariable, matchesAction, matchesResource } from "./wildcard";

/** The part of an authorisation the matcher needs; bedrock/grants' AuthorizationRequest fits it. */
export interface IamRequest {
  action: string;
  resource: string;
  context?: RequestContext;
}

export interface StatementRef {
  document: string;
  index: number;
  sid?: string;
  /** `'Sid'` or `#n`, for messages. */
  label: string;
}

export type Verdict = "allowed" | "explicit-deny" | "implicit-deny" | "cannot-judge";

export interface Decision {
  allowed: boolean;
  verdict: Verdict;
  /** The statement that decided: the Allow that granted, or the Deny that refused. */
  statement?: StatementRef;
  /** One sentence a user can act on. */
  reason: string;
}

type StatementMatch =
  | { kind: "match" }
  | { kind: "no-match"; why: string }
  | { kind: "cannot-judge"; why: string };

/** Does the statement apply to this request (action, resource and conditions), ignoring its effect? */
export function matchStatement(statement: ParsedStatement, request: IamRequest): StatementMatch {
  if (statement.action && !statement.action.some((p) => matchesAction(p, request.action))) {
    return { kind: "no-match", why: `its Action does not cover ${request.action}` };
  }
  if (statement.notAction && statement.notAction.some((p) => matchesAction(p, request.action))) {
    return { kind: "no-match", why: `its NotAction excludes ${request.action}` };
  }
  const resourceMatch = matchResources(statement, request.resource);
  if (resourceMatch.kind !== "match") return resourceMatch;
  const outcome = evaluateConditions(statement.conditions, request.context ?? {});
  if (outcome.result === false) {
    return { kind: "no-match", why: `its condition ${describeClause(outcome.clause)} does not hold for ${describeContext(outcome.clause, request.context ?? {})}` };
  }
  if (outcome.result === "cannot-judge") return { kind: "cannot-judge", why: outcome.reason };
  return { kind: "match" };
}

// A pattern holding a policy variable may match once IAM expands it, so it makes the answer unsure, not "no".
function matchResources(statement: ParsedStatement, resource: string): StatementMatch {
  if (statement.resource) {
    if (statement.resource.some((p) => !hasPolicyVariable(p) && matchesResource(p, resource))) return { kind: "match" };
    const variable = statement.resource.find(hasPolicyVariable);
    if (variable) return { kind: "cannot-judge", why: `its Resource '${variable}' holds a policy variable` };
    return { kind: "no-match", why: `its Resource does not cover ${resource}` };
  }
  const excluded = statement.notResource!;
  if (excluded.some((p) => !hasPolicyVariable(p) && matchesResource(p, resource))) {
    return { kind: "no-match", why: `its NotResource excludes ${resource}` };
  }
  const variable = excluded.find(hasPolicyVariable);
  if (variable) return { kind: "cannot-judge", why: `its NotResource '${variable}' holds a policy variable` };
  return { kind: "match" };
}

export function evaluateRequest(request: IamRequest, documents: ParsedDocument[]): Decision {
  const unsureDeny: [StatementRef, string][] = [];
  const unsureAllow: [StatementRef, string][] = [];
  const misses: string[] = [];
  let allow: StatementRef | undefined;

  for (const document of documents) {
    for (const statement of document.statements) {
      const ref = refOf(document, statement);
      const match = matchStatement(statement, request);
      if (match.kind === "match" && statement.effect === "Deny") {
        return { allowed: false, verdict: "explicit-deny", statement: ref, reason: `explicitly denied by statement ${ref.label} of ${ref.document}` };
      }
      if (match.kind === "match") allow ??= ref;
      else if (match.kind === "cannot-judge") (statement.effect === "Deny" ? unsureDeny : unsureAllow).push([ref, match.why]);
      else if (statement.effect === "Allow" && statement.resource?.some((p) => matchesResource(p, request.resource))) {
        // Statements that name the resource but still do not apply are the interesting misses for a message.
        misses.push(`statement ${ref.label} names it but ${match.why}`);
      }
    }
  }
  if (unsureDeny.length > 0) {
    const [ref, why] = unsureDeny[0];
    return { allowed: false, verdict: "cannot-judge", statement: ref, reason: `Deny statement ${ref.label} of ${ref.document} may apply: ${why}` };
  }
  if (allow) return { allowed: true, verdict: "allowed", statement: allow, reason: `allowed by statement ${allow.label} of ${allow.document}` };
  if (unsureAllow.length > 0) {
    const [ref, why] = unsureAllow[0];
    return { allowed: false, verdict: "cannot-judge", statement: ref, reason: `only statement ${ref.label} of ${ref.document} could allow it, and ${why}` };
  }
  const detail = misses.length > 0 ? `: ${misses.join("; ")}` : "";
  return { allowed: false, verdict: "implicit-deny", reason: `no statement allows ${request.action} on ${request.resource}${detail}` };
}

/** Decides each request; the answers keep the requests' order. */
export function evaluateRequests<R extends IamRequest>(requests: R[], documents: ParsedDocument[]): { request: R; decision: Decision }[] {
  return requests.map((request) => ({ request, decision: evaluateRequest(request, documents) }));
}

function refOf(document: ParsedDocument, statement: ParsedStatement): StatementRef {
  return { document: document.source, index: statement.index, sid: statement.sid, label: statementLabel(statement) };
}

function describeClause(clause: ConditionClause): string {
  const values = clause.values.length === 1 ? `"${clause.values[0]}"` : `[${clause.values.map((v) => `"${v}"`).join(", ")}]`;
  return `${clause.operator} ${clause.key} = ${values}`;
}

function describeContext(clause: ConditionClause, context: RequestContext): string {
  const entry = Object.entries(context).find(([k]) => k.toLowerCase() === clause.key.toLowerCase());
  if (!entry || entry[1] === undefined) return `a request without ${clause.key}`;
  return `${clause.key} = ${JSON.stringify(entry[1])}`;
}
