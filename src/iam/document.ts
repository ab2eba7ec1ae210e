// Reads an IAM identity-policy document, given as an object or a JSON string, into normalised statements.
// Never throws: a malformed document or statement becomes a diagnostic, so callers can report it instead of crashing,
// and everything else of the document is still read (a bad statement never hides the good ones).
// "Malformed" means IAM itself refuses the document: unknown Version, a Sid that is not alphanumeric or not unique,
// elements IAM does not know, a Principal in an identity policy, a statement without Effect/Action/Resource.
import { ConditionClause, parseConditionBlock } from "./conditions";
import { FILLED_CONTEXT_KEYS } from "./context";
import { policyVariableAt } from "./glob";

export type Effect = "Allow" | "Deny";

/** The two policy-language versions IAM accepts; only 2012-10-17 has policy variables. */
const POLICY_VERSIONS = ["2012-10-17", "2008-10-17"] as const;

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
  /** `${...}` is a policy variable (Version 2012-10-17); otherwise it is literal text. Absent means true. */
  variables?: boolean;
}

export interface ParsedDocument {
  /** Where the document came from, for messages (e.g. `aws:iam/rolePolicy:RolePolicy 'exec-policy'`). */
  source: string;
  statements: ParsedStatement[];
  /** The Version as written (undefined: none, which IAM reads as 2008-10-17). */
  version?: string;
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

const DOCUMENT_KEYS = new Set(["Version", "Id", "Statement"]);
const STATEMENT_KEYS = new Set(["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"]);

/** `Sid` when present, otherwise the statement's position, so that messages can point at it. */
export function statementLabel(statement: Pick<ParsedStatement, "sid" | "index">): string {
  return statement.sid ? `'${statement.sid}'` : `#${statement.index + 1}`;
}

/**
 * The document's size as IAM counts it against its quotas: characters of its (compact) JSON text, whitespace
 * excluded. Counted iteratively and only up to `cap` (the answer is then `cap`): a deep or shared structure can
 * neither overflow the stack nor expand into megabytes of text.
 */
export function policySize(input: unknown, cap = 1_000_000): number {
  if (typeof input === "string") return Math.min(nonWhitespace(input), cap);
  let size = 0;
  const work: unknown[] = [input];
  while (work.length > 0 && size < cap) {
    const value = work.pop();
    if (Array.isArray(value)) {
      size += 2 + Math.max(0, value.length - 1);
      for (let i = value.length - 1; i >= 0; i--) work.push(value[i]);
    } else if (typeof value === "object" && value !== null) {
      const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
      size += 2 + Math.max(0, keys.length - 1);
      for (const k of keys) {
        size += nonWhitespace(JSON.stringify(k)) + 1;
        work.push((value as Record<string, unknown>)[k]);
      }
    } else if (value !== undefined) size += nonWhitespace(JSON.stringify(value) ?? "null");
  }
  return Math.min(size, cap);
}

function nonWhitespace(text: string): number {
  let size = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) size++;
  }
  return size;
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
  const version = value.Version;
  if (version !== undefined && !(POLICY_VERSIONS as readonly unknown[]).includes(version)) {
    diagnostics.push({
      kind: "malformed",
      message: `${source}: set 'Version' to "2012-10-17"; IAM accepts only "2012-10-17" or the legacy "2008-10-17", got ${describe(version)}`,
    });
  }
  for (const key of Object.keys(value)) {
    if (!DOCUMENT_KEYS.has(key))
      diagnostics.push({ kind: "malformed", message: `${source}: remove the element '${key}'; IAM accepts only Version, Id and Statement at the top level` });
  }
  const rawStatements = value.Statement;
  if (rawStatements === undefined) {
    return { diagnostics: [...diagnostics, { kind: "malformed", message: `${source}: the policy has no 'Statement' element` }] };
  }
  // IAM reads ${...} as a policy variable only in the 2012-10-17 language; an invalid Version is refused anyway.
  const variables = version === "2012-10-17";
  const list = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
  const statements: ParsedStatement[] = [];
  const sids = new Set<string>();
  list.forEach((raw, index) => {
    const statement = readStatement(raw, index, source, variables, diagnostics);
    if (!statement) return;
    statements.push(statement);
    if (!statement.sid) return;
    if (sids.has(statement.sid)) {
      diagnostics.push({
        kind: "malformed",
        statement: statementLabel(statement),
        message: `${source}: statement #${index + 1}: give it a unique Sid; '${statement.sid}' is already used in this policy and IAM refuses duplicates`,
      });
    }
    sids.add(statement.sid);
  });
  return { document: { source, statements, version: typeof version === "string" ? version : undefined }, diagnostics };
}

function readStatement(raw: unknown, index: number, source: string, variables: boolean, diagnostics: DocumentDiagnostic[]): ParsedStatement | undefined {
  const fallbackLabel = `#${index + 1}`;
  const malformed = (label: string, message: string): undefined => {
    diagnostics.push({ kind: "malformed", statement: label, message: `${source}: statement ${label}: ${message}` });
    return undefined;
  };
  if (!isRecord(raw)) return malformed(fallbackLabel, `must be an object, got ${describe(raw)}`);
  const sid = typeof raw.Sid === "string" && raw.Sid !== "" ? raw.Sid : undefined;
  const label = statementLabel({ sid, index });
  // Problems IAM refuses but that leave the statement's meaning clear: reported, and the statement is still judged.
  if (raw.Sid !== undefined && typeof raw.Sid !== "string") malformed(fallbackLabel, `'Sid' must be a string of letters and digits, got ${describe(raw.Sid)}`);
  if (sid !== undefined && !isAlphanumeric(sid)) malformed(label, `use only letters A-Z, a-z and digits 0-9 in 'Sid' (IAM refuses other characters), got ${describe(sid)}`);
  for (const key of Object.keys(raw)) {
    if (key === "Principal" || key === "NotPrincipal")
      malformed(label, `remove '${key}': an identity policy applies to whoever it is attached to, and IAM refuses a principal in it`);
    else if (!STATEMENT_KEYS.has(key)) malformed(label, `remove the element '${key}'; IAM accepts only Sid, Effect, Action/NotAction, Resource/NotResource and Condition`);
  }
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
  if (variables) {
    const unanswered = [...resources.values, ...conditions.clauses.flatMap((c) => c.values)].flatMap(unansweredVariables);
    if (unanswered.length > 0) cannotJudge.push(`policy variables (${[...new Set(unanswered)].join(", ")}) depend on the caller`);
  }
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
    variables,
  };
}

/** The `${...}` variables of a text whose keys are not among those the evaluator fills for every request. */
function unansweredVariables(text: string): string[] {
  const found: string[] = [];
  let from = 0;
  for (;;) {
    const rest = text.slice(from);
    const at = policyVariableAt(rest);
    if (at < 0) return found;
    const close = rest.indexOf("}", at);
    const variable = rest.slice(at, close + 1);
    const key = variable.slice(2, -1).split(",")[0].trim().toLowerCase();
    if (!FILLED_CONTEXT_KEYS.some((k) => k.toLowerCase() === key)) found.push(variable);
    from += close + 1;
  }
}

function isAlphanumeric(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return false;
  }
  return true;
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

function stringList(value: unknown): string[] | undefined {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A short description of a value for messages; never serialises nested values (they may be thousands of levels deep). */
function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value).slice(0, 60)}`;
}
