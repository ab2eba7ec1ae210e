// Decides authorisation requests against identity-policy documents, in IAM's order: an explicit Deny wins (in the
// identity policies or the permissions boundary), then an Allow, which a permissions boundary must also give;
// otherwise the request is implicitly denied. Statements this checker cannot fully evaluate make the answer
// "cannot-judge" instead of a guess.
//
// PolicySet is the one entry point: it indexes the statements once (by the action's service and the resource's
// Region), so that a request only looks at statements that could apply; the cost of judging a document is linear in
// statements x requests checked, not in statements squared.
import { ConditionClause, ContextIndex, RequestContext, evaluateConditions } from "./conditions";
import { ParsedDocument, ParsedStatement, statementLabel } from "./document";
import { MatchResult, matchResource, matchesAction, patternArnFields, splitArnFields } from "./wildcard";
import { hasUnescapedWildcard } from "./glob";
import { CompiledStatement, compileStatement, compiledMatches } from "./compiled";

/** The part of an authorisation the matcher needs; src/bedrock/grants' AuthorizationRequest fits it. */
export interface IamRequest {
  action: string;
  resource: string;
  context?: RequestContext;
  /** Keys the request carries whose values are not known here (see src/iam/context's awsRequestContext). */
  unknownContextKeys?: readonly string[];
}

export interface StatementRef {
  document: string;
  index: number;
  sid?: string;
  /** `'Sid'` or `#n`, for messages. */
  label: string;
}

export type Verdict = "allowed" | "explicit-deny" | "implicit-deny" | "cannot-judge";

export interface BlockingCondition {
  /** The Allow statement that names the action and resource but does not apply. */
  statement: StatementRef;
  clause: ConditionClause;
  /** `StringEquals aws:RequestedRegion = "eu-west-1"`, for messages. */
  text: string;
  /** What the request had for the key: `aws:RequestedRegion = "us-east-1"`, or `a request without <key>`. */
  actual: string;
}

export interface Decision {
  allowed: boolean;
  verdict: Verdict;
  /** The statement that decided: the Allow that granted, or the Deny that refused. */
  statement?: StatementRef;
  /** One sentence a user can act on. */
  reason: string;
  /** Implicit deny: the first Allow that names the action and resource but whose condition does not hold. */
  blockingCondition?: BlockingCondition;
  /** Implicit deny: why the statements that name the action and resource still do not allow it (the reason's detail). */
  misses?: string[];
  /** True when the permissions boundary decided (its Deny, or the lack of an Allow in it). */
  byBoundary?: boolean;
}

export type StatementMatch =
  | { kind: "match" }
  | { kind: "no-match"; why: string; stage: "action" | "resource" | "condition"; clause?: ConditionClause }
  | { kind: "cannot-judge"; why: string };

/** Does the statement apply to this request (action, resource and conditions), ignoring its effect? */
function matchStatement(statement: ParsedStatement, request: IamRequest, index?: ContextIndex): StatementMatch {
  if (statement.action && !statement.action.some((p) => matchesAction(p, request.action))) {
    return { kind: "no-match", stage: "action", why: `its Action does not cover ${request.action}` };
  }
  if (statement.notAction?.some((p) => matchesAction(p, request.action))) {
    return { kind: "no-match", stage: "action", why: `its NotAction excludes ${request.action}` };
  }
  const context = index ?? new ContextIndex(request.context ?? {}, request.unknownContextKeys);
  const resourceMatch = matchResources(statement, request.resource, context);
  if (resourceMatch.kind !== "match") return resourceMatch;
  const variables = statement.variables !== false;
  const outcome = evaluateConditions(statement.conditions, context, { variables });
  if (outcome.result === false) {
    return {
      kind: "no-match",
      stage: "condition",
      clause: outcome.clause,
      why: `its condition ${describeClause(outcome.clause)} does not hold for ${describeContext(outcome.clause, context)}`,
    };
  }
  if (outcome.result === "cannot-judge") return { kind: "cannot-judge", why: outcome.reason };
  return { kind: "match" };
}

