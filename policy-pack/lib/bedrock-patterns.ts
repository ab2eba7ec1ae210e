// Reading Bedrock ARNs inside IAM statements, where they may carry wildcards, and turning an inference-profile
// grant into the concrete (profile, source Region) pairs the routing catalog knows.
import { inferenceProfileArn, partitionOf } from "../../bedrock/arn";
import { INVOKE_MODEL } from "../../bedrock/grants";
import { PROFILE_PREFIXES } from "../../bedrock/model-id";
import { catalogProfile, catalogProfileIds } from "../../bedrock/routing";
import { ParsedDocument, ParsedStatement, hasWildcard, matchesAction, matchesWildcard, splitArnFields } from "../../iam";

/** A Bedrock ARN as written in a policy: any field may hold wildcards. */
export interface BedrockPattern {
  text: string;
  partition: string;
  region: string;
  account: string;
  /** The resource type, e.g. `foundation-model`, `inference-profile`. */
  type: string;
  /** Everything after the type's slash: a model or profile ID, possibly with wildcards. */
  id: string;
}

export function bedrockPattern(text: string): BedrockPattern | undefined {
  const fields = splitArnFields(text);
  if (!fields || fields[2].toLowerCase() !== "bedrock") return undefined;
  const slash = fields[5].indexOf("/");
  if (slash < 0) return undefined;
  return { text, partition: fields[1], region: fields[3], account: fields[4], type: fields[5].slice(0, slash), id: fields[5].slice(slash + 1) };
}

/** Does the statement's Action (or NotAction) cover bedrock:InvokeModel? */
export function coversInvokeModel(statement: ParsedStatement): boolean {
  if (statement.action) return statement.action.some((p) => matchesAction(p, INVOKE_MODEL));
  return !statement.notAction!.some((p) => matchesAction(p, INVOKE_MODEL));
}

/** Allow statements whose actions cover bedrock:InvokeModel, with their document. */
export function invokeAllowStatements(documents: ParsedDocument[]): { document: ParsedDocument; statement: ParsedStatement }[] {
  return documents.flatMap((document) =>
    document.statements.filter((s) => s.effect === "Allow" && coversInvokeModel(s)).map((statement) => ({ document, statement })),
  );
}

/** The profile prefix a model ID wrongly carries (`apac.anthropic...` -> `apac`), if any. */
export function profilePrefixOf(modelId: string): string | undefined {
  const head = modelId.split(".")[0];
  if (hasWildcard(head) || !modelId.includes(".")) return undefined;
  return (PROFILE_PREFIXES as readonly string[]).includes(head) ? head : undefined;
}

export interface ProfileTarget {
  profileId: string;
  sourceRegion: string;
  partition: string;
  account: string;
  profileArn: string;
}

export interface ProfileTargets {
  targets: ProfileTarget[];
  /** True when the pattern names profiles by wildcard (so findings are summarised). */
  wildcard: boolean;
  /** A concrete profile ID that the routing catalog does not know. */
  uncatalogued?: string;
}

/** Every catalogued (profile, source Region) pair an inference-profile pattern grants. */
export function profileTargets(pattern: BedrockPattern): ProfileTargets {
  const wildcardId = hasWildcard(pattern.id);
  const ids = wildcardId ? catalogProfileIds().filter((id) => matchesWildcard(pattern.id, id)) : [pattern.id];
  const wildcard = wildcardId || hasWildcard(pattern.region) || hasWildcard(pattern.partition);
  const targets: ProfileTarget[] = [];
  for (const profileId of ids) {
    const profile = catalogProfile(profileId);
    if (!profile) return { targets: [], wildcard, uncatalogued: profileId };
    for (const sourceRegion of Object.keys(profile.sourceToDestinations).sort()) {
      if (!matchesWildcard(pattern.region, sourceRegion, { caseInsensitive: true })) continue;
      const partition = partitionOf(sourceRegion);
      if (!matchesWildcard(pattern.partition, partition, { caseInsensitive: true })) continue;
      const account = accountMatching(pattern.account);
      if (!account) continue;
      targets.push({ profileId, sourceRegion, partition, account, profileArn: inferenceProfileArn(partition, sourceRegion, account, profileId) });
    }
  }
  return { targets, wildcard };
}

/** A 12-digit account ID the account field matches: itself when concrete, otherwise one that fits the wildcard. */
export function accountMatching(field: string): string | undefined {
  if (/^\d{12}$/.test(field)) return field;
  if (matchesWildcard(field, "123456789012")) return "123456789012";
  const fixed = field.replace(/\?/g, "0");
  const stars = fixed.split("*").length - 1;
  const filler = "0".repeat(Math.max(0, 12 - fixed.replace(/\*/g, "").length));
  const candidate = stars > 0 ? fixed.replace("*", filler).replace(/\*/g, "") : fixed;
  return /^\d{12}$/.test(candidate) && matchesWildcard(field, candidate) ? candidate : undefined;
}
