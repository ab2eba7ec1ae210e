// The resource types the stand-in serves: exactly what this project declares. Each kind says which inputs force a
// replacement, which physical name AWS needs (autonamed `<name>-<7 hex>` when not given, as pulumi-aws does),
// what AWS would refuse, and what AWS computes (IDs, ARNs) from the inputs.
import { randomBytes } from "node:crypto";
import { LOG_LEVELS, WORKFLOW_TYPES } from "../../../src/core/defaults";
import { BUCKET_POLICY_LIMIT, IAM_LIMITS, bucketNameProblems, definitionProblems, fail, nameProblem, oneOf, policyProblems, retentionProblem } from "./validate";
import { API_GATEWAY_KINDS } from "./apigateway";
import type { CheckFailure, ResourceKind } from "./resource-kind";
import { Inputs, kept, known, knownString, now, regionOf } from "./values";

const tagsAll = (inputs: Inputs): Inputs => ({ tagsAll: inputs.tags ?? {} });

/** Outputs of a bucket sub-resource (public access block, policy, ...): AWS identifies it by the bucket. */
const bucketScoped = (validate?: ResourceKind["validate"]): ResourceKind => ({
  replaceOn: ["bucket", "expectedBucketOwner"],
  validate,
  outputs: (inputs) => ({ id: knownString(inputs, "bucket") ?? "", computed: {} }),
});

const IAM_NAME = /^[\w+=,.@-]+$/;
const IAM_NAME_CHARS = "letters, digits and +=,.@_-";