// A pattern holding a policy variable the request does not answer may match once IAM expands it: "unsure", not "no".
function matchResources(statement: ParsedStatement, resource: string, context: ContextIndex): StatementMatch {
  const options = statement.variables === false ? { variables: false } : { lookup: context.lookup };
  const patterns = statement.resource ?? statement.notResource!;
  const fields = resourceFields(resource);
  let unresolved: { pattern: string; key: string } | undefined;
  let matched = false;
  for (const pattern of patterns) {
    const result: MatchResult = matchResource(pattern, resource, options, fields);
    if (result === true) {
      matched = true;
      break;
    }
    if (result !== false) unresolved ??= { pattern, key: result.unresolved };
  }
  const element = statement.resource ? "Resource" : "NotResource";
  if (matched) {
    return statement.resource ? { kind: "match" } : { kind: "no-match", stage: "resource", why: `its NotResource excludes ${resource}` };
  }
  if (unresolved) return { kind: "cannot-judge", why: `its ${element} '${unresolved.pattern}' holds policy variable \${${unresolved.key}}, which depends on the caller` };
  return statement.resource ? { kind: "no-match", stage: "resource", why: `its Resource does not cover ${resource}` } : { kind: "match" };
}

// A request's resource is matched against many statements in a row: split it once.
let lastResource: string | undefined;
let lastFields: string[] | undefined;
function resourceFields(resource: string): string[] | undefined {
  if (resource !== lastResource) {
    lastResource = resource;
    lastFields = splitArnFields(resource);
  }
  return lastFields;
}

interface Entry {
  document: ParsedDocument;
  statement: ParsedStatement;
  order: number;
  seen: number;
  /** Characters of pattern text one match of this statement may scan: the unit of `PolicySet.work`. */
  cost: number;
  /** No policy variable in its Resource: whether its patterns apply depends on the action and resource only. */
  fixedPatterns: boolean;
  /** Its compiled form, made the first time a context-free statement is matched. */
  compiled?: CompiledStatement;
}

interface DenyOutcome {
  /** The first unconditional Deny that applies, if any. */
  entry?: Entry;
  /** Denies still to judge on the request's context, in document order. */
  conditional: Entry[];
}

/** Memoised Deny lists and outcomes kept per PolicySet before the memo starts over. */
const MEMO_LIMIT = 50_000;

function denied(entry: Entry): Decision {
  const ref = refOf(entry.document, entry.statement);
  return { allowed: false, verdict: "explicit-deny", statement: ref, reason: `explicitly denied by statement ${ref.label} of ${ref.document}` };
}

function hasFixedPatterns(statement: ParsedStatement): boolean {
  if (statement.variables === false) return true;
  return !(statement.resource ?? statement.notResource ?? []).some((p) => p.includes("${"));
}

export interface PolicySetOptions {
  /** The permissions boundary's documents: an Allow must also be allowed by them. */
  boundary?: ParsedDocument[];
  /** Context keys every request of this principal carries (merged under each request's own context). */
  context?: RequestContext;
  unknownContextKeys?: readonly string[];
}

const ANY = "*";
const NOT_AN_ARN = "\u0000";
/** A statement with more (service, Region) combinations than this is simply checked for every request. */
const MAX_KEYS_PER_STATEMENT = 64;

/** Identity-policy documents (plus an optional permissions boundary), indexed once, judged many times. */
export class PolicySet {
  /** Per effect: statements by `<action service>|<Region>` of their wildcard Resource patterns. */
  private readonly buckets = { Allow: new Map<string, Entry[]>(), Deny: new Map<string, Entry[]>() };
  /** Per effect: statements by each literal Resource ARN they name: a request only meets the ones naming it. */
  private readonly literal = { Allow: new Map<string, Entry[]>(), Deny: new Map<string, Entry[]>() };
  private readonly boundary?: PolicySet;
  private stamp = 0;
  private readonly denyLists = new Map<string, Entry[]>();
  private readonly denyOutcomes = new Map<string, DenyOutcome>();
  readonly statementCount: number;
  /** Pattern characters scanned so far by evaluate(): callers judging many requests can stop at a budget. */
  work = 0;

  constructor(
    readonly documents: ParsedDocument[],
    private readonly options: PolicySetOptions = {},
  ) {
    let order = 0;
    const seenStatements = new Set<string>();
    for (const document of documents) {
      for (const statement of document.statements) {
        // A statement identical to an earlier one of the same effect cannot change any answer: index it once.
        const key = statementKey(statement);
        if (seenStatements.has(key)) continue;
        seenStatements.add(key);
        this.add({ document, statement, order: order++, seen: -1, cost: key.length, fixedPatterns: hasFixedPatterns(statement) });
      }
    }
    this.statementCount = order;
    if (options.boundary) this.boundary = new PolicySet(options.boundary, { context: options.context, unknownContextKeys: options.unknownContextKeys });
  }

