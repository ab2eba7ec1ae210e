// Rule 1: a grant on a system inference profile must come with grants on its foundation model in every Region
// the profile routes to from its source Region; otherwise calls that land there fail. Judged per role over the union
// of its policies in the stack (IAM unions them), and per document for policies attached to no role in the stack.
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { uniqueBy } from "../lib/unique";
import { remediateRoutedGrants } from "../lib/remediation";
import { plainProperties } from "../lib/values";
import { AuthorizationRequest, routedRequests } from "bedrock-sfn/domain";
import { ResolvedModel, RoutingError, resolveModel } from "bedrock-sfn/domain";
import { Decision, ParsedDocument, statementLabel } from "bedrock-sfn/domain";
import { BedrockPattern, ProfileTarget, accountsInDocuments, bedrockPattern, invokeActionsOf, profileTargets } from "../lib/bedrock-patterns";
import { Finding, arnList, eachSafely, limit, note, violation } from "../lib/findings";
import { stackPolicy } from "../lib/policy";
import { routedRegionsSchema } from "../lib/config";
import { PackResource } from "../lib/resources";
import { DocumentScope, documentScopes, principalContext } from "../lib/role-policies";
import { PLACEHOLDER_ACCOUNT } from "bedrock-sfn/domain";

const ROUTED_REGIONS = "bedrock-profile-routed-regions";

export const routedRegionsPolicy: StackValidationPolicy & Pick<ResourceValidationPolicy, "remediateResource"> = stackPolicy(
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
    configSchema: routedRegionsSchema,
  },
  routedRegionFindingsInStack,
  // At enforcement level "remediate", CrossGuard calls this for each resource before the stack is analysed.
  (args) => remediateRoutedGrants(args.type, plainProperties(args.props)),
);

/**
 * Pattern characters the evaluator may scan for one role (see PolicySet.work). A role at IAM's quotas (10,240
 * characters inline, 10 managed policies of 6,144) with a wildcard profile grant over the whole catalog and a
 * thousand wildcard Denies needs about 56 million (bench/policy-pack-grpc.ts, "role at IAM's quotas"); past the
 * bound the grant is reported as not judged (mandatory unless configured), never passed.
 */
const WORK_BUDGET = 64_000_000;

type Scope = Pick<DocumentScope, "policies" | "accounts" | "scope" | "principal">;

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
// (action, profile ARN) pairs already judged, per role: every document of a role decides against the same policies,
// so a pair granted by several of them (a wildcard in each of ten managed policies) is judged once.
const checkedPairs = new WeakMap<object, Set<string>>();

