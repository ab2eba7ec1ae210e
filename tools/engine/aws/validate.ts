// AWS's cheap validations, the ones that catch real mistakes before a deploy gets halfway: IAM policy syntax and
// size, names, enumerations, and the state machine definition. Each returns the reasons AWS would refuse.
import { readPolicyDocument } from "../../../src/iam";
import { LOG_RETENTION_DAYS } from "../../../src/core/defaults";
import { validateDefinition } from "../../shared/asl-validation";

/** IAM quotas (IAM User Guide, "IAM and AWS STS quotas"); sizes count characters without whitespace. */
export const IAM_LIMITS = { inlineRolePolicy: 10_240, managedPolicy: 6_144, trustPolicy: 2_048 } as const;
/** S3 bucket policies may be up to 20 KB. */
export const BUCKET_POLICY_LIMIT = 20 * 1024;

const POLICY_VERSIONS = ["2012-10-17", "2008-10-17"];

export type PolicyKind = "identity" | "trust" | "resource";

/** Why IAM (or S3) would refuse this policy document: empty when it would accept it. */
export function policyProblems(text: unknown, kind: PolicyKind, limit: number): string[] {
  if (typeof text !== "string") return [`must be a JSON policy document (a string), got ${typeof text}`];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return [`MalformedPolicyDocument: not valid JSON (${(error as Error).message})`];
  }
  const problems: string[] = [];
  const size = text.replace(/\s+/g, "").length;
  if (size > limit) problems.push(`LimitExceeded: the policy is ${size} characters without whitespace; the limit is ${limit}`);
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return [...problems, "MalformedPolicyDocument: the policy must be a JSON object"];
  const version = (doc as Record<string, unknown>).Version;
  if (version !== undefined && !POLICY_VERSIONS.includes(String(version))) {
    problems.push(`MalformedPolicyDocument: Version '${String(version)}' is not one of ${POLICY_VERSIONS.join(", ")}`);
  }
  const raw = (doc as Record<string, unknown>).Statement;
  const statements = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (statements.length === 0) return [...problems, "MalformedPolicyDocument: the policy has no statements"];
  statements.forEach((statement, index) => {
    const label = typeof statement?.Sid === "string" ? `statement '${statement.Sid}'` : `statement #${index + 1}`;
    if (typeof statement !== "object" || statement === null) return;
    const hasPrincipal = statement.Principal !== undefined || statement.NotPrincipal !== undefined;
    if (kind === "identity" && hasPrincipal) problems.push(`MalformedPolicyDocument: ${label}: an identity policy cannot have 'Principal'`);
    if (kind !== "identity" && !hasPrincipal) problems.push(`MalformedPolicyDocument: ${label}: needs 'Principal'`);
    if (kind === "trust" && (statement.Resource !== undefined || statement.NotResource !== undefined)) {
      problems.push(`MalformedPolicyDocument: ${label}: a trust policy cannot have 'Resource'`);
    }
    for (const action of listOf(statement.Action ?? statement.NotAction)) {
      if (action !== "*" && !/^[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+$/.test(action)) {
        problems.push(`MalformedPolicyDocument: ${label}: action '${action}' must be '<service>:<action>' (e.g. bedrock:InvokeModel)`);
      }
    }
    for (const resource of listOf(statement.Resource ?? statement.NotResource)) {
      if (resource !== "*" && !resource.startsWith("arn:")) problems.push(`MalformedPolicyDocument: ${label}: resource '${resource}' must be an ARN or "*"`);
    }
  });
  if (kind === "trust") return problems;
  // Statement structure (Effect, exactly one of Action/NotAction and Resource/NotResource, condition blocks).
  // The reader judges identity policies; a resource policy's Principal (checked above) is set aside for it.
  const { diagnostics } = readPolicyDocument(kind === "resource" ? withoutPrincipals(doc as Record<string, unknown>) : doc, "policy");
  for (const d of diagnostics) if (d.kind === "malformed") problems.push(`MalformedPolicyDocument: ${d.message.replace(/^policy: /, "")}`);
  return problems;
}

function withoutPrincipals(doc: Record<string, unknown>): Record<string, unknown> {
  const strip = (statement: unknown) => {
    if (typeof statement !== "object" || statement === null || Array.isArray(statement)) return statement;
    const { Principal: _principal, NotPrincipal: _notPrincipal, ...rest } = statement as Record<string, unknown>;
    return rest;
  };
  const raw = doc.Statement;
  return { ...doc, Statement: Array.isArray(raw) ? raw.map(strip) : strip(raw) };
}

function listOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** S3 general-purpose bucket naming rules (S3 User Guide, "Bucket naming rules"). */
export function bucketNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length < 3 || name.length > 63) problems.push(`must be 3 to 63 characters long (got ${name.length})`);
  if (!/^[a-z0-9.-]+$/.test(name)) problems.push("may contain only lowercase letters, digits, dots and hyphens");
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) problems.push("must begin and end with a letter or digit");
  if (name.includes("..")) problems.push("must not contain two adjacent dots");
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) problems.push("must not look like an IP address");
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) problems.push("must not start with 'xn--', 'sthree-' or 'amzn-s3-demo-'");
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) problems.push("must not end with a reserved suffix (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)");
  return problems;
}

/** CloudWatch Logs accepts these retention values (0 in the provider means never expire). */
export function retentionProblem(days: unknown): string | undefined {
  if (days === undefined || days === 0) return undefined;
  return (LOG_RETENTION_DAYS as readonly unknown[]).includes(days)
    ? undefined
    : `InvalidParameterException: retention ${JSON.stringify(days)} is not one of ${LOG_RETENTION_DAYS.join(", ")}`;
}

/** Why Step Functions would refuse this definition (not JSON, or not valid ASL): empty when it would accept it. */
export function definitionProblems(text: unknown): string[] {
  if (typeof text !== "string") return [`must be a JSON string, got ${typeof text}`];
  let definition: unknown;
  try {
    definition = JSON.parse(text);
  } catch (error) {
    return [`InvalidDefinition: not valid JSON (${(error as Error).message})`];
  }
  try {
    validateDefinition(definition as never);
    return [];
  } catch (error) {
    return [`InvalidDefinition: ${(error as Error).message.replace(/\n/g, "; ")}`];
  }
}

/** A name of `min`..`max` characters matching `pattern` (described for the message). */
export function nameProblem(name: string | undefined, max: number, pattern: RegExp, allowed: string): string | undefined {
  // Unknown during preview (or absent and autonamed): nothing to judge yet.
  if (name === undefined) return undefined;
  if (name.length < 1 || name.length > max) return `must be 1 to ${max} characters long (got ${name.length})`;
  return pattern.test(name) ? undefined : `may contain only ${allowed}`;
}

/** A check's failure on one property, when there is a reason; none otherwise. */
export function fail(property: string, reason: string | undefined): { property: string; reason: string }[] {
  return reason ? [{ property, reason }] : [];
}

/** One of the listed values, or the reason it is not. */
export function oneOf(value: unknown, allowed: readonly string[]): string | undefined {
  return value === undefined || allowed.includes(value as string) ? undefined : `'${String(value)}' is not one of ${allowed.join(", ")}`;
}
