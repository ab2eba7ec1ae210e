// Rule 2: the inference-profile ARN itself must be granted, correctly, wherever a policy is written for a profile:
//  - a profile ID inside a foundation-model ARN matches no model;
//  - foundation-model grants across Regions (the shape of cross-Region inference) need a grant on a profile;
//  - a model statement tied to a profile by bedrock:InferenceProfileArn needs that profile granted too;
//  - a profile statement conditioned on bedrock:InferenceProfileArn never matches (AWS leaves the key unset there).
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { PLACEHOLDER_ACCOUNT, foundationModelArn, inferenceProfileArn, partitionOf } from "bedrock-sfn/domain";
import { INVOKE_MODEL, PROFILE_ARN_KEY, REQUESTED_REGION_KEY } from "bedrock-sfn/domain";
import { PROFILE_PREFIXES } from "bedrock-sfn/domain";
import { catalogProfile, catalogProfileIds } from "bedrock-sfn/domain";
import {
  ParsedDocument,
  ParsedStatement,
  PolicySet,
  clausesOnKey,
  evaluateClause,
  hasWildcard,
  matchesWildcard,
  statementLabel,
  variablesAsWildcards,
  hasPolicyVariable,
} from "bedrock-sfn/domain";
import { accountsInDocuments, bedrockPattern, coversInvokeModel, invokeAllowStatements, profilePrefixOf, routedModelArnsOf } from "../lib/bedrock-patterns";
import { DocumentScope, documentScopes } from "../lib/role-policies";
import { Finding, arnList, eachSafely, violation } from "../lib/findings";
import { stackPolicy } from "../lib/policy";
import { catalogFileSchema } from "../lib/config";
import { PackResource } from "../lib/resources";
import { remediateProfileGrants } from "../lib/remediation";
import { plainProperties } from "../lib/values";

const INFERENCE_PROFILE_ARN = "bedrock-inference-profile-arn";

export const inferenceProfileArnPolicy: StackValidationPolicy & Pick<ResourceValidationPolicy, "remediateResource"> = stackPolicy(
  {
    name: INFERENCE_PROFILE_ARN,
    description:
      "Calls through a cross-Region inference profile are authorised first on the inference-profile ARN " +
      "(arn:aws:bedrock:<region>:<account>:inference-profile/<profile-id>), then on the foundation model in the Region the " +
      "call lands in. Fix: grant the inference-profile ARN in its own statement without a bedrock:InferenceProfileArn " +
      "condition, and grant the foundation model as arn:aws:bedrock:<region>::foundation-model/<model-id> (the model ID " +
      "has no 'us.'/'eu.'/'apac.'/'global.' prefix). Grants are judged together with the other policies of the same role.",
    enforcementLevel: "mandatory",
    configSchema: catalogFileSchema,
  },
  inferenceProfileArnFindingsInStack,
  // At enforcement level "remediate": a model statement tied to a profile the document does not grant gets the
  // profile's own statement (lib/remediation.ts); the other findings name a fix only the user can choose.
  (args) => remediateProfileGrants(args.type, plainProperties(args.props)),
);

/** What decides together with a document: its role's union of policies (or the document alone). */
type Judge = Pick<DocumentScope, "documents" | "policies" | "accounts">;

function inferenceProfileArnFindingsInStack(resources: PackResource[]): Finding[] {
  const { scopes, notes } = documentScopes(resources, accountsInDocuments);
  // One check per document: a document that cannot be judged never hides the findings of the others.
  const findings = eachSafely(
    scopes,
    (s) => s.document.source,
    (s) =>
      [
        ...profileIdsInModelArns(s.document),
        ...modelsAcrossRegionsWithoutProfile(s.document, s),
        ...modelsTiedToUngrantedProfile(s.document, s),
        ...profileStatementsWithProfileCondition(s.document),
      ].map((f) => ({ ...f, urn: s.from.urn })),
  );
  const seen = new Set<string>();
  return [...notes, ...findings].filter((f) => !seen.has(`${f.urn}|${f.message}`) && seen.add(`${f.urn}|${f.message}`) !== undefined);
}

