// Rule 1: a grant on a system inference profile must come with grants on its foundation model in every Region
// the profile routes to from its source Region; otherwise calls that land there fail. Judged per role over the union
// of its policies in the stack (IAM unions them), and per document for policies attached to no role in the stack.
import type { StackValidationPolicy } from "@pulumi/policy";
import { AuthorizationRequest, routedRequests, ResolvedModel, RoutingError, resolveModel, Decision, ParsedDocument, statementLabel } from "bedrock-sfn/domain";
import { BedrockPattern, ProfileTarget, accountsInDocuments, bedrockPattern, invokeActionsOf, profileTargets } from "../lib/bedrock-patterns";
import { Finding, arnList, eachSafely, note, violation } from "../lib/findings";
import { stackPolicy } from "../lib/policy";
import { PackResource } from "../lib/resources";
import { DocumentScope, documentScopes } from "../lib/role-policies";

const ROUTED_REGIONS = "bedrock-profile-routed-regions";

export const routedRegionsPolicy: StackValidationPolicy = stackPolicy(
  {
    name: ROUTED_REGIONS,
    description:
      "An IAM policy that allows bedrock:InvokeModel (or InvokeModelWithResponseStream) on a system inference profile must, " +
      "together with the other policies of the same role, also allow the profile's foundation model in every Region the " +
      "profile routes to from its source Region (for 'global.' profiles: the model in the source Region and the Region-less " +
      "arn:aws:bedrock:::foundation-model/<model-id>). Otherwise calls that Bedrock routes to a missing Region fail at run " +
      "time with AccessDeniedException. Fix: add the foundation-model ARNs listed (or a Region wildcard that covers them, " +
      "such as arn:aws:bedrock:ap-*::foundation-model/<model-id>), or change the Deny or condition the message names.",
    enforcementLevel: "mandatory",
  },
  routedRegionFindingsInStack,
);

/** Pattern characters the evaluator may scan for one role or document (see PolicySet.work): a few hundred ms. */
const WORK_BUDGET = 100_000_000;

type Scope = Pick<DocumentScope, "policies" | "accounts" | "scope">;

interface Gap {
  target: ProfileTarget;
  model: ResolvedModel;
  action: string;
  missing: { request: AuthorizationRequest; decision: Decision }[];
}

function routedRegionFindingsInStack(resources: PackResource[]): Finding[] {
  const { scopes, notes } = documentScopes(resources, accountsInDocuments);
  const findings = eachSafely(
    scopes,
    (s) => s.document.source,
    (s) => documentFindings(s.document, s, s.from.urn),
  );
  return dedupe([...notes, ...findings]);
}

/** Every profile grant of one document, judged against the scope's policies; a statement that fails never hides the others. */
function documentFindings(document: ParsedDocument, scope: Scope, urn: string): Finding[] {
  const checked = new Set<string>();
  const seenPatterns = new Set<string>();
  const grants = document.statements.filter((s) => s.effect === "Allow" && invokeActionsOf(s).length > 0);
  return eachSafely(
    grants,
    (s) => `${document.source}, statement ${statementLabel(s)}`,
    (statement) => {
      const where = `${document.source}, statement ${statementLabel(statement)}`;
      const out: Finding[] = [];
      for (const text of statement.resource ?? []) {
        if (seenPatterns.has(text)) continue;
        seenPatterns.add(text);
        const pattern = bedrockPattern(text);
        if (!pattern) continue;
        // Streaming is checked only when plain invocation has no gap: one fix (the same ARNs) serves both.
        for (const action of invokeActionsOf(statement)) {
          const found = checkProfilePattern(pattern, action, scope, where, checked, urn);
          out.push(...found);
          if (found.some((f) => f.kind === "violation")) break;
        }
      }
      return out;
    },
  );
}

