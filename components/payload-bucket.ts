import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_INPUT_PREFIX, DEFAULT_OUTPUT_PREFIX } from "../src/workflow/contract";
import { PAYLOAD_BUCKET_ARGUMENTS, argumentChecks } from "./arguments";
import { registerLean } from "./registration-stacks";
import { payloadBucketPolicy } from "../src/bedrock/role-policy";

export interface PayloadBucketArgs {
  /**
   * The bucket's name; a name known before deployment lets `pulumi preview` (and its policy pack) judge what refers to it.
   * @default a name Pulumi generates from the component's name
   */
  bucketName?: pulumi.Input<string>;
  /**
   * Days after which request and response payloads are deleted. Payloads may hold prompts: keep them short-lived.
   * @default 7
   */
  retentionDays?: pulumi.Input<number>;
  /**
   * Key prefix of request payloads (the role may read it).
   * @default "input/"
   */
  inputPrefix?: string;
  /**
   * Key prefix of response payloads (the role may write it).
   * @default "output/"
   */
  outputPrefix?: string;
  /**
   * Key prefix of batch results (a Distributed Map's ResultWriter), with its own expiry; none when not given.
   * @default none
   */
  resultsPrefix?: string;
  /**
   * Days after which batch results under `resultsPrefix` are deleted.
   * @default 7
   */
  resultsRetentionDays?: pulumi.Input<number>;
  /**
   * Empty the bucket on `pulumi destroy`. Payloads are transient.
   * @default true
   */
  forceDestroy?: boolean;
  /**
   * The Region of the bucket and its configuration (the `region` input of @pulumi/aws 7).
   * @default the provider's Region
   */
  region?: string;
  /**
   * Tags on the bucket.
   * @default {}
   */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The S3 bucket behind the Bedrock integration's `Input.S3Uri` / `Output.S3Uri` for payloads over 256 KB:
 * private, encrypted, TLS-only, owner-enforced, and expiring what it holds.
 */
export class PayloadBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;

  constructor(name: string, args: PayloadBucketArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    const checks = argumentChecks("PayloadBucket", name);
    checks.schema(PAYLOAD_BUCKET_ARGUMENTS, args);
    const inputPrefix = args.inputPrefix ?? DEFAULT_INPUT_PREFIX;
    const outputPrefix = args.outputPrefix ?? DEFAULT_OUTPUT_PREFIX;
    for (const [argument, prefix] of [
      ["inputPrefix", inputPrefix],
      ["outputPrefix", outputPrefix],
    ] as const) {
      if (typeof prefix !== "string" || !/^[\w.!*'()-]+(\/[\w.!*'()-]+)*\/$/.test(prefix)) checks.fail(argument, prefix, "must be a key prefix ending in '/', such as input/");
    }
    if (inputPrefix.startsWith(outputPrefix) || outputPrefix.startsWith(inputPrefix)) checks.fail("outputPrefix", outputPrefix, `must not overlap inputPrefix '${inputPrefix}'`);
    super("bedrock-sfn:index:PayloadBucket", name, {}, opts);
    // Children register with lean stack captures (registration-stacks.ts says why).
    this.bucket = registerLean(() => this.build(name, args, [inputPrefix, outputPrefix]));
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }

  /** The bucket and its settings: owner-enforced, private, encrypted, expiring payloads, TLS only. */
  private build(name: string, args: PayloadBucketArgs, prefixes: string[]): aws.s3.Bucket {
    const child = { parent: this };
    const region = args.region;
    const created = new aws.s3.Bucket(name, { bucket: args.bucketName, forceDestroy: args.forceDestroy ?? true, tags: args.tags, region }, child);
    const bucket = created.id;

    const ownership = new aws.s3.BucketOwnershipControls(name, { bucket, region, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      name,
      { bucket, region, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      child,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      name,
      { bucket, region, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }] },
      child,
    );
    new aws.s3.BucketLifecycleConfiguration(
      name,
      {
        bucket,
        region,
        rules: [
          ...prefixes.map((prefix) => ({ prefix, days: args.retentionDays ?? PAYLOAD_BUCKET_ARGUMENTS.retentionDays.default })),
          ...(args.resultsPrefix ? [{ prefix: args.resultsPrefix, days: args.resultsRetentionDays ?? PAYLOAD_BUCKET_ARGUMENTS.retentionDays.default }] : []),
        ].map(({ prefix, days }) => ({
          id: `expire-${prefix.replace(/\/$/, "")}`,
          status: "Enabled",
          filter: { prefix },
          expiration: { days },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        })),
      },
      child,
    );
    new aws.s3.BucketPolicy(
      name,
      { bucket, region, policy: created.arn.apply((arn) => JSON.stringify(payloadBucketPolicy(arn))) },
      // A bucket policy put before the public access block can be refused as public by S3.
      { ...child, dependsOn: [publicAccess, ownership] },
    );
    return created;
  }
}

/**
 * A bucket name that is known at preview and unique per project, component, stack, account and Region:
 * `<project>-<component>-<stack>-<account>-<region>`, lower-cased, cut to S3's 63 characters with a hash when longer.
 */
export function payloadBucketName(component: string, stack: string, account: string, region: string, project?: string): string {
  const full = `${project ? `${project}-` : ""}${component}-${stack}-${account}-${region}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-");
  if (full.length <= 63) return full.replace(/^-|-$/g, "") || "payloads";
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  return `${full.slice(0, 54).replace(/-+$/, "")}-${hash}`;
}
