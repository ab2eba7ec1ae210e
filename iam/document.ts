// Reads an IAM identity-policy document, given as an object or a JSON string, into normalised statements.
// Never throws: a malformed document or statement becomes a diagnostic, so callers can report it instead of crashing.
import { ConditionClause, parseConditionBlock } from "./conditions";
import { hasPolicyVariable } from "./wildcard";

export type Effect = "Allow" | "Deny";

export interface ParsedStatement {
  /** Position in the document's Statement list, from 0. */
  index: number;
  sid?: string;
  effect: Effect;
  /** Exactly one of action / notAction is set. */
  action?: string[];
  notAction?: string[];
  /** Exactly one of resource / notResource is set. */
  resource?: string[];
  notResource?: string[];
  conditions: ConditionClause[];
  /** Why this statement's outcome cannot be decided here (unknown operator, policy variable); empty when it can. */
  cannotJudge: string[];
}

export interface ParsedDocument {
  /** Where the document came from, for messages (e.g. `aws:iam/rolePolicy:RolePolicy 'exec-policy'`). */
  source: string;
  statements: ParsedStatement[];
}

export interface DocumentDiagnostic {
  /** `malformed`: AWS would reject it too. `cannot-judge`: valid IAM that this matcher does not evaluate. */
  kind: "malformed" | "cannot-judge";
  message: string;
  /** The statement's label (`Sid` or `#index`) when the problem is inside one statement. */
  statement?: string;
}

export interface ReadResult {
  /** Absent only when nothing of the document could be read. */
  document?: ParsedDocument;
  diagnostics: DocumentDiagnostic[];
}

/** `Sid` when present, otherwise the statement's position, so that messages can point at it. */
export function statementLabel(statement: Pick<ParsedStatement, "sid" | "index">): string {
  return statement.sid ? `'${statement.sid}'` : `#${statement.index + 1}`;
}

export function readPolicyDocument(input: unknown, source: string): ReadResult {
  const diagnostics: DocumentDiagnostic[] = [];
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      return { diagnostics: [{ kind: "malformed", message: `${source}: the policy is not valid JSON (${reason})` }] };
    }
  }
  if (!isRecord(value)) {
    return { diagnostics: [{ kind: "malformed", message: `${source}: the policy must be a JSON object with a 'Statement' list, got ${describe(value)}` }] };
  }
  const rawStatements = value.Statement;
  if (rawStatements === undefined) {
    return { diagnostics: [{ kind: "malformed", message: `${source}: the policy has no 'Statement' element` }] };
  }
  const list = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
  const statements: ParsedStatement[] = [];
  list.forEach((raw, index) => {
    const statement = readStatement(raw, index, source, diagnostics);
    if (statement) statements.push(statement);
  });
  return { document: { source, statements }, diagnostics };
}

function readStatement(raw: unknown, index: number, source: string, diagnostics: DocumentDiagnostic[]): ParsedStatement | undefined {
  const fallbackLabel = `#${index + 1}`;
  const malformed = (label: string, message: string): undefined => {
    diagnostics.push({ kind: "malformed", statement: label, message: `${source}: statement ${label}: ${message}` });
    return undefined;
  };
  if (!isRecord(raw)) return malformed(fallbackLabel, `must be an object, got ${describe(raw)}`);
  const sid = typeof raw.Sid === "string" && raw.Sid !== "" ? raw.Sid : undefined;
  const label = statementLabel({ sid, index });
  if (raw.Effect !== "Allow" && raw.Effect !== "Deny") {
    return malformed(label, `'Effect' must be "Allow" or "Deny", got ${describe(raw.Effect)}`);
  }
  const actions = readPair(raw, "Action", "NotAction");
  if ("error" in actions) return malformed(label, actions.error);
  const resources = readPair(raw, "Resource", "NotResource");
  if ("error" in resources) return malformed(label, resources.error);

  const cannotJudge: string[] = [];
  const conditions = parseConditionBlock(raw.Condition);
  if ("error" in conditions) return malformed(label, conditions.error);
  for (const clause of conditions.clauses) {
    if (clause.unsupported) cannotJudge.push(`condition operator '${clause.operator}' is not evaluated by this checker`);
  }
  const variables = [...resources.values, ...conditions.clauses.flatMap((c) => c.values)].filter(hasPolicyVariable);
  if (variables.length > 0) cannotJudge.push(`policy variables (${[...new Set(variables)].join(", ")}) depend on the caller`);
  for (const reason of cannotJudge) {
    diagnostics.push({ kind: "cannot-judge", statement: label, message: `${source}: statement ${label}: ${reason}` });
  }

  return {
    index,
    sid,
    effect: raw.Effect,
    ...(actions.negated ? { notAction: actions.values } : { action: actions.values }),
    ...(resources.negated ? { notResource: resources.values } : { resource: resources.values }),
    conditions: conditions.clauses,
    cannotJudge,
  };
}

type PairResult = { values: string[]; negated: boolean } | { error: string };

/** Action/NotAction and Resource/NotResource: exactly one of the two, as a string or a list of strings. */
function readPair(raw: Record<string, unknown>, positive: string, negative: string): PairResult {
  const hasPositive = raw[positive] !== undefined;
  const hasNegative = raw[negative] !== undefined;
  if (hasPositive && hasNegative) return { error: `has both '${positive}' and '${negative}'; use one of them` };
  if (!hasPositive && !hasNegative) return { error: `needs '${positive}' or '${negative}'` };
  const key = hasPositive ? positive : negative;
  const values = stringList(raw[key]);
  if (!values) return { error: `'${key}' must be a string or a list of strings, got ${describe(raw[key])}` };
  if (values.length === 0) return { error: `'${key}' is an empty list` };
  return { values, negated: !hasPositive };
}

export function stringList(value: unknown): string[] | undefined {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  return `${typeof value} ${JSON.stringify(value)?.slice(0, 60) ?? ""}`.trim();
}