function checkProfilePattern(pattern: BedrockPattern, action: string, scope: Scope, where: string, checked: Set<string>, urn: string): Finding[] {
  const { targets, wildcard, uncatalogued, impossible } = profileTargets(pattern, scope.accounts);
  if (uncatalogued) {
    return [
      note(
        `${where} grants inference profile '${uncatalogued}', which the routing catalog does not list, so its destination Regions are unknown offline (aws bedrock get-inference-profile --inference-profile-identifier ${uncatalogued} lists them)`,
        urn,
      ),
    ];
  }
  if (impossible) return [violation(`${where}: ${impossible}.`, urn)];
  const gaps: Gap[] = [];
  const findings: Finding[] = [];
  let done = 0;
  for (const target of targets) {
    // Bounded work: a wildcard over hundreds of profiles against thousands of star-heavy statements stops with a note.
    if (scope.policies.work > WORK_BUDGET) {
      findings.push(
        note(
          `${where}: only ${done} of the ${targets.length} (profile, source Region) pairs that ${pattern.text} matches were checked; the policies are too large to check every one within the time budget (IAM's own size quota allows far smaller policies)`,
          urn,
        ),
      );
      break;
    }
    done++;
    const key = `${action}|${target.profileArn}`;
    if (checked.has(key)) continue;
    checked.add(key);
    let model: ResolvedModel;
    try {
      model = resolveModel({ modelId: target.profileArn, sourceRegion: target.sourceRegion, account: target.account });
    } catch (e) {
      if (!(e instanceof RoutingError) || wildcard) continue;
      findings.push(note(`${where}: ${e.message}`, urn));
      continue;
    }
    const [first, ...routed] = routedRequests(model).map((r) => ({ ...r, action }));
    // A grant whose own Deny or condition refuses the profile call grants nothing: other rules and messages say why.
    const profileDecision = scope.policies.evaluate(first);
    if (!profileDecision.allowed) {
      if (!wildcard && profileDecision.verdict === "explicit-deny") {
        findings.push(
          violation(
            `Remove or narrow ${denyName(profileDecision)}: it refuses ${action} on ${model.invokedArn}, which ${where} grants, so every call through the profile fails.`,
            urn,
          ),
        );
      }
      continue;
    }
    const results = routed.map((request) => ({ request, decision: scope.policies.evaluate(request) }));
    const unsure = results.filter((r) => r.decision.verdict === "cannot-judge");
    if (unsure.length > 0 && !wildcard) {
      findings.push(note(`${where}: whether ${model.invokedArn} can reach ${unsure.map((u) => u.request.region).join(", ")} depends on ${unsure[0].decision.reason}`, urn));
    }
    const missing = results.filter((r) => !r.decision.allowed && r.decision.verdict !== "cannot-judge");
    if (missing.length > 0) gaps.push({ target, model, action, missing });
  }
  if (gaps.length === 0) return findings;
  if (!wildcard) return [...findings, ...gaps.map((gap) => violation(describeGap(where, gap, scope), urn))];
  const examples = gaps.slice(0, 3).map((gap) => `\n  - ${gap.model.invokedArn} misses ${regionNames(gap).join(", ")}:${arnList(gap.missing.map((m) => m.request.resource))}`);
  return [
    ...findings,
    violation(
      `Narrow ${pattern.text} to the profile you use, or widen the foundation-model grant: ${where} grants inference profiles ` +
        `by the wildcard ${pattern.text} (${gaps[0].action}); for ${gaps.length} of the ${targets.length} catalogued (profile, source Region) ` +
        `pairs it matches, ${scope.scope} ${doNot(scope)} allow the foundation model in every Region the profile routes to. ` +
        `First ${examples.length}, with the ARNs to add:${examples.join("")}`,
      urn,
    ),
  ];
}

function denyName(decision: Decision): string {
  const s = decision.statement;
  return s ? `Deny statement ${s.label} of ${s.document}` : "the Deny statement that applies";
}

function regionNames(gap: Gap): string[] {
  return gap.missing.map((m) => (m.request.region === "unspecified" ? 'Region-less (aws:RequestedRegion "unspecified")' : m.request.region));
}

/** The first line says what to change: the Deny, the condition, or the ARNs to add. */
function describeGap(where: string, gap: Gap, scope: Scope): string {
  const { model, missing, action } = gap;
  const regions = regionNames(gap);
  const denied = missing.filter((m) => m.decision.verdict === "explicit-deny");
  const conditioned = missing.filter((m) => m.decision.verdict !== "explicit-deny" && m.decision.blockingCondition);
  const absent = missing.filter((m) => m.decision.verdict !== "explicit-deny" && !m.decision.blockingCondition);
  const routing =
    model.routing.kind === "global"
      ? `a global profile: AWS authorises each call on the model in ${model.sourceRegion} and on the Region-less model ARN`
      : `it routes calls from ${model.sourceRegion} to ${model.routing.kind === "regions" ? model.routing.regions.length : 1} Regions`;
  const todo: string[] = [];
  for (const deny of unique(denied.map((m) => denyName(m.decision)))) {
    const arns = denied.filter((m) => denyName(m.decision) === deny).map((m) => m.request.resource);
    todo.push(`Remove or narrow ${deny}: it refuses ${action} on ${arns.length} model ARN(s) the profile routes to:${arnList(arns)}`);
  }
  for (const text of unique(conditioned.map((m) => conditionName(m.decision)))) {
    const hit = conditioned.filter((m) => conditionName(m.decision) === text);
    todo.push(`Change ${text}: it does not hold for ${hit[0].decision.blockingCondition!.actual} when the profile routes a call to ${hit.map((m) => m.request.region).join(", ")}`);
  }
  if (absent.length > 0) {
    todo.push(
      `Add these ARNs to an Allow statement for ${action} (tie them to the profile with Condition StringEquals ` +
        `bedrock:InferenceProfileArn = ${model.invokedArn}):${arnList(absent.map((m) => m.request.resource))}`,
    );
  }
  const reasons = missing.filter((m) => m.decision.verdict === "explicit-deny" || m.decision.blockingCondition).map((m) => `\n    ${m.request.region}: ${m.decision.reason}`);
  return (
    `${todo.join("\n")}\n  Why: ${where} grants inference profile ${model.invokedArn} (${routing}), but ${scope.scope} ${doNot(scope)} allow ` +
    `${action} on its foundation model ${model.foundationModelId} in ${missing.length} of them: ${regions.join(", ")}.` +
    (reasons.length > 0 ? reasons.join("") : "")
  );
}

function conditionName(decision: Decision): string {
  const b = decision.blockingCondition!;
  return `the condition ${b.text} of statement ${b.statement.label} of ${b.statement.document}`;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.urn}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const doNot = (scope: Scope) => (scope.scope.startsWith("the policies") ? "do not" : "does not");
