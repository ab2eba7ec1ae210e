// Remediation (enforcement level "remediate"): rewrite a policy document so that what its grants need is granted,
// written the way the component writes it (bedrock/grants' requiredBedrockStatements), and nothing else:
//  - routed Regions: each literal inference-profile grant gets the foundation-model ARNs its routed calls need,
//    scoped to the profile;
//  - profile ARN: a foundation-model statement tied by bedrock:InferenceProfileArn to a literal profile ARN that the
//    document does not allow gets that profile's own statement (the one ARN, no bedrock:InferenceProfileArn condition).
// CrossGuard hands a remediation one resource at a time, so the document is judged alone: ARNs another policy of the
// role already grants may be added again (harmless), and a Deny or a condition that refuses a call is left for the
// user (the violation names it).
import { AuthorizationRequest, PolicyStatement, requiredBedrockStatements, routedRequests } from "bedrock-sfn/domain";
import { ResolvedModel, resolveModel } from "bedrock-sfn/domain";
import { INVOKE_MODEL, PROFILE_ARN_KEY, REQUESTED_REGION_KEY } from "bedrock-sfn/domain";
import { ParsedDocument, PolicySet, awsRequestContext, clausesOnKey, hasPolicyVariable, hasWildcard, readPolicyDocument } from "bedrock-sfn/domain";
import { bedrockPattern, invokeActionsOf, profileTargets } from "./bedrock-patterns";
import { TYPES } from "./resources";

/** What one remediation adds to a document: statements in the component's form, judged against the document alone. */
type Additions = (document: ParsedDocument, policies: PolicySet) => PolicyStatement[];

/** Resource type -> where its documents are: one property, or a list of inline policies. */
const DOCUMENT_PROPERTIES: Record<string, { property: string } | { list: string; document: string }> = {
  [TYPES.policy]: { property: "policy" },
  [TYPES.rolePolicy]: { property: "policy" },
  [TYPES.nativeManagedPolicy]: { property: "policyDocument" },
  [TYPES.nativeRolePolicy]: { property: "policyDocument" },
  [TYPES.role]: { list: "inlinePolicies", document: "policy" },
  [TYPES.nativeRole]: { list: "policies", document: "policyDocument" },
};

/** The resource's properties with every profile grant's routed model ARNs added, or undefined when nothing is missing. */
export function remediateRoutedGrants(type: string, props: Record<string, unknown>): Record<string, unknown> | undefined {
  return remediateDocuments(type, props, routedAdditions);
}

/** The resource's properties with every profile a model statement is tied to granted, or undefined when nothing is missing. */
export function remediateProfileGrants(type: string, props: Record<string, unknown>): Record<string, unknown> | undefined {
  return remediateDocuments(type, props, profileAdditions);
}

function remediateDocuments(type: string, props: Record<string, unknown>, additions: Additions): Record<string, unknown> | undefined {
  const where = DOCUMENT_PROPERTIES[type];
  if (!where) return undefined;
  if ("property" in where) {
    const fixed = completedDocument(props[where.property], additions);
    return fixed === undefined ? undefined : { ...props, [where.property]: fixed };
  }
  const list = props[where.list];
  if (!Array.isArray(list)) return undefined;
  let changed = false;
  const entries = list.map((entry) => {
    if (typeof entry !== "object" || entry === null) return entry;
    const fixed = completedDocument((entry as Record<string, unknown>)[where.document], additions);
    if (fixed === undefined) return entry;
    changed = true;
    return { ...(entry as Record<string, unknown>), [where.document]: fixed };
  });
  return changed ? { ...props, [where.list]: entries } : undefined;
}

/** The document with the missing statements appended, in its own form (JSON text or object); undefined if complete. */
function completedDocument(value: unknown, additions: Additions): unknown {
  if (typeof value !== "string" && (typeof value !== "object" || value === null)) return undefined;
  const read = readPolicyDocument(value, "document");
  if (!read.document) return undefined;
  const { context, unknownKeys } = awsRequestContext();
  const added = additions(read.document, new PolicySet([read.document], { context, unknownContextKeys: unknownKeys }));
  if (added.length === 0) return undefined;
  const raw = (typeof value === "string" ? JSON.parse(value) : structuredClone(value)) as { Statement: unknown };
  const statements = Array.isArray(raw.Statement) ? raw.Statement : [raw.Statement];
  const sids = new Set(statements.map((s) => (s as { Sid?: unknown })?.Sid).filter((s) => typeof s === "string"));
  for (const statement of added) {
    let sid = statement.Sid ?? "RoutedRegions";
    for (let n = 2; sids.has(sid); n++) sid = `${statement.Sid}${n}`;
    sids.add(sid);
    statements.push({ ...statement, Sid: sid });
  }
  const fixed = { ...raw, Statement: statements };
  return typeof value === "string" ? JSON.stringify(fixed) : fixed;
}