  // Indexed per Resource pattern: a literal ARN goes into the literal map, a wildcard pattern into the buckets of its
  // (action service, Region) keys. A request meets a statement only through a pattern that could match it.
  private add(entry: Entry): void {
    const effect = entry.statement.effect;
    const push = (map: Map<string, Entry[]>, key: string) => {
      let list = map.get(key);
      if (!list) {
        list = [];
        map.set(key, list);
      }
      if (list[list.length - 1] !== entry) list.push(entry);
    };
    const { literals, wildRegions } = resourceKeys(entry.statement);
    for (const literal of new Set(literals)) push(this.literal[effect], literal);
    if (wildRegions.size === 0) return;
    const services = serviceKeys(entry.statement);
    const keys = services.size * wildRegions.size > MAX_KEYS_PER_STATEMENT ? [`${ANY}|${ANY}`] : [...services].flatMap((s) => [...wildRegions].map((r) => `${s}|${r}`));
    for (const key of keys) push(this.buckets[effect], key);
  }

  /** Where a request's candidates are: its normalised resource and its four bucket keys, computed once. */
  private keysOf(request: IamRequest): { literal: string; buckets: string[] } {
    const colon = request.action.indexOf(":");
    const service = colon < 0 ? NOT_AN_ARN : request.action.slice(0, colon).toLowerCase();
    const fields = splitArnFields(request.resource);
    const region = fields?.[3].toLowerCase() ?? NOT_AN_ARN;
    const literal = fields ? `${fields[0]}:${fields[1].toLowerCase()}:${fields[2].toLowerCase()}:${region}:${fields[4].toLowerCase()}:${fields[5]}` : `=${request.resource}`;
    return { literal, buckets: [`${service}|${region}`, `${service}|${ANY}`, `${ANY}|${region}`, `${ANY}|${ANY}`] };
  }

  /** The lists of statements of one effect that could apply to the request; each list is in document order. */
  private candidateLists(keys: { literal: string; buckets: string[] }, effect: "Allow" | "Deny"): Entry[][] {
    const lists: Entry[][] = [];
    const literal = this.literal[effect].get(keys.literal);
    if (literal) lists.push(literal);
    const buckets = this.buckets[effect];
    for (const key of keys.buckets) {
      const bucket = buckets.get(key);
      if (bucket) lists.push(bucket);
    }
    return lists;
  }

  /** Is this request allowed, and if not, which Deny, condition or gap decided it? */
  evaluate(request: IamRequest): Decision {
    const full: IamRequest =
      this.options.context || this.options.unknownContextKeys
        ? {
            ...request,
            context: { ...this.options.context, ...request.context },
            unknownContextKeys: [...(this.options.unknownContextKeys ?? []), ...(request.unknownContextKeys ?? [])],
          }
        : request;
    const identity = this.evaluateOwn(full);
    if (!this.boundary || identity.verdict === "explicit-deny") return identity;
    const boundary = this.boundary.evaluateOwn(full);
    if (boundary.verdict === "explicit-deny") return { ...boundary, byBoundary: true, reason: `the permissions boundary refuses it: ${boundary.reason}` };
    if (!identity.allowed) return identity;
    if (boundary.allowed) return identity;
    if (boundary.verdict === "cannot-judge") return { ...boundary, reason: `the permissions boundary may not allow it: ${boundary.reason}` };
    return { ...boundary, byBoundary: true, reason: `the role's policies allow it (${identity.reason}), but its permissions boundary does not: ${boundary.reason}` };
  }

  /** The Deny statements that could apply to a request with these keys, in document order (memoised per keys). */
  private denyCandidates(keys: { literal: string; buckets: string[] }): Entry[] {
    const memoKey = `${keys.literal}\n${keys.buckets[0]}`;
    let denies = this.denyLists.get(memoKey);
    if (denies) return denies;
    const stamp = ++this.stamp;
    denies = [];
    for (const list of this.candidateLists(keys, "Deny")) {
      for (const entry of list) {
        if (entry.seen === stamp) continue;
        entry.seen = stamp;
        denies.push(entry);
      }
    }
    denies.sort((a, b) => a.order - b.order);
    if (this.denyLists.size >= MEMO_LIMIT) this.denyLists.clear();
    this.denyLists.set(memoKey, denies);
    return denies;
  }

