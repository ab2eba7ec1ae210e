// Says so when an IAM policy in the stack cannot be judged: malformed (AWS would reject it too: a violation),
// or not decidable here (unknown during preview, an operator or policy variable this pack does not evaluate: advisory).
// The other policies skip what they cannot read, so this is the one place that reports it.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { readResourceDocuments } from "../lib/documents";
import { Finding, note, violation } from "../lib/findings";
import { resourcePolicy } from "../lib/policy";
import { PackResource } from "../lib/resources";

const READABLE_DOCUMENTS = "iam-policy-readable";

export const readableDocumentsPolicy: ResourceValidationPolicy = resourcePolicy(
  {
    name: READABLE_DOCUMENTS,
    description:
      "IAM policy documents must be valid JSON with a Statement list whose statements have Effect, Action (or NotAction) " +
      "and Resource (or NotResource). Fix the document as the message says; AWS rejects malformed policies at deployment. " +
      "Documents the pack cannot evaluate (unknown during preview, unsupported condition operators, policy variables) are " +
      "reported as advisory notes.",
    enforcementLevel: "mandatory",
  },
  readableDocumentsFindings,
);

function readableDocumentsFindings(resource: PackResource): Finding[] {
  return readResourceDocuments(resource).notes.map((n) => (n.kind === "malformed" ? violation(n.message) : note(n.message)));
}
