import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ModelFamily, familyForModel } from "../bedrock/families";
import { ResolvedModel, resolveModel, routedRegionsOf, routingLookup } from "../bedrock/resolve";
import { rolePolicyDocument } from "../bedrock/role-policy";
import { LogLevel, QueryLanguage, RoutingSource, WorkflowType } from "../config/settings";
import { DEFAULT_INPUT_PREFIX, DEFAULT_OUTPUT_PREFIX, buildDefinition } from "../workflow";
import { PayloadBucket, payloadBucketName } from "./payload-bucket";

export interface BedrockStateMachineArgs {
  /**
   * What the Task calls, exactly as Bedrock's ModelId takes it: a foundation-model ID, a system inference-profile
   * ID (`apac.`, `global.`, ...), or the ARN of a foundation model, inference profile, application inference
   * profile or provisioned model. The role is written for every Region this model can be routed to.
   */
  modelId: string;
  /** STANDARD (durable, up to a year, billed per transition) or EXPRESS (up to 5 minutes, billed per duration). Default STANDARD. */
  workflowType?: WorkflowType;
  /** JSONata (default, AWS's recommendation for new workflows) or JSONPath. */
  queryLanguage?: QueryLanguage;
  /** Generation settings placed in the model's native request body when an execution passes a prompt. */
  maxTokens?: number;
  temperature?: number;
  systemPrompt?: string;
  /**
   * The request/response format when the model ID does not reveal it (application profiles and provisioned
   * models); otherwise derived from the foundation model.
   */
  modelFamily?: ModelFamily;
  /** Days before payload objects expire. Default 7. */
  payloadRetentionDays?: number;
  /** Execution log level; EXPRESS executions are only visible through logs. Default ERROR. */
  logLevel?: LogLevel;
  /** Log execution input and output (prompts and answers). Default false. */
  logIncludeExecutionData?: boolean;
  logRetentionDays?: number;
  /** X-Ray tracing. Default false. */
  tracing?: boolean;
  /**
   * Where profile routing comes from: `auto` (the bundled catalog when it knows the profile, else
   * aws.bedrock.getInferenceProfile), `catalog` (never call AWS), `live` (always ask AWS). Default auto.
   */
  routingSource?: RoutingSource;
  /** Regions to grant, for a profile the catalog does not know, or an application profile offline. */
  destinationRegions?: string[];
  /** For an application profile offline: the foundation model or system profile it copies. */
  underlyingModelId?: string;
  /** Deploy Region; defaults to the provider's. */
  region?: string;
  tags?: Record<string, string>;
}

/**
 * A Step Functions state machine that calls Bedrock through the optimized `bedrock:invokeModel` integration,
 * with an execution role that allows every routed call of the model and nothing else, a payload bucket
 * for requests and responses over 256 KB, and a log group.
 */
export class BedrockStateMachine extends pulumi.ComponentResource {
  readonly stateMachineArn: pulumi.Output<string>;
  readonly stateMachineName: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  readonly payloadBucketName: pulumi.Output<string>;
  /** Regions the model can run in; `["*"]` for a global profile (any commercial Region). */
  readonly routedRegions: pulumi.Output<string[]>;
  readonly model: pulumi.Output<ResolvedModel>;
  /** The request/response format the workflow uses; callers normalise S3 responses with it. */
  readonly modelFamily: pulumi.Output<ModelFamily>;

