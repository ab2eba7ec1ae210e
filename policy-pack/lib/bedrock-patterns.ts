// Reading Bedrock ARNs inside IAM statements, where any field may carry wildcards (account included, and the
// resource type too: `arn:aws:bedrock:us-east-2:<acct>:*`), and turning an inference-profile grant into the
// concrete (profile, source Region) pairs the routing catalog knows.
import { PLACEHOLDER_ACCOUNT, inferenceProfileArn, partitionOf } from "bedrock-sfn/domain";
import { INVOKE_MODEL, routedModelArns } from "bedrock-sfn/domain";
import { resolveModel } from "bedrock-sfn/domain";
import { PROFILE_PREFIXES } from "bedrock-sfn/domain";
import { catalogProfile, catalogProfileIds } from "bedrock-sfn/domain";
import {
  ParsedDocument,
  ParsedStatement,
  hasPolicyVariable,
  hasWildcard,
  matchesAction,
  matchesResource,
  matchesWildcard,
  patternArnFields,
  variablesAsWildcards,
} from "bedrock-sfn/domain";

/** The two Bedrock runtime actions that call a model; both are authorised on the profile and on every routed model. */
const INVOKE_ACTIONS = [INVOKE_MODEL, "bedrock:InvokeModelWithResponseStream"] as const;

/** A Bedrock ARN as written in a policy: any field may hold wildcards. */
export interface BedrockPattern {
  text: string;
  partition: string;
  region: string;
  account: string;
  /** The resource type, e.g. `foundation-model`, `inference-profile`; `*` when a wildcard spans type and id. */
  type: string;
  /** Everything after the type's slash: a model or profile ID, possibly with wildcards. */
  id: string;
}

/** A pattern that may name Bedrock resources (`*` and `arn:aws:*:...` included). */
export function bedrockPattern(text: string): BedrockPattern | undefined {
  if (text === "*") return { text, partition: "*", region: "*", account: "*", type: "*", id: "*" };
  const fields = patternArnFields(text);
  if (!fields || !matchesWildcard(fields[2], "bedrock", { caseInsensitive: true })) return undefined;
  const slash = fields[5].indexOf("/");
  if (slash < 0) return hasWildcard(fields[5]) ? { text, partition: fields[1], region: fields[3], account: fields[4], type: "*", id: "*" } : undefined;
  return { text, partition: fields[1], region: fields[3], account: fields[4], type: fields[5].slice(0, slash), id: fields[5].slice(slash + 1) };
}

/** Could the pattern name a resource of this type (`foundation-model`, `inference-profile`)? */
function mayNameType(pattern: BedrockPattern, type: string): boolean {
  return pattern.type === type || (hasWildcard(pattern.type) && matchesWildcard(pattern.type, type));
}

/** The invoke actions the statement's Action (or NotAction) covers. */
export function invokeActionsOf(statement: ParsedStatement): string[] {
  return INVOKE_ACTIONS.filter((action) =>
    statement.action ? statement.action.some((p) => matchesAction(p, action)) : !statement.notAction!.some((p) => matchesAction(p, action)),
  );
}

/** Does the statement's Action (or NotAction) cover bedrock:InvokeModel or bedrock:InvokeModelWithResponseStream? */
export function coversInvokeModel(statement: ParsedStatement): boolean {
  return invokeActionsOf(statement).length > 0;
}

/** Allow statements whose actions cover a Bedrock invoke action, with their document. */
export function invokeAllowStatements(documents: ParsedDocument[]): { document: ParsedDocument; statement: ParsedStatement }[] {
  return documents.flatMap((document) => document.statements.filter((s) => s.effect === "Allow" && coversInvokeModel(s)).map((statement) => ({ document, statement })));
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
  /** A concrete profile in a Region or partition that cannot call it: what is wrong, in one sentence. */
  impossible?: string;
}

/**
 * Every catalogued (profile, source Region) pair an inference-profile pattern grants, by matching the pattern as IAM
 * does against each candidate ARN. `accounts` are the accounts to try for a wildcard account field (the role's own,
 * those the document names); without one that fits, a stand-in account is used.
 */
