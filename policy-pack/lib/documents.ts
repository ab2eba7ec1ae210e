// Finds the IAM identity-policy documents a resource carries (classic aws and aws-native types) and reads them with
// src/iam/. Whatever cannot be read becomes a note for the user, never an exception; what IAM itself refuses (malformed,
// over IAM's size quota for that kind of policy) is a note of kind "malformed", and the document is still judged.
import { ParsedDocument, policySize, readPolicyDocument } from "bedrock-sfn/domain";
import { PackResource, TYPES, describeResource } from "./resources";
import { findUnknown, isUnknownValue } from "./values";

/** IAM's quotas, in characters without whitespace (IAM and AWS STS quotas, "IAM object quotas"). */
export const SIZE_LIMITS = {
  managed: 6_144,
  "role-inline": 10_240,
  "user-inline": 2_048,
  "group-inline": 5_120,
} as const;
export type PolicyKind = keyof typeof SIZE_LIMITS;

const KIND_NAMES: Record<PolicyKind, string> = {
  managed: "a managed policy",
  "role-inline": "a role's inline policies together",
  "user-inline": "a user's inline policies together",
  "group-inline": "a group's inline policies together",
};

/** Resource type -> the property holding its one document, and the quota that applies to it. */
const SINGLE_POLICY_TYPES: Record<string, { property: string; kind: PolicyKind }> = {
  [TYPES.policy]: { property: "policy", kind: "managed" },
  [TYPES.rolePolicy]: { property: "policy", kind: "role-inline" },
  [TYPES.userPolicy]: { property: "policy", kind: "user-inline" },
  [TYPES.groupPolicy]: { property: "policy", kind: "group-inline" },
  [TYPES.nativeManagedPolicy]: { property: "policyDocument", kind: "managed" },
  [TYPES.nativeRolePolicy]: { property: "policyDocument", kind: "role-inline" },
  [TYPES.nativeUserPolicy]: { property: "policyDocument", kind: "user-inline" },
  [TYPES.nativeGroupPolicy]: { property: "policyDocument", kind: "group-inline" },
};

/** Role types -> the property listing inline policies, and the names of an entry's fields. */
const ROLE_INLINE: Record<string, { property: string; name: string; document: string }> = {
  [TYPES.role]: { property: "inlinePolicies", name: "name", document: "policy" },
  [TYPES.nativeRole]: { property: "policies", name: "policyName", document: "policyDocument" },
};

export const POLICY_RESOURCE_TYPES: string[] = [...Object.keys(SINGLE_POLICY_TYPES), ...Object.keys(ROLE_INLINE)];

export interface DocumentNote {
  /** `malformed`: AWS rejects it too; `cannot-judge`: valid, but this pack cannot decide (preview, unsupported operator). */
  kind: "malformed" | "cannot-judge";
  message: string;
}

export interface ResourceDocuments {
  documents: ParsedDocument[];
  notes: DocumentNote[];
}

interface RawDocument {
  source: string;
  value: unknown;
  kind: PolicyKind;
}

function rawDocuments(resource: PackResource): RawDocument[] {
  const where = describeResource(resource);
  const single = SINGLE_POLICY_TYPES[resource.type];
  if (single) {
    const value = resource.props[single.property];
    return value === undefined ? [] : [{ source: where, value, kind: single.kind }];
  }
  const inlineSpec = ROLE_INLINE[resource.type];
  if (inlineSpec) {
    const inline = resource.props[inlineSpec.property];
    if (isUnknownValue(inline)) return [{ source: `inline policies of ${where}`, value: inline, kind: "role-inline" }];
    if (!Array.isArray(inline)) return [];
    return inline
      .filter((entry) => typeof entry === "object" && entry !== null && (entry as Record<string, unknown>)[inlineSpec.document] !== undefined)
      .map((entry, i) => {
        const record = entry as Record<string, unknown>;
        const name = record[inlineSpec.name];
        const label = typeof name === "string" && name !== "" ? `'${name}'` : `#${i + 1}`;
        return { source: `inline policy ${label} of ${where}`, value: record[inlineSpec.document], kind: "role-inline" as const };
      });
  }
  return [];
}

/**
 * One Analyze call runs several policies over the same resource, and each reads its documents: a document given as
 * JSON text (as Pulumi programs write them) is parsed once per (text, source) and the parse shared. Parsed documents
 * are never modified after reading. Bounded: the cache is emptied when it is full.
 */
const parsed = new Map<string, { size: number; read: ReturnType<typeof readPolicyDocument> }>();
const PARSED_MAX = 512;

function readSized(value: unknown, source: string): { size: number; read: ReturnType<typeof readPolicyDocument> } {
  if (typeof value !== "string") return { size: policySize(value), read: readPolicyDocument(value, source) };
  const key = `${source}\u0000${value}`;
  let hit = parsed.get(key);
  if (!hit) {
    if (parsed.size >= PARSED_MAX) parsed.clear();
    hit = { size: policySize(value), read: readPolicyDocument(value, source) };
    parsed.set(key, hit);
  }
  return hit;
}

/** Reads every identity-policy document of the resource; unknown or unreadable ones become notes. */
export function readResourceDocuments(resource: PackResource): ResourceDocuments {
  const documents: ParsedDocument[] = [];
  const notes: DocumentNote[] = [];
  const totals = new Map<PolicyKind, number>();
  for (const raw of rawDocuments(resource)) {
    const unknown = findUnknown(raw.value);
    if (unknown) {
      notes.push({
        kind: "cannot-judge",
        message: `${raw.source}: the policy is not known during preview (it depends on values of resources not created yet); it is checked again when \`pulumi up\` runs`,
      });
      continue;
    }
    const { size, read } = readSized(raw.value, raw.source);
    totals.set(raw.kind, (totals.get(raw.kind) ?? 0) + size);
    if (size > SIZE_LIMITS[raw.kind]) notes.push({ kind: "malformed", message: sizeMessage(raw.source, size, raw.kind) });
    if (read.document) documents.push(read.document);
    for (const d of read.diagnostics) notes.push({ kind: d.kind, message: d.message });
  }
  // A role's inline policies count together against one quota.
  const inline = rawDocuments(resource).filter((r) => r.kind === "role-inline");
  const total = totals.get("role-inline") ?? 0;
  if (inline.length > 1 && total > SIZE_LIMITS["role-inline"] && inline.every((r) => policySize(r.value) <= SIZE_LIMITS["role-inline"])) {
    notes.push({ kind: "malformed", message: sizeMessage(`the inline policies of ${describeResource(resource)}`, total, "role-inline") });
  }
  return { documents, notes };
}

function sizeMessage(source: string, size: number, kind: PolicyKind): string {
  const shown = size >= 1_000_000 ? "over 1,000,000" : size.toLocaleString("en-US");
  return (
    `${source}: split it into smaller policies (or attach managed policies): it has ${shown} characters without whitespace, ` +
    `and IAM refuses more than ${SIZE_LIMITS[kind].toLocaleString("en-US")} for ${KIND_NAMES[kind]}`
  );
}
