// A bare IAM policy document -> one managed policy for the pack. No state machine and no Region: the pack's document
// rules take each inference profile's source Region from the profile ARN itself.
import * as path from "node:path";
import type { CheckInput, Source } from "./source";

const POLICY = "aws:iam/policy:Policy";

export function barePolicyResources(source: Source): CheckInput {
  const name = path.basename(source.file);
  return {
    resources: [{ type: POLICY, name, urn: `urn:pulumi:stack::project::${POLICY}::${name}`, props: { name, policy: source.value }, propertyDependencies: {} }],
    locations: new Map([[name, { line: 1, label: name }]]),
    notes: [],
    region: "",
  };
}
