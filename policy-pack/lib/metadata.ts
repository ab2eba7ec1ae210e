// What Pulumi's policy views show beside each policy (@pulumi/policy 1.21: severity, remediationSteps, tags,
// framework), kept in one table so that every policy carries it. The framework is this pack's own rule set
// (name "bedrock-sfn", the pack's version, the policy's name as its reference): none of these rules implements a
// published compliance control one to one, and a made-up mapping to one would mislead an auditor; tags say what each
// rule is about.
import type { Policy, PolicyComplianceFramework } from "@pulumi/policy";
import packageJson from "../package.json";

type Metadata = Pick<Policy, "severity" | "remediationSteps" | "tags" | "framework">;

const METADATA: Record<string, Metadata> = {
  "bedrock-profile-routed-regions": {
    severity: "high",
    remediationSteps:
      "Add the foundation-model ARNs the message lists (the model in every Region the profile routes to from its source Region), " +
      "tied to the profile with Condition StringEquals bedrock:InferenceProfileArn; or remove the Deny, condition or NotResource the message names. " +
      'Enforcement level "remediate" adds the missing ARNs to the policy for you.',
    tags: ["bedrock", "iam", "cross-region-inference", "availability"],
  },
  "bedrock-inference-profile-arn": {
    severity: "high",
    remediationSteps:
      "Grant the inference-profile ARN (arn:aws:bedrock:<region>:<account>:inference-profile/<profile-id>) in a statement without a " +
      "bedrock:InferenceProfileArn condition, and the foundation models as arn:aws:bedrock:<region>::foundation-model/<model-id>.",
    tags: ["bedrock", "iam", "cross-region-inference", "availability"],
  },
  "bedrock-state-machine-role": {
    severity: "high",
    remediationSteps:
      "Grant the execution role every authorisation the message lists (model ARNs, guardrails, payload objects, iam:PassRole), or remove the Deny or boundary that refuses it.",
    tags: ["bedrock", "iam", "step-functions", "availability"],
  },
  "bedrock-least-privilege": {
    severity: "medium",
    remediationSteps:
      'Replace wildcard actions and Resource "*" with the actions and ARNs the workflow uses; tie foundation-model grants to the profile with bedrock:InferenceProfileArn.',
    tags: ["bedrock", "iam", "least-privilege", "security"],
  },
  "bedrock-data-residency": {
    severity: "high",
    remediationSteps:
      "Use an inference profile (or a model) whose routed Regions are all in allowedRegions, or change allowedRegions / allowGlobalProfiles in the pack's configuration.",
    tags: ["bedrock", "data-residency", "compliance"],
  },
  "bedrock-model-lifecycle": {
    severity: "high",
    remediationSteps:
      "Move the workflow to the successor the message names (a model that is Active on Bedrock): an end-of-life model refuses every call. " +
      "For a Legacy model, plan the move before its end-of-life date. A catalog file from `npx bedrock-sfn catalog` (pack config catalogFile) brings the account's own lifecycle dates.",
    tags: ["bedrock", "model-lifecycle", "availability"],
  },
  "iam-policy-readable": {
    severity: "high",
    remediationSteps:
      "Fix what the message names so that IAM accepts the document: valid JSON, Version 2012-10-17, Effect/Action/Resource in every statement, unique Sids, within IAM's size quotas.",
    tags: ["iam", "validity"],
  },
  "api-gateway-role-scope": {
    severity: "high",
    remediationSteps: "Limit the API Gateway role to states:StartSyncExecution / StartExecution / DescribeExecution / StopExecution on the state machines its integrations call.",
    tags: ["api-gateway", "iam", "least-privilege", "security"],
  },
};

/** The metadata of a policy by name (empty for a policy the table does not know). */
export function metadataOf(name: string): Metadata {
  const entry = METADATA[name];
  return entry ? { ...entry, framework: frameworkOf(name) } : {};
}

function frameworkOf(name: string): PolicyComplianceFramework {
  return {
    name: "bedrock-sfn",
    version: packageJson.version,
    reference: name,
    specification: "The bedrock-sfn policy pack's own rules (policy-pack/README.md, 'The policies'); not a published compliance standard.",
  };
}
