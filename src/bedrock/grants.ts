// The IAM statements that let every routed call of a model succeed, and the authorisation requests
// AWS makes for those calls. The component writes the first; tests and the policy pack check policies
// against the second, so "required" and "checked" cannot drift apart.
import { executionArnPattern, foundationModelArn } from "./arn";
import { ResolvedModel } from "./resolve";

export const INVOKE_MODEL = "bedrock:InvokeModel";
export const PROFILE_ARN_KEY = "bedrock:InferenceProfileArn";
export const REQUESTED_REGION_KEY = "aws:RequestedRegion";
/** The value AWS gives aws:RequestedRegion when it authorises the Region-less model ARN of a global profile. */
const UNSPECIFIED_REGION = "unspecified";

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** A role's trust policy: which service may assume it, and on what condition. */
export interface TrustPolicyDocument {
  Version: "2012-10-17";
  Statement: { Effect: "Allow"; Principal: { Service: string }; Action: "sts:AssumeRole"; Condition?: Record<string, Record<string, string>> }[];
}

/** `service` may assume the role only for this account's resources matching `sourceArn` (AWS's confused-deputy protection). */
export function serviceTrustPolicy(service: string, account: string, sourceArn: string): TrustPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": sourceArn } },
      },
    ],
  };
}

/** One authorisation AWS performs when a call is routed somewhere; all of them must be allowed. */
export interface AuthorizationRequest {
  action: string;
  resource: string;
  context: Record<string, string>;
  /** Where this request is evaluated, for messages: a Region, or "unspecified" for the Region-less ARN. */
  region: string;
  why: string;
}

export function requiredBedrockStatements(model: ResolvedModel): PolicyStatement[] {
  const { routing, partition, sourceRegion, invokedArn } = model;
  const allow = (Sid: string, Resource: string[], Condition?: PolicyStatement["Condition"]): PolicyStatement =>
    Condition ? { Sid, Effect: "Allow", Action: [INVOKE_MODEL], Resource, Condition } : { Sid, Effect: "Allow", Action: [INVOKE_MODEL], Resource };

  switch (routing.kind) {
    case "in-region":
      return [allow("InvokeFoundationModel", [invokedArn])];
    case "provisioned":
      return [allow(ownArnSid(model), [invokedArn])];
    case "regions": {
      const models = routing.regions.map((r) => foundationModelArn(partition, r, requireModel(model)));
      // AWS does not set bedrock:InferenceProfileArn while it authorises the profile itself,
      // so the profile statement carries no condition; the model statements are tied to the profile.
      return [
        allow(model.ref.kind === "application-profile" ? "InvokeApplicationInferenceProfile" : "InvokeInferenceProfile", [invokedArn]),
        allow("InvokeFoundationModelThroughProfile", models, { StringEquals: { [PROFILE_ARN_KEY]: invokedArn } }),
      ];
    }
    case "global": {
      const fm = requireModel(model);
      // AWS's documented three-part policy for global cross-Region inference.
      return [
        allow("InvokeGlobalInferenceProfile", [invokedArn], { StringEquals: { [REQUESTED_REGION_KEY]: sourceRegion } }),
        allow("InvokeFoundationModelInSourceRegion", [foundationModelArn(partition, sourceRegion, fm)], {
          StringEquals: { [REQUESTED_REGION_KEY]: sourceRegion, [PROFILE_ARN_KEY]: invokedArn },
        }),
        allow("InvokeGlobalFoundationModel", [foundationModelArn(partition, "", fm)], {
          StringEquals: { [REQUESTED_REGION_KEY]: UNSPECIFIED_REGION, [PROFILE_ARN_KEY]: invokedArn },
        }),
      ];
    }
  }
}

/** Every authorisation that some routing of a call to this model makes. */
export function routedRequests(model: ResolvedModel): AuthorizationRequest[] {
  const { routing, partition, sourceRegion, invokedArn } = model;
  const first: AuthorizationRequest = {
    action: INVOKE_MODEL,
    resource: invokedArn,
    context: { [REQUESTED_REGION_KEY]: sourceRegion },
    region: sourceRegion,
    why: `the call to ${model.modelId} in ${sourceRegion}`,
  };
  const viaProfile = (region: string, contextRegion: string): AuthorizationRequest => ({
    action: INVOKE_MODEL,
    resource: foundationModelArn(partition, region, requireModel(model)),
    context: { [REQUESTED_REGION_KEY]: contextRegion, [PROFILE_ARN_KEY]: invokedArn },
    region: region || UNSPECIFIED_REGION,
    why: region ? `a call routed to ${region}` : "a call routed by the global profile (Region-less model ARN)",
  });
  switch (routing.kind) {
    case "in-region":
    case "provisioned":
      return [first];
    case "regions":
      return [first, ...routing.regions.map((r) => viaProfile(r, r))];
    case "global":
      return [first, viaProfile(sourceRegion, sourceRegion), viaProfile("", UNSPECIFIED_REGION)];
  }
}

/**
 * The foundation-model ARNs that calls through this model are authorised against after routing (every destination
 * Region; for a global profile the source Region and the Region-less ARN); empty for an in-Region model. Derived
 * from routedRequests, so the role, the pack's messages and the mocks list the same ARNs.
 */