/** For each literal profile grant, the component's model statements cut down to the routed ARNs the document lacks. */
function routedAdditions(document: ParsedDocument, policies: PolicySet): PolicyStatement[] {
  const added: PolicyStatement[] = [];
  const done = new Set<string>();
  for (const statement of document.statements) {
    if (statement.effect !== "Allow") continue;
    const actions = invokeActionsOf(statement);
    if (actions.length === 0) continue;
    for (const text of statement.resource ?? []) {
      const pattern = bedrockPattern(text);
      if (pattern?.type !== "inference-profile" || hasWildcard(text) || text.includes("${") || done.has(text)) continue;
      done.add(text);
      const [target] = profileTargets(pattern).targets;
      if (!target) continue;
      let model: ResolvedModel;
      try {
        model = resolveModel({ modelId: target.profileArn, sourceRegion: target.sourceRegion, account: target.account });
      } catch {
        continue;
      }
      const [first, ...routed] = routedRequests(model);
      // A profile call the document itself refuses is not this remediation's to fix.
      if (!policies.evaluate(first).allowed) continue;
      const missing = new Set(routed.filter((r) => isAbsent(policies, r, actions)).map((r) => r.resource));
      if (missing.size === 0) continue;
      added.push(...missingStatements(model, missing, actions));
    }
  }
  return added;
}

/**
 * For each literal profile ARN that an Allow of foundation models names in its bedrock:InferenceProfileArn condition
 * (StringEquals / ArnEquals, or a Like operator with a value without wildcards) and that the document does not allow,
 * the profile's statement as the component writes it, with the model statement's own invoke actions. Which profile
 * a user meant is known only there: a model grant without such a condition names none, so it is left to the message.
 */
function profileAdditions(document: ParsedDocument, policies: PolicySet): PolicyStatement[] {
  const wanted = new Map<string, Set<string>>();
  for (const statement of document.statements) {
    if (statement.effect !== "Allow") continue;
    const actions = invokeActionsOf(statement);
    if (actions.length === 0 || !(statement.resource ?? []).some((t) => bedrockPattern(t)?.type === "foundation-model")) continue;
    for (const clause of clausesOnKey(statement.conditions, PROFILE_ARN_KEY)) {
      if (clause.unsupported || clause.set || !clause.base || !["StringEquals", "ArnEquals", "StringLike", "ArnLike"].includes(clause.base)) continue;
      for (const value of clause.values) {
        const type = bedrockPattern(value)?.type;
        if ((type !== "inference-profile" && type !== "application-inference-profile") || hasWildcard(value) || hasPolicyVariable(value) || /\s/.test(value)) continue;
        const entry = wanted.get(value) ?? new Set<string>();
        for (const action of actions) entry.add(action);
        wanted.set(value, entry);
      }
    }
  }
  const added: PolicyStatement[] = [];
  for (const [arn, actionSet] of wanted) {
    const pattern = bedrockPattern(arn)!;
    const actions = [...actionSet];
    const request = { resource: arn, context: { [REQUESTED_REGION_KEY]: pattern.region } };
    // Only an absence is fixed: a Deny or a condition that refuses the profile call is the user's to change.
    if (!actions.some((action) => isAbsent(policies, { ...request, action, region: pattern.region, why: "" }, [action]))) continue;
    added.push({ ...profileStatement(arn, pattern.region, pattern.account), Action: actions });
  }
  return added;
}

/** The component's statement for the profile ARN itself (a global profile's carries its source-Region condition). */
function profileStatement(arn: string, region: string, account: string): PolicyStatement {
  try {
    const [statement] = requiredBedrockStatements(resolveModel({ modelId: arn, sourceRegion: region, account }));
    if (statement && (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).includes(arn)) return statement;
  } catch {
    // A geographic profile the catalog does not list: its own statement needs no routing.
  }
  const application = bedrockPattern(arn)?.type === "application-inference-profile";
  return { Sid: application ? "InvokeApplicationInferenceProfile" : "InvokeInferenceProfile", Effect: "Allow", Action: [INVOKE_MODEL], Resource: [arn] };
}

/** No statement names the routed ARN for some invoke action (a Deny or a failing condition is not an absence). */
function isAbsent(policies: PolicySet, request: AuthorizationRequest, actions: string[]): boolean {
  return actions.some((action) => {
    const decision = policies.evaluate({ ...request, action });
    return decision.verdict === "implicit-deny" && !decision.blockingCondition;
  });
}

/** The component's statements for the model, cut down to the ARNs that are missing, with the grant's own actions. */
function missingStatements(model: ResolvedModel, missing: Set<string>, actions: string[]): PolicyStatement[] {
  const out: PolicyStatement[] = [];
  for (const statement of requiredBedrockStatements(model)) {
    const resources = (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).filter((r) => missing.has(r));
    if (resources.length === 0) continue;
    out.push({ ...statement, Action: actions, Resource: resources });
  }
  return out;
}
