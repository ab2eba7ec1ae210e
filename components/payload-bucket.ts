import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface PayloadBucketArgs {
  /** The bucket's name; a name known before deployment lets `pulumi preview` (and its policy pack) judge what refers to it. */
  bucketName?: pulumi.Input<string>;
  /** Days after which request and response payloads are deleted. Payloads may hold prompts: keep them short-lived. */
  retentionDays: number;
  /** Key prefixes of the two payload directions; the role may read the first and write the second. */
  inputPrefix: string;
  outputPrefix: string;
  /** Empty the bucket on `pulumi destroy`. Payloads are transient, so this defaults to true. */
  forceDestroy?: boolean;
}

/**
 * The S3 bucket behind the Bedrock integration's `Input.S3Uri` / `Output.S3Uri` for payloads over 256 KB:
 * private, encrypted, TLS-only, owner-enforced, and expiring what it holds.
 */
export class PayloadBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;

  constructor(name: string, args: PayloadBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bedrock-sfn:index:PayloadBucket", name, {}, opts);
    const child = { parent: this };

    this.bucket = new aws.s3.Bucket(name, { bucket: args.bucketName, forceDestroy: args.forceDestroy ?? true }, child);
    const bucket = this.bucket.id;

    const ownership = new aws.s3.BucketOwnershipControls(name, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      name,
      { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      child,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      name,
      { bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }] },
      child,
    );
    new aws.s3.BucketLifecycleConfiguration(
      name,
      {
        bucket,
        rules: [args.inputPrefix, args.outputPrefix].map((prefix) => ({
          id: `expire-${prefix.replace(/\/$/, "")}`,
          status: "Enabled",
          filter: { prefix },
          expiration: { days: args.retentionDays },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        })),
      },
      child,
    );
    new aws.s3.BucketPolicy(
      name,
      {
        bucket,
        policy: this.bucket.arn.apply((arn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [arn, `${arn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
              },
            ],
          }),
        ),
      },
      // A bucket policy put before the public access block can be refused as public by S3.
      { ...child, dependsOn: [publicAccess, ownership] },
    );

    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}

/**
 * A bucket name that is known at preview and unique per component, stack, account and Region:
 * `<component>-<stack>-<account>-<region>`, lower-cased, cut to S3's 63 characters with a hash when longer.
 */
export function payloadBucketName(component: string, stack: string, account: string, region: string): string {
  const full = `${component}-${stack}-${account}-${region}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-");
  if (full.length <= 63) return full.replace(/^-|-$/g, "") || "payloads";
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  return `${full.slice(0, 54).replace(/-+$/, "")}-${hash}`;
}