const where = (document: ParsedDocument, statement: ParsedStatement) => `${document.source}, statement ${statementLabel(statement)}`;
const ACCOUNT_PLACEHOLDER = "<account-id>";

// (a) `foundation-model/apac.anthropic...`: no foundation model has that ID.
function profileIdsInModelArns(document: ParsedDocument): Finding[] {
  const findings: Finding[] = [];
  for (const statement of document.statements) {
    for (const text of [...(statement.resource ?? []), ...(statement.notResource ?? [])]) {
      const pattern = bedrockPattern(text);
      const prefix = pattern?.type === "foundation-model" ? profilePrefixOf(pattern.id) : undefined;
      if (!pattern || !prefix) continue;
      const profileId = pattern.id;
      const modelId = profileId.slice(prefix.length + 1);
      const region = hasWildcard(pattern.region) || pattern.region === "" ? "<region>" : pattern.region;
      const partition = hasWildcard(pattern.partition) ? partitionOf(region) : pattern.partition;
      const account = accountInDocument(document) ?? ACCOUNT_PLACEHOLDER;
      const profileArn = inferenceProfileArn(partition, region, account, profileId);
      // The routed ARNs as the role builder derives them; a global profile's list (source and Region-less) as is.
      const routed = region === "<region>" ? undefined : routedModelArnsOf(profileId, partition, region, account);
      const source = foundationModelArn(partition, region, modelId);
      const models = !routed ? [source] : routed.includes(foundationModelArn(partition, "", modelId)) ? routed : [...new Set([...routed, source])].sort();
      const routedNote = routed
        ? ` and the foundation model in every Region the profile routes to from ${region} (${models.length}):`
        : ` and the foundation model in each Region the profile routes to, for example:`;
      findings.push(
        violation(
          `Replace ${text} (${where(document, statement)}) with the inference-profile ARN and the foundation-model ARNs listed below.\n  ` +
            `${where(document, statement)}: ${text} puts inference profile ID '${profileId}' inside a foundation-model ARN; ` +
            `no foundation model has that ID, so this grant matches nothing. The ${prefix}. prefix belongs to the profile, ` +
            `not the model. Grant instead the inference-profile ARN:${arnList([profileArn])}\n  ${routedNote.trim()}${arnList(models)}`,
        ),
      );
    }
  }
  return findings;
}

// (b) The same model granted in several Regions (or a wildcard/empty Region) with no profile grant at all.
function modelsAcrossRegionsWithoutProfile(document: ParsedDocument, judge: Judge): Finding[] {
  const allows = invokeAllowStatements([document]);
  const byModel = new Map<string, { regions: Set<string>; statements: Set<string> }>();
  for (const { statement } of allows) {
    for (const text of statement.resource ?? []) {
      const pattern = bedrockPattern(text);
      // `${aws:username}` and other variables are the caller's values, not a model ID: nothing to name here.
      if (pattern?.type !== "foundation-model" || profilePrefixOf(pattern.id) || hasPolicyVariable(pattern.id)) continue;
      const entry = byModel.get(pattern.id) ?? { regions: new Set<string>(), statements: new Set<string>() };
      entry.regions.add(pattern.region);
      entry.statements.add(statementLabel(statement));
      byModel.set(pattern.id, entry);
    }
  }
  const findings: Finding[] = [];
  for (const [modelId, { regions, statements }] of byModel) {
    const spread = regions.size > 1 || [...regions].some((r) => r === "" || hasWildcard(r));
    if (!spread || grantsSomeProfileOf(judge, modelId)) continue;
    const regionText = [...regions]
      .map((r) => (r === "" ? "Region-less" : r))
      .sort()
      .join(", ");
    const suggestions = profileSuggestions(modelId, [...regions], accountInDocument(document) ?? ACCOUNT_PLACEHOLDER);
    findings.push(
      violation(
        `Add an Allow for bedrock:InvokeModel on the inference-profile ARN you invoke for ${modelId} (${document.source}).\n  ` +
          `${document.source}, statement ${[...statements].join(", ")}: allows foundation model ${modelId} across Regions ` +
          `(${regionText}) but no inference profile of it. Cross-Region calls go through a profile, and AWS authorises the ` +
          `profile ARN first, so they fail with AccessDeniedException. Add the inference-profile ARN you invoke` +
          (suggestions.length > 0 ? `, e.g.:${arnList(suggestions)}` : ` (arn:aws:bedrock:<region>:<account>:inference-profile/<prefix>.${modelId}).`),
      ),
    );
  }
  return findings;
}