  /**
   * Per (action, resource), memoised: the first unconditional Deny whose fixed patterns match, and the Denies left to
   * judge on the request's context (conditional ones whose patterns match, and those whose patterns hold variables).
   */
  private fixedPatternDenies(request: IamRequest, denies: Entry[]): DenyOutcome {
    const memoKey = `${request.action}\n${request.resource}`;
    let fixed = this.denyOutcomes.get(memoKey);
    if (fixed) return fixed;
    fixed = { conditional: [] };
    const fields = splitArnFields(request.resource);
    for (const entry of denies) {
      if (!entry.fixedPatterns) {
        fixed.conditional.push(entry);
        continue;
      }
      this.work += entry.cost;
      entry.compiled ??= compileStatement(entry.statement);
      if (!compiledMatches(entry.compiled, request.action, request.resource, fields)) continue;
      if (entry.statement.conditions.length > 0) {
        fixed.conditional.push(entry);
        continue;
      }
      fixed.entry = entry;
      break;
    }
    if (this.denyOutcomes.size >= MEMO_LIMIT) this.denyOutcomes.clear();
    this.denyOutcomes.set(memoKey, fixed);
    return fixed;
  }

  private evaluateOwn(request: IamRequest): Decision {
    const context = new ContextIndex(request.context ?? {}, request.unknownContextKeys);
    const keys = this.keysOf(request);
    // Every Deny that could apply is checked; the first matching one, in document order, decides. The patterns of a
    // Deny without policy variables are matched once per (action, resource); only the conditions of those that match
    // are judged per request: a role with a thousand wildcard Denies is judged over the catalog's routed calls
    // without re-matching each one.
    const fixed = this.fixedPatternDenies(request, this.denyCandidates(keys));
    let unsureDeny: [StatementRef, string] | undefined;
    for (const entry of fixed.conditional) {
      if (fixed.entry && entry.order > fixed.entry.order) break;
      this.work += entry.cost;
      const match = matchStatement(entry.statement, request, context);
      if (match.kind === "match") return denied(entry);
      if (match.kind === "cannot-judge") unsureDeny ??= [refOf(entry.document, entry.statement), match.why];
    }
    if (fixed.entry) return denied(fixed.entry);
    const stamp = ++this.stamp;
    // Allows: each list is scanned only up to its first match; the earliest match across lists is the one named.
    let allow: Entry | undefined;
    let unsureAllow: [Entry, string] | undefined;
    let blocking: [Entry, BlockingCondition] | undefined;
    const misses: [number, string][] = [];
    for (const list of this.candidateLists(keys, "Allow")) {
      for (const entry of list) {
        if (allow && entry.order >= allow.order) break;
        if (entry.seen === stamp) continue;
        entry.seen = stamp;
        this.work += entry.cost;
        const match = matchStatement(entry.statement, request, context);
        if (match.kind === "match") {
          allow = entry;
          break;
        }
        if (match.kind === "cannot-judge") {
          if (!unsureAllow || entry.order < unsureAllow[0].order) unsureAllow = [entry, match.why];
        } else if (match.stage === "condition") {
          // Statements that name the action and resource but still do not apply are the interesting misses.
          const ref = refOf(entry.document, entry.statement);
          if (!blocking || entry.order < blocking[0].order) {
            blocking = [entry, { statement: ref, clause: match.clause!, text: describeClause(match.clause!), actual: describeContext(match.clause!, context) }];
          }
          if (misses.length < 5) misses.push([entry.order, `statement ${ref.label} names it but ${match.why}`]);
        }
      }
    }
    if (unsureDeny) {
      const [ref, why] = unsureDeny;
      return { allowed: false, verdict: "cannot-judge", statement: ref, reason: `Deny statement ${ref.label} of ${ref.document} may apply: ${why}` };
    }
    if (allow) {
      const ref = refOf(allow.document, allow.statement);
      return { allowed: true, verdict: "allowed", statement: ref, reason: `allowed by statement ${ref.label} of ${ref.document}` };
    }
    if (unsureAllow) {
      const ref = refOf(unsureAllow[0].document, unsureAllow[0].statement);
      return { allowed: false, verdict: "cannot-judge", statement: ref, reason: `only statement ${ref.label} of ${ref.document} could allow it, and ${unsureAllow[1]}` };
    }
    const sorted = misses.sort((a, b) => a[0] - b[0]).map(([, m]) => m);
    const detail = sorted.length > 0 ? `: ${sorted.join("; ")}` : "";
    return {
      allowed: false,
      verdict: "implicit-deny",
      reason: `no statement allows ${request.action} on ${request.resource}${detail}`,
      ...(blocking ? { blockingCondition: blocking[1] } : {}),
      ...(sorted.length > 0 ? { misses: sorted } : {}),
    };
  }
}