export function routedModelArns(model: ResolvedModel): string[] {
  return routedRequests(model)
    .slice(1)
    .map((r) => r.resource);
}

function ownArnSid(model: ResolvedModel): string {
  if (model.ref.kind !== "own-arn-model") return "InvokeProvisionedModel";
  const words = model.ref.resourceType.split("-").map((w) => w[0].toUpperCase() + w.slice(1));
  return `Invoke${words.join("")}`;
}

function requireModel(model: ResolvedModel): string {
  if (!model.foundationModelId) throw new Error(`no foundation model is known for ${model.modelId}`);
  return model.foundationModelId;
}

/**
 * AWS, "Permissions for using cross-Region inference with Amazon Bedrock Guardrails" (Bedrock user guide,
 * guardrail-profiles-permissions, read 2026-12-05): invoking a guardrail with cross-Region inference needs
 * bedrock:ApplyGuardrail on the guardrail in the source Region and on the guardrail profile
 * (`guardrail-profile/<geo>.guardrail.v1:0`) in each destination Region. For a geographic model profile, the geo
 * is its prefix and the destinations its routed Regions. A global profile's guardrail profile is not named on that
 * page, so none is granted for it (docs/models.md says so); an in-Region model needs none.
 */
export function guardrailProfileArns(model: ResolvedModel): string[] {
  if (model.routing.kind !== "regions" || model.ref.kind !== "system-profile") return [];
  const profile = `${model.ref.prefix}.guardrail.v1:0`;
  return model.routing.regions.map((r) => `arn:${model.partition}:bedrock:${r}:${model.account}:guardrail-profile/${profile}`);
}

/** Payload bucket access: read what executions hand in, write what Bedrock hands back; nothing else. */
export function payloadStatements(bucketArn: string, inputPrefix: string, outputPrefix: string): PolicyStatement[] {
  return s3AccessStatements([`${bucketArn}/${inputPrefix}*`], [`${bucketArn}/${outputPrefix}*`]);
}

/** Reads and writes of S3 objects (object ARNs, `*` for a prefix); no statement for an empty list. */
export function s3AccessStatements(reads: string[], writes: string[]): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  if (reads.length) statements.push({ Sid: "ReadPayloadInputs", Effect: "Allow", Action: ["s3:GetObject"], Resource: reads });
  if (writes.length) statements.push({ Sid: "WritePayloadOutputs", Effect: "Allow", Action: ["s3:PutObject"], Resource: writes });
  return statements;
}

/**
 * What a Distributed Map needs of its own role (AWS, "IAM policies for using Distributed Map states" and
 * "ResultWriter (Map)", Step Functions developer guide; docs/batch.md cites them): starting child executions of its
 * own state machine, describing and stopping them, and writing results (multipart uploads) under the results
 * prefix. The items are read under the input prefix, which payloadStatements already grants.
 */
export function distributedMapStatements(input: { stateMachineArn: string; bucketArn: string; resultsPrefix: string }): PolicyStatement[] {
  const { stateMachineArn, bucketArn, resultsPrefix } = input;
  return [
    { Sid: "StartOwnChildExecutions", Effect: "Allow", Action: ["states:StartExecution"], Resource: [stateMachineArn] },
    { Sid: "DescribeAndStopOwnExecutions", Effect: "Allow", Action: ["states:DescribeExecution", "states:StopExecution"], Resource: [executionArnPattern(stateMachineArn)] },
    {
      Sid: "WriteBatchResults",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
      Resource: [`${bucketArn}/${resultsPrefix}*`],
    },
  ];
}

/** `bedrock:ApplyGuardrail` on guardrail ARNs (the built-in workflow's one is `ApplyGuardrail`, a definition's `ApplyGuardrails`). */
export function guardrailStatements(guardrailArns: string[], sid = "ApplyGuardrails"): PolicyStatement[] {
  return guardrailArns.length ? [{ Sid: sid, Effect: "Allow", Action: ["bedrock:ApplyGuardrail"], Resource: guardrailArns }] : [];
}

/**
 * Step Functions delivers execution logs through CloudWatch Logs' vended-log API. AWS documents these actions
 * with Resource "*" because the delivery actions have no resource-level permissions (Step Functions developer
 * guide, "IAM policies for logging to CloudWatch Logs"); this is the one statement without a narrower resource.
 */
export const LOG_DELIVERY_ACTIONS = [
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
];

/** Newer AWS docs also list stream writes; those do take a resource, so they are scoped to the workflow's log group. */
export function loggingStatements(logGroupArn: string): PolicyStatement[] {
  return [
    { Sid: "DeliverExecutionLogs", Effect: "Allow", Action: [...LOG_DELIVERY_ACTIONS], Resource: ["*"] },
    { Sid: "WriteExecutionLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroupArn}:*`] },
  ];
}

/** X-Ray trace segments: these actions also take no resource ARN. */
export const TRACING_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"];

export function tracingStatements(): PolicyStatement[] {
  return [{ Sid: "SendTraces", Effect: "Allow", Action: [...TRACING_ACTIONS], Resource: ["*"] }];
}
