// IAM's own wildcard rules for the Action and Resource elements.
// Written for this project (shipped code must not depend on an AGPL evaluator); the tests cross-check it
// against @cloud-copilot/iam-simulate, which is a dev-only dependency.

// Policy variables are not expanded here; the document reader flags them so a statement using one is "cannot judge".
// These three are IAM's escapes for characters that would otherwise be wildcards.
const ESCAPES: Record<string, string> = { "${*}": "*", "${?}": "?", "${$}": "$" };

const compiled = new Map<string, RegExp>();

/** A glob where `*` is any run of characters and `?` exactly one; everything else is literal. */
function globRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const cacheKey = `${caseInsensitive ? "i" : "s"}${pattern}`;
  let re = compiled.get(cacheKey);
  if (!re) {
    let source = "";
    for (let i = 0; i < pattern.length; i++) {
      const escape = pattern.startsWith("${", i) ? Object.keys(ESCAPES).find((e) => pattern.startsWith(e, i)) : undefined;
      if (escape) {
        source += escapeRegExp(ESCAPES[escape]);
        i += escape.length - 1;
      } else if (pattern[i] === "*") source += ".*";
      else if (pattern[i] === "?") source += ".";
      else source += escapeRegExp(pattern[i]);
    }
    re = new RegExp(`^${source}$`, caseInsensitive ? "is" : "s");
    compiled.set(cacheKey, re);
  }
  return re;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Glob match of a whole string, `*` spanning anything. */
export function matchesWildcard(pattern: string, value: string, options: { caseInsensitive?: boolean } = {}): boolean {
  return globRegExp(pattern, options.caseInsensitive ?? false).test(value);
}

/** `Action` matching: IAM compares action names case-insensitively (`bedrock:invoke*` covers `bedrock:InvokeModel`). */
export function matchesAction(pattern: string, action: string): boolean {
  return matchesWildcard(pattern, action, { caseInsensitive: true });
}

const ARN_FIELDS = 5; // arn, partition, service, region, account; everything after is the resource part

/** The six fields of an ARN, or undefined when the text is not one. */
export function splitArnFields(value: string): string[] | undefined {
  const parts = value.split(":");
  if (parts.length <= ARN_FIELDS || parts[0] !== "arn") return undefined;
  return [...parts.slice(0, ARN_FIELDS), parts.slice(ARN_FIELDS).join(":")];
}

/**
 * `Resource` matching. IAM compares ARNs field by field: a wildcard in the Region field cannot swallow the
 * account field, while one in the resource part may span `/` and `:` (model versions carry colons).
 * Partition, service, Region and account compare case-insensitively; the resource part does not.
 * A short ARN in an identity policy (`arn:aws:bedrock:*`) counts as if its missing fields were `*`.
 */
export function matchesResource(pattern: string, resource: string): boolean {
  if (pattern === "*") return true;
  let patternParts = pattern.split(":");
  if (patternParts[0] !== "arn") return matchesWildcard(pattern, resource);
  while (patternParts.length <= ARN_FIELDS) patternParts = [...patternParts, "*"];
  const patternFields = splitArnFields(patternParts.join(":"))!;
  const resourceFields = splitArnFields(resource);
  if (!resourceFields) return false;
  return patternFields.every((field, i) => matchesWildcard(field, resourceFields[i], { caseInsensitive: i < ARN_FIELDS }));
}

/** True when the text holds a policy variable such as `${aws:username}` (not one of the three escapes). */
export function hasPolicyVariable(text: string): boolean {
  const withoutEscapes = Object.keys(ESCAPES).reduce((acc, e) => acc.split(e).join(""), text);
  return /\$\{[^}]*\}/.test(withoutEscapes);
}

/** True when the text contains an unescaped IAM wildcard. */
export function hasWildcard(text: string): boolean {
  const withoutEscapes = Object.keys(ESCAPES).reduce((acc, e) => acc.split(e).join(""), text);
  return /[*?]/.test(withoutEscapes);
}