function documentFindings(document: ParsedDocument, scope: Scope, urn: string): Finding[] {
  let checked = checkedPairs.get(scope.policies);
  if (!checked) {
    checked = new Set<string>();
    checkedPairs.set(scope.policies, checked);
  }
  const seenPatterns = new Set<string>();
  const grants = document.statements.filter((s) => s.effect === "Allow" && invokeActionsOf(s).length > 0);
  return eachSafely(
    grants,
    (s) => `${document.source}, statement ${statementLabel(s)}`,
    (statement) => {
      const where = `${document.source}, statement ${statementLabel(statement)}`;
      const out: Finding[] = [];
      // An Allow with NotResource grants every ARN it does not name, profiles included: judged as a grant on "*",
      // whose carve-outs the evaluator applies to each routed call.
      const texts = statement.resource ?? [`*`];
      for (const text of texts) {
        if (seenPatterns.has(text) && statement.resource) continue;
        seenPatterns.add(text);
        const pattern = statement.resource ? bedrockPattern(text) : { ...bedrockPattern("*")!, text: `NotResource ${JSON.stringify(statement.notResource)}` };
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
        limit(
          `Narrow ${pattern.text} (${where}) to the profiles you use, or simplify the role's Deny statements: the pack stopped after ${done} of the ` +
            `${targets.length} (profile, source Region) pairs it grants, at its work bound, so the rest are not judged and may fail at run time.\n` +
            `  Why: every pair is judged against every statement that could apply; this role's statements x pairs exceed what the pack judges within its time bound ` +
            `(set for roles at IAM's own quotas). Set "beyondLimits": "advisory" in this policy's config to accept unjudged grants.`,
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
    // The context AWS fills for the role calling from the profile's source Region (its account is the one the
    // system profile ARN carries); the same for the profile call and every routed call.
    const principal = principalContext(scope.principal, target.account === PLACEHOLDER_ACCOUNT ? undefined : target.account, target.partition);
    const [first, ...routed] = routedRequests(model).map((r) => ({ ...r, action, context: { ...principal, ...r.context } }));
    if (!wildcard && scope.principal.account && target.account !== scope.principal.account) {
      findings.push(
        violation(
          `Write ${pattern.text} with the role's own account ${scope.principal.account} (${where}): a system inference-profile ARN carries the caller's account, ` +
            `so a profile ARN in account ${target.account} matches no call the role makes.`,
          urn,
        ),
      );
      continue;
    }
    const profileDecision = scope.policies.evaluate(first);
    if (!profileDecision.allowed) {
      // A wildcard grant names profiles it does not really allow (another statement's Deny, a condition): skip them.
      // A literal one that no real call can use is a broken grant: say what refuses it.
      if (!wildcard) findings.push(refusedProfile(profileDecision, action, model.invokedArn, where, urn));
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
      (pattern.text.startsWith("NotResource")
        ? `Remove the carve-out of ${pattern.text} that excludes Regions inference profiles route to, or use Resource with the profile you use: ${where} is an Allow with ${pattern.text}, so it grants every inference profile it does not name (${gaps[0].action}); for`
        : `Narrow ${pattern.text} to the profile you use, or widen the foundation-model grant: ${where} grants inference profiles by the wildcard ${pattern.text} (${gaps[0].action}); for`) +
        ` ${gaps.length} of the ${targets.length} catalogued (profile, source Region) ` +
        `pairs it matches, ${scope.scope} ${doNot(scope)} allow the foundation model in every Region the profile routes to. ` +
        `First ${examples.length}, with the ARNs to add:${examples.join("")}`,
      urn,
    ),
  ];
}

/** A literal profile grant that no call from its source Region can use, with what refuses it. */
function refusedProfile(decision: Decision, action: string, arn: string, where: string, urn: string): Finding {
  const then = `which ${where} grants, so every call through the profile fails with AccessDeniedException`;
  if (decision.verdict === "cannot-judge") return note(`${where}: whether ${action} on ${arn} is allowed depends on ${decision.reason}`, urn);
  if (decision.verdict === "explicit-deny") {
    const owner = decision.byBoundary ? "the permissions boundary's " : "";
    return violation(`Remove or narrow ${owner}${denyName(decision)}: it refuses ${action} on ${arn}, ${then}.`, urn);
  }
  if (decision.byBoundary) {
    return violation(
      `Allow ${action} on ${arn} in the role's permissions boundary: the role's policies grant it (${where}), but the boundary does not, so every call through the profile fails.\n  Why: ${decision.reason}`,
      urn,
    );
  }
  const b = decision.blockingCondition;
  if (b) {
    return violation(
      `Change ${conditionName(decision)}: it does not hold for ${b.actual} when the role calls ${arn} from its source Region, ${then}.\n  Why: ${decision.reason}`,
      urn,
    );
  }
  return violation(`Allow ${action} on ${arn}: ${where} names it, but ${decision.reason}.`, urn);
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
  const conditioned = missing.filter((m) => m.decision.verdict !== "explicit-deny" && m.decision.blockingCondition && !m.decision.byBoundary);
  const bounded = missing.filter((m) => m.decision.verdict !== "explicit-deny" && m.decision.byBoundary);
  const absent = missing.filter((m) => m.decision.verdict !== "explicit-deny" && !m.decision.blockingCondition && !m.decision.byBoundary);
  const routing =
    model.routing.kind === "global"
      ? `a global profile: AWS authorises each call on the model in ${model.sourceRegion} and on the Region-less model ARN`
      : `it routes calls from ${model.sourceRegion} to ${model.routing.kind === "regions" ? model.routing.regions.length : 1} Regions`;
  const todo: string[] = [];
  for (const deny of unique(denied.map((m) => denyName(m.decision)))) {
    const arns = denied.filter((m) => denyName(m.decision) === deny).map((m) => m.request.resource);
    todo.push(`Remove or narrow ${deny}: it refuses ${action} on ${arns.length} model ARN(s) the profile routes to:${arnList(arns)}`);
  }
  if (bounded.length > 0) {
    todo.push(`Allow ${action} on these ARNs in the role's permissions boundary (the role's own policies already allow them):${arnList(bounded.map((m) => m.request.resource))}`);
  }
  for (const text of unique(conditioned.filter((m) => !m.decision.byBoundary).map((m) => conditionName(m.decision)))) {
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
  return uniqueBy(findings, (f) => `${f.urn}|${f.message}`);
}

const doNot = (scope: Scope) => (scope.scope.startsWith("the policies") ? "do not" : "does not");
