// Remediation (enforcement level "remediate"): rewrite a policy document so that each literal inference-profile
// grant comes with the foundation-model ARNs its routed calls need, scoped to the profile the way the component
// writes them (bedrock/grants' requiredBedrockStatements), and nothing else. CrossGuard hands a remediation one
// resource at a time, so the document is judged alone: ARNs another policy of the role already grants may be added
// again (harmless), and a Deny or a condition that refuses a call is left for the user (the violation names it).
import { AuthorizationRequest, PolicyStatement, requiredBedrockStatements, routedRequests } from "bedrock-sfn/domain";
import { ResolvedModel, resolveModel } from "bedrock-sfn/domain";
import { PolicySet, awsRequestContext, hasWildcard, readPolicyDocument } from "bedrock-sfn/domain";
import { bedrockPattern, invokeActionsOf, profileTargets } from "./bedrock-patterns";
import { TYPES } from "./resources";

/** Resource type -> where its documents are: one property, or a list of inline policies. */
const DOCUMENT_PROPERTIES: Record<string, { property: string } | { list: string; document: string }> = {
  [TYPES.policy]: { property: "policy" },
  [TYPES.rolePolicy]: { property: "policy" },
  [TYPES.nativeManagedPolicy]: { property: "policyDocument" },
  [TYPES.nativeRolePolicy]: { property: "policyDocument" },
  [TYPES.role]: { list: "inlinePolicies", document: "policy" },
  [TYPES.nativeRole]: { list: "policies", document: "policyDocument" },
};

/** The resource's properties with every document completed, or undefined when nothing is missing. */
export function remediateRoutedGrants(type: string, props: Record<string, unknown>): Record<string, unknown> | undefined {
  const where = DOCUMENT_PROPERTIES[type];
  if (!where) return undefined;
  if ("property" in where) {
    const fixed = completedDocument(props[where.property]);
    return fixed === undefined ? undefined : { ...props, [where.property]: fixed };
  }
  const list = props[where.list];
  if (!Array.isArray(list)) return undefined;
  let changed = false;
  const entries = list.map((entry) => {
    if (typeof entry !== "object" || entry === null) return entry;
    const fixed = completedDocument((entry as Record<string, unknown>)[where.document]);
    if (fixed === undefined) return entry;
    changed = true;
    return { ...(entry as Record<string, unknown>), [where.document]: fixed };
  });
  return changed ? { ...props, [where.list]: entries } : undefined;
}

/** The document with the missing model statements appended, in its own form (JSON text or object); undefined if complete. */
function completedDocument(value: unknown): unknown {
  if (typeof value !== "string" && (typeof value !== "object" || value === null)) return undefined;
  const read = readPolicyDocument(value, "document");
  if (!read.document) return undefined;
  const raw = (typeof value === "string" ? JSON.parse(value) : structuredClone(value)) as { Statement: unknown };
  const { context, unknownKeys } = awsRequestContext();
  const policies = new PolicySet([read.document], { context, unknownContextKeys: unknownKeys });
  const added: PolicyStatement[] = [];
  const done = new Set<string>();
  for (const statement of read.document.statements) {
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
  if (added.length === 0) return undefined;
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