// (c) A model statement tied to one profile by bedrock:InferenceProfileArn, while that profile is not allowed.
function modelsTiedToUngrantedProfile(document: ParsedDocument, judge: Judge): Finding[] {
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const { statement } of invokeAllowStatements([document])) {
    const modelPatterns = (statement.resource ?? []).map(bedrockPattern).filter((p) => p?.type === "foundation-model");
    if (modelPatterns.length === 0) continue;
    for (const clause of clausesOnKey(statement.conditions, PROFILE_ARN_KEY)) {
      if (clause.unsupported || !clause.base || !["StringEquals", "ArnEquals", "StringLike", "ArnLike"].includes(clause.base)) continue;
      for (const profileArn of clause.values.filter((v) => !hasWildcard(v))) {
        const profile = bedrockPattern(profileArn);
        if (!profile || reported.has(profileArn)) continue;
        const decision = judge.policies.evaluate({ action: INVOKE_MODEL, resource: profileArn, context: { [REQUESTED_REGION_KEY]: profile.region } });
        if (decision.allowed || decision.verdict === "cannot-judge") continue;
        reported.add(profileArn);
        // The first line names the actual cause: the Deny, the condition, or the missing grant.
        const deny = decision.verdict === "explicit-deny" ? decision.statement : undefined;
        const blocking = decision.blockingCondition;
        const fix = deny
          ? `Remove or narrow Deny statement ${deny.label} of ${deny.document}: it refuses bedrock:InvokeModel on ${profileArn}.`
          : blocking
            ? `Change the condition ${blocking.text} of statement ${blocking.statement.label} of ${blocking.statement.document}: it does not hold for ${blocking.actual} when the profile ${profileArn} is authorised.`
            : `Add an Allow statement for bedrock:InvokeModel on ${profileArn} without a bedrock:InferenceProfileArn condition.`;
        findings.push(
          violation(
            `${fix}\n  ` +
              `${where(document, statement)} allows foundation models only through inference profile ${profileArn} ` +
              `(Condition ${clause.operator} ${clause.key}), but the document does not allow the profile itself (nor do the other policies of its role in the stack) (${decision.reason}). ` +
              `Every call is authorised on the profile ARN first, so it fails with AccessDeniedException. Add an Allow ` +
              `statement for bedrock:InvokeModel on, without a bedrock:InferenceProfileArn condition:${arnList([profileArn])}`,
          ),
        );
      }
    }
  }
  return findings;
}

// (d) AWS does not set bedrock:InferenceProfileArn while it authorises the profile ARN itself.
function profileStatementsWithProfileCondition(document: ParsedDocument): Finding[] {
  const findings: Finding[] = [];
  for (const statement of document.statements) {
    if (statement.effect !== "Allow" || !coversInvokeModel(statement)) continue;
    const profiles = (statement.resource ?? []).filter((t) => {
      const type = bedrockPattern(t)?.type;
      return type === "inference-profile" || type === "application-inference-profile";
    });
    if (profiles.length === 0) continue;
    const blocking = clausesOnKey(statement.conditions, PROFILE_ARN_KEY).filter((c) => !c.unsupported && !evaluateClause(c, undefined));
    if (blocking.length === 0) continue;
    findings.push(
      violation(
        `Move ${profiles.join(", ")} (${where(document, statement)}) into a statement without the bedrock:InferenceProfileArn condition.\n  ` +
          `${where(document, statement)} allows inference profile(s) ${profiles.join(", ")} only under Condition ` +
          `${blocking.map((c) => `${c.operator} ${c.key}`).join(", ")}. AWS does not set bedrock:InferenceProfileArn when it ` +
          `authorises the profile ARN itself, so this statement never allows the call. Move the profile ARN into a statement ` +
          `without that condition; keep the condition on the foundation-model statement only.`,
      ),
    );
  }
  return findings;
}

