// The AWS Regions this project knows, by partition, from the bundled copy of AWS's partitions data
// (see aws-regions.json's _meta). Region names decide the partition of every ARN the role holds.
import regionsJson from "./aws-regions.json";

export type Partition = "aws" | "aws-us-gov" | "aws-cn" | "aws-eusc" | "aws-iso" | "aws-iso-b" | "aws-iso-e" | "aws-iso-f";

interface PartitionEntry {
  id: Partition;
  regionRegex: string;
  regions: string[];
}

const data = regionsJson as unknown as { _meta: Record<string, string>; partitions: PartitionEntry[] };
const patterns = data.partitions.map((p) => ({ id: p.id, pattern: new RegExp(p.regionRegex) }));
const known = new Set(data.partitions.flatMap((p) => p.regions));

/**
 * The shape of a Region name in every partition (us-east-1, us-gov-west-1, eusc-de-east-1, us-isob-east-1);
 * whether AWS has such a Region is a separate question (isKnownRegion).
 */
export const REGION_NAME = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;

/** Every Region of the bundled list, sorted. */
export function knownAwsRegions(): string[] {
  return [...known].sort();
}

export function isKnownRegion(region: string): boolean {
  return known.has(region);
}

/** The partition whose Region-name pattern matches, e.g. eusc-de-east-1 -> aws-eusc; "aws" when none does. */
export function partitionOfRegion(region: string): Partition {
  return patterns.find((p) => p.pattern.test(region))?.id ?? "aws";
}
