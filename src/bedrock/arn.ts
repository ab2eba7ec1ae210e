// ARN building and reading for the Bedrock resources this project grants access to.
// Pure string work: no Pulumi, no AWS SDK, so the program and the policy pack share it.

import { splitArnFields } from "../iam/wildcard";
import { Partition, partitionOfRegion } from "./regions";

export type { Partition } from "./regions";

/**
 * The partition a Region belongs to, by AWS's Region-name patterns: GovCloud (aws-us-gov), China (aws-cn),
 * European Sovereign Cloud (aws-eusc, eusc-*) and the ISO partitions have their own ARN prefixes.
 */
export function partitionOf(region: string): Partition {
  return partitionOfRegion(region);
}

/**
 * The account in ARNs computed before the real one is known (the early config and argument checks, the policy
 * pack when a stack names no account): resolving and matching use the account only inside ARNs, so any 12 digits do.
 */
export const PLACEHOLDER_ACCOUNT = "000000000000";

/** `arn:<p>:bedrock:<region>::foundation-model/<id>`; an empty region gives AWS's Region-less form used by global profiles. */
export function foundationModelArn(partition: string, region: string, foundationModelId: string): string {
  return `arn:${partition}:bedrock:${region}::foundation-model/${foundationModelId}`;
}

export function inferenceProfileArn(partition: string, region: string, account: string, profileId: string): string {
  return `arn:${partition}:bedrock:${region}:${account}:inference-profile/${profileId}`;
}

export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the fifth colon, e.g. `foundation-model/anthropic.claude-3-haiku-20240307-v1:0`. */
  resource: string;
}

/** Splits an ARN into its six fields; the resource part may itself hold colons (model versions do). */
export function parseArn(arn: string): Arn | undefined {
  // The one ARN splitter (src/iam/wildcard.ts), which IAM matching also uses: fields can never be read two ways.
  const fields = splitArnFields(arn);
  if (!fields) return undefined;
  const [, partition, service, region, account, resource] = fields;
  return { partition, service, region, account, resource };
}

/** The resource type and id of a Bedrock ARN's resource part (`foundation-model/x` -> ["foundation-model", "x"]). */
export function splitResource(resource: string): [type: string, id: string] {
  const slash = resource.indexOf("/");
  return slash < 0 ? [resource, ""] : [resource.slice(0, slash), resource.slice(slash + 1)];
}

/** `arn:<p>:states:<r>:<a>:stateMachine:<name>` -> the ARN pattern of its executions (STANDARD). */
export function executionArnPattern(stateMachineArn: string): string {
  return `${executionArnPrefix(stateMachineArn)}*`;
}

/** The prefix that a STANDARD execution's name completes into its ARN. */
export function executionArnPrefix(stateMachineArn: string): string {
  const match = /^(arn:[^:]+:states:[^:]+:\d{12}:)stateMachine:([^:]+)$/.exec(stateMachineArn);
  if (!match) throw new Error(`'${stateMachineArn}' is not a state machine ARN (arn:<partition>:states:<region>:<account>:stateMachine:<name>)`);
  return `${match[1]}execution:${match[2]}:`;
}
