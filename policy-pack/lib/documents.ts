// Finds the IAM identity-policy documents a resource carries and reads them with iam/.
// Whatever cannot be read becomes a note for the user, never an exception.
import { ParsedDocument, readPolicyDocument } from "../../iam";
import { PackResource, TYPES, describeResource } from "./resources";
import { findUnknown, isUnknownValue } from "./values";

/** Resource types whose `policy` property is one identity-policy document. */
const SINGLE_POLICY_TYPES: string[] = [TYPES.policy, TYPES.rolePolicy, TYPES.userPolicy, TYPES.groupPolicy];

export const POLICY_RESOURCE_TYPES: string[] = [...SINGLE_POLICY_TYPES, TYPES.role];

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
}

function rawDocuments(resource: PackResource): RawDocument[] {
  const where = describeResource(resource);
  if (SINGLE_POLICY_TYPES.includes(resource.type)) {
    return resource.props.policy === undefined ? [] : [{ source: where, value: resource.props.policy }];
  }
  if (resource.type === TYPES.role) {
    const inline = resource.props.inlinePolicies;
    if (isUnknownValue(inline)) return [{ source: `inline policies of ${where}`, value: inline }];
    if (!Array.isArray(inline)) return [];
    return inline
      .filter((entry) => typeof entry === "object" && entry !== null && (entry as Record<string, unknown>).policy !== undefined)
      .map((entry, i) => {
        const { name, policy } = entry as Record<string, unknown>;
        const label = typeof name === "string" && name !== "" ? `'${name}'` : `#${i + 1}`;
        return { source: `inline policy ${label} of ${where}`, value: policy };
      });
  }
  return [];
}

/** Reads every identity-policy document of the resource; unknown or unreadable ones become notes. */
export function readResourceDocuments(resource: PackResource): ResourceDocuments {
  const documents: ParsedDocument[] = [];
  const notes: DocumentNote[] = [];
  for (const raw of rawDocuments(resource)) {
    const unknown = findUnknown(raw.value);
    if (unknown) {
      notes.push({
        kind: "cannot-judge",
        message: `${raw.source}: the policy is not known during preview (it depends on values of resources not created yet); it is checked again when \`pulumi up\` runs`,
      });
      continue;
    }
    const read = readPolicyDocument(raw.value, raw.source);
    if (read.document) documents.push(read.document);
    for (const d of read.diagnostics) notes.push({ kind: d.kind, message: d.message });
  }
  return { documents, notes };
}