const PROJECT_KINDS: Record<string, ResourceKind> = {
  "aws:iam/role:Role": {
    replaceOn: ["name", "namePrefix", "path"],
    autoName: { property: "name", maxLength: 64 },
    validate(inputs) {
      const name = knownString(inputs, "name");
      const path = knownString(inputs, "path");
      const duration = known(inputs, "maxSessionDuration");
      const description = knownString(inputs, "description");
      return [
        ...fail("name", nameProblem(name, 64, IAM_NAME, IAM_NAME_CHARS)),
        ...fail("path", path === undefined || /^\/([\x21-\x7e]*\/)?$/.test(path) ? undefined : "must begin and end with '/'"),
        ...fail("description", description && description.length > 1000 ? "must be at most 1000 characters" : undefined),
        ...fail("maxSessionDuration", duration === undefined || (Number(duration) >= 3600 && Number(duration) <= 43200) ? undefined : "must be 3600 to 43200 seconds"),
        ...policyFailures(inputs, "assumeRolePolicy", "trust", IAM_LIMITS.trustPolicy),
      ];
    },
    outputs(inputs, ctx, previous) {
      const name = knownString(inputs, "name") ?? "";
      const path = knownString(inputs, "path") ?? "/";
      return {
        id: name,
        computed: {
          path,
          arn: `arn:${ctx.partition}:iam::${ctx.account}:role${path}${name}`,
          uniqueId: kept(previous, "uniqueId", () => `AROA${randomBytes(9).toString("hex").toUpperCase().slice(0, 17)}`),
          createDate: kept(previous, "createDate", now),
          maxSessionDuration: known(inputs, "maxSessionDuration") ?? 3600,
          ...tagsAll(inputs),
        },
      };
    },
  },
  "aws:iam/rolePolicy:RolePolicy": {
    replaceOn: ["role", "name", "namePrefix"],
    autoName: { property: "name", maxLength: 128 },
    validate(inputs) {
      const name = knownString(inputs, "name");
      return [...fail("name", nameProblem(name, 128, IAM_NAME, IAM_NAME_CHARS)), ...policyFailures(inputs, "policy", "identity", IAM_LIMITS.inlineRolePolicy)];
    },
    outputs: (inputs) => ({ id: `${knownString(inputs, "role")}:${knownString(inputs, "name")}`, computed: {} }),
  },
  "aws:cloudwatch/logGroup:LogGroup": {
    replaceOn: ["name", "namePrefix", "logGroupClass"],
    autoName: { property: "name", maxLength: 512 },
    validate(inputs) {
      const name = knownString(inputs, "name");
      return [
        ...fail("name", nameProblem(name, 512, /^[.\-_/#A-Za-z0-9]+$/, "letters, digits and ._-/#")),
        ...fail("retentionInDays", retentionProblem(known(inputs, "retentionInDays"))),
        ...fail("logGroupClass", oneOf(known(inputs, "logGroupClass"), ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"])),
      ];
    },
    outputs(inputs, ctx) {
      const name = knownString(inputs, "name") ?? "";
      return {
        id: name,
        computed: {
          arn: `arn:${ctx.partition}:logs:${regionOf(inputs, ctx)}:${ctx.account}:log-group:${name}`,
          region: regionOf(inputs, ctx),
          retentionInDays: known(inputs, "retentionInDays") ?? 0,
          logGroupClass: known(inputs, "logGroupClass") ?? "STANDARD",
          ...tagsAll(inputs),
        },
      };
    },
  },
  "aws:sfn/stateMachine:StateMachine": {
    replaceOn: ["name", "namePrefix", "type"],
    autoName: { property: "name", maxLength: 80 },
    validate(inputs) {
      const name = knownString(inputs, "name");
      const roleArn = knownString(inputs, "roleArn");
      const logging = known(inputs, "loggingConfiguration") as { level?: string; logDestination?: string } | undefined;
      const level = logging?.level ?? "OFF";
      return [
        ...fail("name", nameProblem(name, 80, /^[\w-]+$/, "letters, digits, '-' and '_'")),
        ...fail("type", oneOf(known(inputs, "type"), WORKFLOW_TYPES)),
        ...fail("roleArn", roleArn === undefined || /^arn:aws[\w-]*:iam::\d{12}:role\/.+/.test(roleArn) ? undefined : `'${roleArn}' is not an IAM role ARN`),
        ...fail("definition", known(inputs, "definition") === undefined ? undefined : definitionProblems(known(inputs, "definition")).join("; ") || undefined),
        ...fail("loggingConfiguration.level", oneOf(logging?.level, LOG_LEVELS)),
        ...fail("loggingConfiguration.logDestination", level === "OFF" ? undefined : logDestinationProblem(logging?.logDestination)),
      ];
    },
    outputs(inputs, ctx, previous) {
      const name = knownString(inputs, "name") ?? "";
      const region = regionOf(inputs, ctx);
      const arn = `arn:${ctx.partition}:states:${region}:${ctx.account}:stateMachine:${name}`;
      return {
        id: arn,
        computed: {
          arn,
          region,
          type: known(inputs, "type") ?? "STANDARD",
          status: "ACTIVE",
          creationDate: kept(previous, "creationDate", now),
          revisionId: randomBytes(16).toString("hex"),
          stateMachineVersionArn: "",
          ...tagsAll(inputs),
        },
      };
    },
  },
  "aws:s3/bucket:Bucket": {
    replaceOn: ["bucket", "bucketPrefix", "objectLockEnabled"],
    autoName: { property: "bucket", maxLength: 63, lowercase: true },
    validate(inputs) {
      const name = knownString(inputs, "bucket");
      const problems = name === undefined ? [] : bucketNameProblems(name);
      return problems.length ? [{ property: "bucket", reason: `InvalidBucketName: '${name}' ${problems.join("; ")}` }] : [];
    },
    outputs(inputs, ctx) {
      const bucket = knownString(inputs, "bucket") ?? "";
      const region = regionOf(inputs, ctx);
      return {
        id: bucket,
        computed: {
          arn: `arn:${ctx.partition}:s3:::${bucket}`,
          region,
          bucketDomainName: `${bucket}.s3.amazonaws.com`,
          bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
          forceDestroy: known(inputs, "forceDestroy") ?? false,
          ...tagsAll(inputs),
        },
      };
    },
  },
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": bucketScoped((inputs) => {
    const rule = known(inputs, "rule") as { objectOwnership?: string } | undefined;
    return fail("rule.objectOwnership", oneOf(rule?.objectOwnership, ["BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"]));
  }),
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketScoped(),
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": bucketScoped((inputs) => {
    const rules = (known(inputs, "rules") as Array<{ applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }> | undefined) ?? [];
    return rules.flatMap((rule, i) =>
      fail(`rules[${i}].applyServerSideEncryptionByDefault.sseAlgorithm`, oneOf(rule.applyServerSideEncryptionByDefault?.sseAlgorithm, ["AES256", "aws:kms", "aws:kms:dsse"])),
    );
  }),
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": bucketScoped((inputs) => {
    const rules = (known(inputs, "rules") as Array<{ id?: string; status?: string; expiration?: { days?: number } }> | undefined) ?? [];
    const ids = rules.map((r) => r.id);
    return rules.flatMap((rule, i) => [
      ...fail(`rules[${i}].id`, !rule.id || rule.id.length > 255 ? "must be 1 to 255 characters" : ids.indexOf(rule.id) !== i ? `duplicate rule ID '${rule.id}'` : undefined),
      ...fail(`rules[${i}].status`, oneOf(rule.status, ["Enabled", "Disabled"])),
      ...fail(
        `rules[${i}].expiration.days`,
        rule.expiration?.days !== undefined && !(Number.isInteger(rule.expiration.days) && rule.expiration.days >= 1) ? "must be a positive whole number of days" : undefined,
      ),
    ]);
  }),
  "aws:s3/bucketPolicy:BucketPolicy": bucketScoped((inputs) => policyFailures(inputs, "policy", "resource", BUCKET_POLICY_LIMIT)),
  "aws:iam/policy:Policy": {
    replaceOn: ["name", "namePrefix", "path"],
    autoName: { property: "name", maxLength: 128 },
    validate(inputs) {
      const name = knownString(inputs, "name");
      return [...fail("name", nameProblem(name, 128, IAM_NAME, IAM_NAME_CHARS)), ...policyFailures(inputs, "policy", "identity", IAM_LIMITS.managedPolicy)];
    },
    outputs(inputs, ctx, previous) {
      const path = knownString(inputs, "path") ?? "/";
      const arn = `arn:${ctx.partition}:iam::${ctx.account}:policy${path}${knownString(inputs, "name")}`;
      return {
        id: arn,
        computed: {
          arn,
          path,
          policyId: kept(previous, "policyId", () => `ANPA${randomBytes(9).toString("hex").toUpperCase().slice(0, 17)}`),
          attachmentCount: 0,
          ...tagsAll(inputs),
        },
      };
    },
  },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
    replaceOn: ["role", "policyArn"],
    validate(inputs) {
      const arn = knownString(inputs, "policyArn");
      return fail("policyArn", arn === undefined || /^arn:aws[\w-]*:iam::(\d{12}|aws):policy\/.+/.test(arn) ? undefined : `'${arn}' is not an IAM policy ARN`);
    },
    outputs: (inputs, _ctx, previous) => ({
      id: kept(previous, "id", () => `${knownString(inputs, "role")}-${randomBytes(13).toString("hex").slice(0, 26)}`),
      computed: {},
    }),
  },
};

/** Every type the stand-in serves: the stack's own, plus the API Gateway front door's. */
export const RESOURCE_KINDS: Record<string, ResourceKind> = { ...PROJECT_KINDS, ...API_GATEWAY_KINDS };

function logDestinationProblem(destination: string | undefined): string | undefined {
  if (destination === undefined) return "InvalidLoggingConfiguration: a log destination is required unless the level is OFF";
  return /^arn:aws[\w-]*:logs:[a-z0-9-]+:\d{12}:log-group:.+:\*$/.test(destination)
    ? undefined
    : `InvalidLoggingConfiguration: '${destination}' must be a log group ARN ending in ':*'`;
}

function policyFailures(inputs: Inputs, property: string, kind: "identity" | "trust" | "resource", limit: number): CheckFailure[] {
  const text = known(inputs, property);
  if (text === undefined) return [];
  return policyProblems(text, kind, limit).map((reason) => ({ property, reason }));
}