/** Everything that decides a statement's outcome, as text (the Sid and position do not). */
function statementKey(s: ParsedStatement): string {
  return JSON.stringify([s.effect, s.action, s.notAction, s.resource, s.notResource, s.conditions.map((c) => [c.operator, c.key, c.values]), s.variables]);
}

/** ARNs compare case-insensitively in their first five fields and exactly in the resource part. */
function normalizeArn(text: string): string {
  const fields = splitArnFields(text);
  if (!fields) return `=${text}`;
  return `${fields[0]}:${fields[1].toLowerCase()}:${fields[2].toLowerCase()}:${fields[3].toLowerCase()}:${fields[4].toLowerCase()}:${fields[5]}`;
}

/** A statement's literal Resource ARNs (normalised), and the Region keys of its other patterns (`*` for any). */
function resourceKeys(statement: ParsedStatement): { literals: string[]; wildRegions: Set<string> } {
  const literals: string[] = [];
  const wildRegions = new Set<string>();
  if (!statement.resource) return { literals, wildRegions: new Set([ANY]) };
  for (const pattern of statement.resource) {
    const fields = patternArnFields(pattern);
    if (fields && !pattern.includes("${") && !hasUnescapedWildcard(pattern, false) && splitArnFields(pattern)) {
      literals.push(normalizeArn(pattern));
      continue;
    }
    const region = fields?.[3];
    wildRegions.add(region === undefined || region.includes("${") || hasUnescapedWildcard(region, false) ? ANY : region.toLowerCase());
  }
  return { literals, wildRegions };
}

function serviceKeys(statement: ParsedStatement): Set<string> {
  if (!statement.action) return new Set([ANY]);
  const keys = new Set<string>();
  for (const pattern of statement.action) {
    const colon = pattern.indexOf(":");
    const service = colon < 0 ? pattern : pattern.slice(0, colon);
    if (colon < 0 || hasUnescapedWildcard(service, false)) return new Set([ANY]);
    keys.add(service.toLowerCase());
  }
  return keys;
}

// Each call indexes anew; callers that judge many requests against the same documents should keep a PolicySet.
const recent = new WeakMap<ParsedDocument[], { set: PolicySet; length: number }>();

function policySetFor(documents: ParsedDocument[]): PolicySet {
  const cached = recent.get(documents);
  if (cached && cached.length === documents.length) return cached.set;
  const set = new PolicySet(documents);
  recent.set(documents, { set, length: documents.length });
  return set;
}

/** One request against identity-policy documents (indexed once per documents array). */
export function evaluateRequest(request: IamRequest, documents: ParsedDocument[]): Decision {
  return policySetFor(documents).evaluate(request);
}

/** Decides each request; the answers keep the requests' order. */
export function evaluateRequests<R extends IamRequest>(requests: R[], documents: ParsedDocument[]): { request: R; decision: Decision }[] {
  const set = policySetFor(documents);
  return requests.map((request) => ({ request, decision: set.evaluate(request) }));
}

function refOf(document: ParsedDocument, statement: ParsedStatement): StatementRef {
  return { document: document.source, index: statement.index, sid: statement.sid, label: statementLabel(statement) };
}

function describeClause(clause: ConditionClause): string {
  const values = clause.values.length === 1 ? `"${clause.values[0]}"` : `[${clause.values.map((v) => `"${v}"`).join(", ")}]`;
  return `${clause.operator} ${clause.key} = ${values}`;
}

function describeContext(clause: ConditionClause, context: ContextIndex): string {
  const values = context.get(clause.key);
  if (!values) return `a request without ${clause.key}`;
  return `${clause.key} = ${JSON.stringify(values.length === 1 && !context.isMultiValued(clause.key) ? values[0] : values)}`;
}