/** Do the judge's documents allow InvokeModel on some profile that could wrap this model? */
function grantsSomeProfileOf(judge: Judge, modelId: string): boolean {
  for (const { statement } of invokeAllowStatements(judge.documents)) {
    for (const text of statement.resource ?? []) {
      const pattern = bedrockPattern(text);
      if (!pattern) continue;
      // "*" (or a wildcard type) grants a profile only if a call on one would be allowed: conditions and Denies count.
      if (pattern.type === "*") {
        if (someProfileAllowed(judge, modelId)) return true;
        continue;
      }
      // An application profile may wrap any model; only the account knows which, so give it the benefit of the doubt.
      if (pattern.type === "application-inference-profile" || (hasWildcard(pattern.type) && matchesWildcard(pattern.type, "inference-profile"))) return true;
      if (pattern.type !== "inference-profile") continue;
      if (hasWildcard(modelId)) return true;
      // A stray space or a policy variable in the ID is the routed-Regions rule's finding; here it still names a profile.
      const id = variablesAsWildcards(pattern.id.trim());
      if (PROFILE_PREFIXES.some((prefix) => matchesWildcard(id, `${prefix}.${modelId}`))) return true;
    }
  }
  return false;
}

/** Is a call on some catalogued profile of the model allowed (or undecidable)? Once per (policies, model). */
const profileAllowed = new WeakMap<PolicySet, Map<string, boolean>>();
function someProfileAllowed(judge: Judge, modelId: string): boolean {
  let known = profileAllowed.get(judge.policies);
  if (!known) {
    known = new Map();
    profileAllowed.set(judge.policies, known);
  }
  let answer = known.get(modelId);
  if (answer === undefined) {
    answer = anyProfileAllowed(judge, modelId);
    known.set(modelId, answer);
  }
  return answer;
}

function anyProfileAllowed(judge: Judge, modelId: string): boolean {
  const account = judge.accounts[0] ?? PLACEHOLDER_ACCOUNT;
  for (const profileId of catalogProfileIds()) {
    const profile = catalogProfile(profileId)!;
    if (profile.foundationModelId !== modelId && !hasWildcard(modelId)) continue;
    for (const source of Object.keys(profile.sourceToDestinations)) {
      const arn = inferenceProfileArn(partitionOf(source), source, account, profileId);
      const decision = judge.policies.evaluate({ action: INVOKE_MODEL, resource: arn, context: { [REQUESTED_REGION_KEY]: source } });
      if (decision.allowed || decision.verdict === "cannot-judge") return true;
    }
  }
  return false;
}

/** Catalogued profiles of the model callable from one of the granted Regions, as ARNs to suggest. */
function profileSuggestions(modelId: string, regions: string[], account: string): string[] {
  const suggestions: string[] = [];
  for (const profileId of catalogProfileIds()) {
    const profile = catalogProfile(profileId)!;
    if (profile.foundationModelId !== modelId) continue;
    for (const source of Object.keys(profile.sourceToDestinations)) {
      // The Region-less model ARN is what global profiles use: suggest those from any source Region.
      const fits = regions.some((r) => (r === "" ? profile.prefix === "global" : matchesWildcard(r, source, { caseInsensitive: true })));
      if (fits) {
        suggestions.push(inferenceProfileArn(partitionOf(source), source, account, profileId));
      }
    }
  }
  return suggestions.slice(0, 4);
}

/** The account the document's own ARNs name, to fill suggested profile ARNs. */
function accountInDocument(document: ParsedDocument): string | undefined {
  for (const statement of document.statements) {
    for (const text of statement.resource ?? []) {
      const account = bedrockPattern(text)?.account ?? "";
      if (/^\d{12}$/.test(account)) return account;
    }
  }
  return undefined;
}
