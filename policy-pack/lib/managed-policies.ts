// AWS-managed policies whose Bedrock statements AWS publishes, bundled as data so that a role whose only Bedrock
// grant is one of them is judged by what it grants instead of "cannot read". Each entry says where it comes from.
// Only the statements that concern Bedrock model invocation are transcribed; the rest of each policy (console
// helpers: IAM role listing, KMS, EC2 describe calls) cannot change a bedrock:InvokeModel decision.

export interface ManagedPolicyData {
  name: string;
  arnSuffix: string;
  provenance: string;
  document: { Version: "2012-10-17"; Statement: object[] };
}

const BUNDLED: ManagedPolicyData[] = [
  {
    name: "AmazonBedrockFullAccess",
    arnSuffix: ":iam::aws:policy/AmazonBedrockFullAccess",
    provenance: 'statement BedrockAll, as AWS publishes it in the Bedrock User Guide\'s "AWS managed policies for Amazon Bedrock", late 2025',
    document: { Version: "2012-10-17", Statement: [{ Sid: "BedrockAll", Effect: "Allow", Action: ["bedrock:*"], Resource: "*" }] },
  },
];

/** The bundled copy of an AWS-managed policy named by ARN (any partition), if this pack has one. */
export function bundledManagedPolicy(arn: string): ManagedPolicyData | undefined {
  if (!arn.startsWith("arn:")) return undefined;
  const rest = arn.slice(arn.indexOf(":", 4));
  return BUNDLED.find((p) => rest === p.arnSuffix);
}