export function profileTargets(written: BedrockPattern, accounts: string[] = []): ProfileTargets {
  // Policy variables are widened to wildcards to find the candidates; the evaluator expands them for each call.
  const isArn = written.text.startsWith("arn:");
  const widened = isArn && hasPolicyVariable(written.text) ? bedrockPattern(variablesAsWildcards(written.text)) : undefined;
  const pattern = widened ? { ...widened, text: written.text } : written;
  const literalId = pattern.type === "inference-profile" && !hasWildcard(pattern.id) ? pattern.id : undefined;
  const wildcard = !literalId || hasWildcard(pattern.region) || hasWildcard(pattern.partition);
  const byRule = literalId?.startsWith("global.") ? globalProfileByRule(pattern, literalId, accounts) : undefined;
  if (byRule) return { targets: [byRule], wildcard };
  if (literalId && !catalogProfile(literalId)) {
    const trimmed = literalId.trim();
    if (trimmed !== literalId && catalogProfile(trimmed)) {
      return {
        targets: [],
        wildcard,
        impossible: `remove the whitespace in ${JSON.stringify(written.text)}: IAM compares ARNs character by character, so the profile ID '${literalId}' (with the space) matches no call of ${trimmed}`,
      };
    }
    return { targets: [], wildcard, uncatalogued: literalId };
  }
  if (!mayNameType(pattern, "inference-profile")) return { targets: [], wildcard };
  const ids = literalId ? [literalId] : catalogProfileIds();
  const account = accountMatching(pattern.account, accounts);
  const candidate = isArn ? variablesAsWildcards(written.text) : "*";
  const targets: ProfileTarget[] = [];
  if (!account) return { targets, wildcard };
  for (const profileId of ids) {
    const profile = catalogProfile(profileId)!;
    for (const sourceRegion of Object.keys(profile.sourceToDestinations).sort()) {
      const partition = partitionOf(sourceRegion);
      const profileArn = inferenceProfileArn(partition, sourceRegion, account, profileId);
      if (matchesResource(candidate, profileArn)) targets.push({ profileId, sourceRegion, partition, account, profileArn });
    }
  }
  if (targets.length === 0 && literalId && !wildcard) return { targets, wildcard, impossible: impossibleProfile(pattern, literalId) };
  return { targets, wildcard };
}

/**
 * A global profile in a commercial Region the catalog does not list it from: its grants follow from AWS's rule for
 * global profiles (bedrock/resolve.ts), so it is judged like a catalogued one.
 */
function globalProfileByRule(pattern: BedrockPattern, profileId: string, accounts: string[]): ProfileTarget | undefined {
  if (hasWildcard(pattern.region) || partitionOf(pattern.region) !== "aws" || catalogProfile(profileId)?.sourceToDestinations[pattern.region]) return undefined;
  const account = accountMatching(pattern.account, accounts);
  if (!account) return undefined;
  const profileArn = inferenceProfileArn("aws", pattern.region, account, profileId);
  return matchesResource(pattern.text, profileArn) ? { profileId, sourceRegion: pattern.region, partition: "aws", account, profileArn } : undefined;
}

/** Why a literal profile ARN can never be called: the partition does not fit the Region, or the Region is no source. */
function impossibleProfile(pattern: BedrockPattern, profileId: string): string {
  const sources = Object.keys(catalogProfile(profileId)!.sourceToDestinations).sort();
  const expected = partitionOf(pattern.region);
  if (pattern.partition.toLowerCase() !== expected && sources.includes(pattern.region)) {
    return `write it in the ${expected} partition (arn:${expected}:bedrock:${pattern.region}:...): ${pattern.text} names partition '${pattern.partition}', where Region ${pattern.region} does not exist, so this grant matches no call`;
  }
  return (
    `grant the profile in a Region that can call it (${sources.join(", ")}): the routing catalog lists no call of ${profileId} ` +
    `from '${pattern.region}', so ${pattern.text} matches no call`
  );
}

/** A 12-digit account ID the account field matches: itself, one of the known accounts, or a stand-in that fits the wildcard. */
export function accountMatching(field: string, known: string[] = []): string | undefined {
  if (isAccountId(field)) return field;
  for (const account of known) if (matchesWildcard(field, account)) return account;
  if (matchesWildcard(field, PLACEHOLDER_ACCOUNT)) return PLACEHOLDER_ACCOUNT;
  // A partly fixed account (`1111*`): fill every `?` and the first `*` with zeros.
  let fixed = "";
  for (const c of field) fixed += c === "?" ? "0" : c;
  const literal = fixed.split("*").join("");
  const candidate = fixed.includes("*")
    ? fixed
        .replace("*", "0".repeat(Math.max(0, 12 - literal.length)))
        .split("*")
        .join("")
    : fixed;
  return isAccountId(candidate) && matchesWildcard(field, candidate) ? candidate : undefined;
}

function isAccountId(text: string): boolean {
  if (text.length !== 12) return false;
  for (const c of text) if (c < "0" || c > "9") return false;
  return true;
}

/** The accounts the document's Bedrock ARNs (resources and condition values) name: candidates for wildcard accounts. */
export function accountsInDocuments(documents: ParsedDocument[]): string[] {
  const found = new Set<string>();
  for (const document of documents) {
    for (const statement of document.statements) {
      for (const text of [...(statement.resource ?? []), ...statement.conditions.flatMap((c) => c.values)]) {
        const account = patternArnFields(text)?.[4];
        if (account && isAccountId(account)) found.add(account);
        if (found.size >= 8) return [...found];
      }
    }
  }
  return [...found];
}

/**
 * The foundation-model ARNs a system profile routes to from a Region, as the role builder derives them
 * (src/bedrock/resolve + routedModelArns); undefined when the catalog does not know the profile there, or when the
 * ARN's partition is not the Region's (such a grant matches no call; the routed-Regions rule says so).
 */
export function routedModelArnsOf(profileId: string, partition: string, region: string, account: string): string[] | undefined {
  try {
    const model = resolveModel({ modelId: profileId, sourceRegion: region, account: /^\d{12}$/.test(account) ? account : PLACEHOLDER_ACCOUNT });
    if (model.partition !== partition || model.routing.kind === "in-region" || model.routing.kind === "provisioned") return undefined;
    return routedModelArns(model);
  } catch {
    return undefined;
  }
}
