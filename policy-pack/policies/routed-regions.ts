// Rule 1: a grant on a system inference profile must come with grants on its foundation model in every Region
// the profile routes to from its source Region, in the same document; otherwise calls that land there fail.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AuthorizationRequest, routedRequests } from "../../bedrock/grants";
import { ResolvedModel, RoutingError, resolveModel } from "../../bedrock/resolve";
import { catalogProfile } from "../../bedrock/routing";
import { Decision, ParsedDocument, evaluateRequest, statementLabel } from "../../iam";
import { BedrockPattern, ProfileTarget, bedrockPattern, invokeAllowStatements, profileTargets } from "../lib/bedrock-patterns";
import { readResourceDocuments } from "../lib/documents";
import { Finding, arnList, note, reportFindings, safely, violation } from "../lib/findings";
import { PackResource, toPackResource } from "../lib/resources";

export const ROUTED_REGIONS = "bedrock-profile-routed-regions";

export const routedRegionsPolicy: ResourceValidationPolicy = {
  name: ROUTED_REGIONS,
  description:
    "An IAM policy that allows bedrock:InvokeModel on a system inference profile must, in the same document, also allow " +
    "the profile's foundation model in every Region the profile routes to from its source Region (for 'global.' profiles: " +
    "the model in the source Region and the Region-less arn:aws:bedrock:::foundation-model/<model-id>). Otherwise calls " +
    "that Bedrock routes to a missing Region fail at run time with AccessDeniedException. Fix: add the foundation-model " +
    "ARNs listed below (or a Region wildcard that covers them, such as arn:aws:bedrock:ap-*::foundation-model/<model-id>).",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    reportFindings(safely(`${args.type} '${args.name}'`, () => routedRegionFindings(toPackResource(args))), reportViolation);
  },
};

interface Gap {
  target: ProfileTarget;
  model: ResolvedModel;
  missing: { request: AuthorizationRequest; decision: Decision }[];
}

/** The findings of this rule for one resource. */
export function routedRegionFindings(resource: PackResource): Finding[] {
  const findings: Finding[] = [];
  for (const document of readResourceDocuments(resource).documents) {
    const checked = new Set<string>();
    for (const { statement } of invokeAllowStatements([document])) {
      for (const text of statement.resource ?? []) {
        const pattern = bedrockPattern(text);
        if (!pattern || pattern.type !== "inference-profile") continue;
        const where = `${document.source}, statement ${statementLabel(statement)}`;
        findings.push(...checkProfilePattern(pattern, document, where, checked));
      }
    }
  }
  return findings;
}

function checkProfilePattern(pattern: BedrockPattern, document: ParsedDocument, where: string, checked: Set<string>): Finding[] {
  const { targets, wildcard, uncatalogued } = profileTargets(pattern);
  if (uncatalogued) {
    return [note(`${where} grants inference profile '${uncatalogued}', which the routing catalog does not list, so its destination Regions are unknown offline (aws bedrock get-inference-profile --inference-profile-identifier ${uncatalogued} lists them)`)];
  }
  if (targets.length === 0 && !wildcard) {
    const sources = Object.keys(catalogProfile(pattern.id)?.sourceToDestinations ?? {}).sort();
    return [note(`${where} grants ${pattern.text}, but the routing catalog lists no call of ${pattern.id} from '${pattern.region}' (it is callable from: ${sources.join(", ")})`)];
  }
  const gaps: Gap[] = [];
  const findings: Finding[] = [];
  for (const target of targets) {
    if (checked.has(target.profileArn)) continue;
    checked.add(target.profileArn);
    let model: ResolvedModel;
    try {
      model = resolveModel({ modelId: target.profileArn, sourceRegion: target.sourceRegion, account: target.account });
    } catch (e) {
      if (!(e instanceof RoutingError) || wildcard) continue;
      findings.push(note(`${where}: ${e.message}`));
      continue;
    }
    // The first routed request is the profile itself, granted by this statement; the rest are the models it routes to.
    const results = routedRequests(model).slice(1).map((request) => ({ request, decision: evaluateRequest(request, [document]) }));
    const unsure = results.filter((r) => r.decision.verdict === "cannot-judge");
    if (unsure.length > 0 && !wildcard) {
      findings.push(note(`${where}: whether ${model.invokedArn} can reach ${unsure.map((u) => u.request.region).join(", ")} depends on ${unsure[0].decision.reason}`));
    }
    const missing = results.filter((r) => !r.decision.allowed && r.decision.verdict !== "cannot-judge");
    if (missing.length > 0) gaps.push({ target, model, missing });
  }
  if (gaps.length === 0) return findings;
  if (!wildcard) return [...findings, ...gaps.map((gap) => violation(describeGap(where, gap)))];
  const examples = gaps.slice(0, 3).map((gap) => `\n  - ${gap.model.invokedArn} misses ${regionNames(gap).join(", ")}:${arnList(gap.missing.map((m) => m.request.resource))}`);
  return [
    ...findings,
    violation(
      `${where} grants inference profiles by the wildcard ${pattern.text}; for ${gaps.length} of the ${targets.length} catalogued ` +
        `(profile, source Region) pairs it matches, the document does not allow the foundation model in every Region the ` +
        `profile routes to. Narrow the wildcard to the profile you use, or widen the foundation-model grant. ` +
        `First ${examples.length}, with the ARNs to add:${examples.join("")}`,
    ),
  ];
}

function regionNames(gap: Gap): string[] {
  return gap.missing.map((m) => (m.request.region === "unspecified" ? "Region-less (aws:RequestedRegion \"unspecified\")" : m.request.region));
}

function describeGap(where: string, gap: Gap): string {
  const { model, missing } = gap;
  const arns = missing.map((m) => m.request.resource);
  const regions = regionNames(gap);
  const reasons = missing
    .filter((m) => m.decision.verdict === "explicit-deny" || / names it but /.test(m.decision.reason))
    .map((m) => `\n    ${m.request.region}: ${m.decision.reason}`);
  const routing =
    model.routing.kind === "global"
      ? `a global profile: AWS authorises each call on the model in ${model.sourceRegion} and on the Region-less model ARN`
      : `it routes calls from ${model.sourceRegion} to ${model.routing.kind === "regions" ? model.routing.regions.length : 1} Regions`;
  return (
    `${where} grants inference profile ${model.invokedArn} (${routing}), but the same document does not allow ` +
    `bedrock:InvokeModel on its foundation model ${model.foundationModelId} in ${missing.length} of them: ${regions.join(", ")}.` +
    (reasons.length > 0 ? ` Why:${reasons.join("")}` : "") +
    `\n  Add these ARNs to an Allow statement for bedrock:InvokeModel (tie them to the profile with Condition ` +
    `StringEquals bedrock:InferenceProfileArn = ${model.invokedArn}):${arnList(arns)}`
  );
}