  constructor(name: string, rawArgs: BedrockStateMachineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bedrock-sfn:index:BedrockStateMachine", name, {}, opts);
    const args = trimmedArgs(rawArgs);
    const child = { parent: this };
    const workflowType = args.workflowType ?? "STANDARD";
    const queryLanguage = args.queryLanguage ?? "JSONata";
    const inputPrefix = DEFAULT_INPUT_PREFIX;
    const outputPrefix = DEFAULT_OUTPUT_PREFIX;
    const tags = { "bedrock-sfn:model": sanitiseTag(args.modelId), ...args.tags };

    const region = args.region ? pulumi.output(args.region) : aws.getRegionOutput({}, child).region;
    const identity = aws.getCallerIdentityOutput({}, child);
    const partition = aws.getPartitionOutput({}, child).partition;
    this.model = pulumi
      .all([region, identity.accountId])
      .apply(([sourceRegion, account]) => resolveWithRouting(args, sourceRegion, account, this));
    const family = this.model.apply((model) =>
      familyForModel({ modelId: args.modelId, modelFamily: args.modelFamily, foundationModelId: model.foundationModelId }),
    );

    // Names and ARNs built from values known at preview (not read back from created resources), so that
    // `pulumi preview --policy-pack` sees the complete role policy and definition, not unknowns.
    const stack = pulumi.getStack();
    const bucketName = pulumi.all([identity.accountId, region]).apply(([account, r]) => payloadBucketName(name, stack, account, r));
    const bucketArn = pulumi.interpolate`arn:${partition}:s3:::${bucketName}`;
    // Step Functions documents the vendedlogs prefix: it keeps the Logs resource policy under its size limit.
    const logGroupName = `/aws/vendedlogs/states/${name}-${stack}`;
    const logGroupArn = pulumi.interpolate`arn:${partition}:logs:${region}:${identity.accountId}:log-group:${logGroupName}`;

    const payloads = new PayloadBucket(
      `${name}-payloads`,
      { bucketName, retentionDays: args.payloadRetentionDays ?? 7, inputPrefix, outputPrefix },
      child,
    );

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: logGroupName, retentionInDays: args.logRetentionDays ?? 30, tags },
      child,
    );

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `Execution role of the ${name} Bedrock workflow`,
        assumeRolePolicy: pulumi.all([identity.accountId, region, partition]).apply(([account, r, p]) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "states.amazonaws.com" },
                Action: "sts:AssumeRole",
                // Only this account's state machines may assume the role (confused-deputy protection).
                Condition: {
                  StringEquals: { "aws:SourceAccount": account },
                  ArnLike: { "aws:SourceArn": `arn:${p}:states:${r}:${account}:stateMachine:*` },
                },
              },
            ],
          }),
        ),
        tags,
      },
      child,
    );

    const policy = new aws.iam.RolePolicy(
      `${name}-invoke`,
      {
        role: role.id,
        policy: pulumi.all([this.model, bucketArn, logGroupArn]).apply(([model, payloadBucketArn, logGroup]) =>
          JSON.stringify(
            rolePolicyDocument({ model, payloadBucketArn, inputPrefix, outputPrefix, logGroupArn: logGroup, tracing: args.tracing ?? false }),
          ),
        ),
      },
      child,
    );

    const definition = pulumi.all([family, bucketName, partition]).apply(([fam, bucket, p]) =>
      JSON.stringify(
        buildDefinition({
          modelId: args.modelId,
          family: fam,
          queryLanguage,
          workflowType,
          payloadBucket: bucket,
          inputPrefix,
          outputPrefix,
          maxTokens: args.maxTokens ?? 1024,
          temperature: args.temperature ?? 0.5,
          systemPrompt: args.systemPrompt,
          partition: p,
        }),
      ),
    );

    const stateMachine = new aws.sfn.StateMachine(
      `${name}-workflow`,
      {
        type: workflowType,
        roleArn: role.arn,
        definition,
        loggingConfiguration: {
          level: args.logLevel ?? "ERROR",
          includeExecutionData: args.logIncludeExecutionData ?? false,
          logDestination: pulumi.interpolate`${logGroupArn}:*`,
        },
        tracingConfiguration: { enabled: args.tracing ?? false },
        tags,
      },
      // The role must carry its permissions, and the log group exist, before Step Functions validates logging.
      { ...child, dependsOn: [policy, logGroup, payloads] },
    );

    this.stateMachineArn = stateMachine.arn;
    this.stateMachineName = stateMachine.name;
    this.roleArn = role.arn;
    this.payloadBucketName = payloads.bucketName;
    this.modelFamily = family;
    this.routedRegions = this.model.apply((model) => {
      const regions = routedRegionsOf(model);
      return regions === "*" ? ["*"] : regions;
    });
    this.registerOutputs({
      stateMachineArn: this.stateMachineArn,
      stateMachineName: this.stateMachineName,
      roleArn: this.roleArn,
      payloadBucketName: this.payloadBucketName,
      routedRegions: this.routedRegions,
      modelFamily: this.modelFamily,
    });
  }
}

/** Asks AWS for a profile's destinations only when the catalog cannot answer (or when told to). */
async function resolveWithRouting(
  args: BedrockStateMachineArgs,
  sourceRegion: string,
  account: string,
  parent: pulumi.Resource,
): Promise<ResolvedModel> {
  const input = {
    modelId: args.modelId,
    sourceRegion,
    account,
    configuredRegions: args.destinationRegions,
    underlyingModelId: args.underlyingModelId,
  };
  const lookup = routingLookup({ ...input, routingSource: args.routingSource ?? "auto" });
  if (lookup === undefined) return resolveModel(input);
  const profile = await aws.bedrock.getInferenceProfile({ inferenceProfileId: lookup }, { parent });
  return resolveModel({ ...input, liveModelArns: profile.models.map((m) => m.modelArn) });
}

// An ID or Region with stray whitespace (a quoted YAML value, a pasted line) means the same thing trimmed;
// left as it is, it would reach the definition and the ARNs verbatim.
function trimmedArgs(args: BedrockStateMachineArgs): BedrockStateMachineArgs {
  return {
    ...args,
    modelId: typeof args.modelId === "string" ? args.modelId.trim() : args.modelId,
    region: args.region?.trim(),
    underlyingModelId: args.underlyingModelId?.trim(),
    destinationRegions: args.destinationRegions?.map((r) => r.trim()),
  };
}

// Tag values allow letters, digits, spaces and _.:/=+-@ only.
function sanitiseTag(value: string): string {
  return value.replace(/[^\w .:/=+\-@]/g, "_").slice(0, 256);
}
