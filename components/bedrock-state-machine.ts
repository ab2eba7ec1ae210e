import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ModelFamily, familyForModel } from "../bedrock/families";
import { PolicyDocument, PolicyStatement, loggingStatements, tracingStatements } from "../bedrock/grants";
import { ResolvedModel, resolveModel, routedRegionsOf, routingLookup } from "../bedrock/resolve";
import { rolePolicyDocument } from "../bedrock/role-policy";
import { LogLevel, QueryLanguage, RoutingSource, WorkflowType } from "../config/settings";
import { DEFAULT_INPUT_PREFIX, DEFAULT_OUTPUT_PREFIX, GuardrailOptions, buildDefinition } from "../workflow";
import { DefinitionAnalysis, analyzeGrantable, guardrailArn, modelIdsToResolve } from "../workflow/analysis";
import { substituteDefinition } from "../workflow/definition-source";
import { PayloadBucket, payloadBucketName } from "./payload-bucket";

export interface BedrockStateMachineArgs {
  /**
   * What the Task calls, exactly as Bedrock's ModelId takes it: a foundation-model ID, a system inference-profile
   * ID (`apac.`, `global.`, ...), or the ARN of a foundation model, inference profile, application inference
   * profile or provisioned model. The role is written for every Region this model can be routed to.
   * Not used (and may be omitted) when `definition` is given.
   */
  modelId?: string;
  /**
   * A workflow of your own (an ASL object, or its JSON text) instead of the built-in one. `${PayloadBucket}`,
   * `${AWS::Region}`, `${AWS::AccountId}`, `${AWS::Partition}` and `definitionSubstitutions` are replaced in it;
   * the role is derived from its tasks (workflow/analysis): every Bedrock model with its routes, S3 URIs,
   * guardrails, customization jobs. Tasks of other services get nothing: grant them with `extraPolicies`.
   * The generation settings, `queryLanguage`, `modelFamily` and `guardrail` do not apply.
   */
  definition?: string | Record<string, unknown>;
  /** Your own `${Name}` substitutions for `definition`. */
  definitionSubstitutions?: Record<string, string>;
  /** The model IDs a ModelId computed at run time may take; required when `definition` has one. */
  allowedModels?: string[];
  /** IAM policy documents attached to the execution role as they are, one inline policy each. */
  extraPolicies?: (PolicyDocument | string)[];
  /** Built-in workflow only: a Bedrock guardrail applied to every call (and `bedrock:ApplyGuardrail` on it). */
  guardrail?: GuardrailOptions;
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
  /** The model (for a definition of your own: the first one it calls, undefined when none). */
  readonly model: pulumi.Output<ResolvedModel | undefined>;
  /** The request/response format the workflow uses (of the first model, for a definition of your own). */
  readonly modelFamily: pulumi.Output<ModelFamily | undefined>;
  /** Every model the role allows, routed from the source Region (one for the built-in workflow). */
  readonly models: pulumi.Output<ResolvedModel[]>;
  /** For a definition of your own: its analysis (tasks, other tasks, notes). */
  readonly analysis?: pulumi.Output<DefinitionAnalysis>;

  constructor(name: string, rawArgs: BedrockStateMachineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bedrock-sfn:index:BedrockStateMachine", name, {}, opts);
    const args = trimmedArgs(rawArgs);
    const child = { parent: this };
    const workflowType = args.workflowType ?? "STANDARD";
    const queryLanguage = args.queryLanguage ?? "JSONata";
    const inputPrefix = DEFAULT_INPUT_PREFIX;
    const outputPrefix = DEFAULT_OUTPUT_PREFIX;
    const own = args.definition !== undefined;
    if (!own && !args.modelId) throw new Error(`BedrockStateMachine '${name}': give modelId (the built-in workflow) or definition (your own)`);
    if (own && args.guardrail) throw new Error(`BedrockStateMachine '${name}': guardrail configures the built-in workflow; with definition, write GuardrailIdentifier/GuardrailVersion in your Task's arguments`);
    const modelTag = own ? "definition" : args.modelId!;
    const tags = { "bedrock-sfn:model": sanitiseTag(modelTag), ...args.tags };

    const region = args.region ? pulumi.output(args.region) : aws.getRegionOutput({}, child).region;
    const identity = aws.getCallerIdentityOutput({}, child);
    const partition = aws.getPartitionOutput({}, child).partition;

    // Names and ARNs built from values known at preview (not read back from created resources), so that
    // `pulumi preview --policy-pack` sees the complete role policy and definition, not unknowns.
    const stack = pulumi.getStack();
    const bucketName = pulumi.all([identity.accountId, region]).apply(([account, r]) => payloadBucketName(name, stack, account, r));
    const bucketArn = pulumi.interpolate`arn:${partition}:s3:::${bucketName}`;

    // A definition of your own: substituted, then every model it names resolved (through AWS where the catalog
    // cannot answer), then analysed into the role's statements.
    const userDefinition = own
      ? pulumi.all([region, identity.accountId, partition, bucketName]).apply(([r, account, p, bucket]) =>
          substituteDefinition(args.definition, { PayloadBucket: bucket, "AWS::Region": r, "AWS::AccountId": account, "AWS::Partition": p }, args.definitionSubstitutions),
        )
      : undefined;
    const analysis = userDefinition
      ? pulumi.all([userDefinition, region, identity.accountId, partition, bucketName]).apply(async ([doc, r, account, p, bucket]) => {
          const resolved = new Map<string, ResolvedModel>();
          for (const modelId of modelIdsToResolve(doc, args.allowedModels)) {
            try {
              // destinationRegions/underlyingModelId describe the built-in workflow's one model, not these.
              resolved.set(modelId, await resolveWithRouting({ modelId, routingSource: args.routingSource }, r, account, this));
            } catch {
              // Left to the analysis, which reports it naming the state.
            }
          }
          return analyzeGrantable(doc, {
            region: r,
            account,
            partition: p,
            payloadBucket: bucket,
            inputPrefix,
            outputPrefix,
            allowedModels: args.allowedModels,
            resolveModel: (modelId) => resolved.get(modelId) ?? resolveModel({ modelId, sourceRegion: r, account }),
          });
        })
      : undefined;
    this.analysis = analysis;

    this.models = analysis
      ? analysis.apply((a) => a.models)
      : pulumi.all([region, identity.accountId]).apply(async ([sourceRegion, account]) => [await resolveWithRouting({ ...args, modelId: args.modelId! }, sourceRegion, account, this)]);
    // For a definition of your own, the first model it calls (undefined when it calls none, e.g. only customization jobs).
    this.model = this.models.apply((models) => models[0]);
    const family = own
      ? this.models.apply((models) => familyOfFirst(models))
      : this.model.apply((model) => familyForModel({ modelId: args.modelId!, modelFamily: args.modelFamily, foundationModelId: model!.foundationModelId }));
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
        policy: analysis
          ? pulumi.all([analysis, logGroupArn]).apply(([a, logGroup]) =>
              JSON.stringify({
                Version: "2012-10-17",
                Statement: [...a.statements, ...loggingStatements(logGroup), ...(args.tracing ? tracingStatements() : [])],
              } satisfies PolicyDocument),
            )
          : pulumi.all([this.model, bucketArn, logGroupArn, region, identity.accountId, partition]).apply(([model, payloadBucketArn, logGroup, r, account, p]) => {
              const document = rolePolicyDocument({ model: model!, payloadBucketArn, inputPrefix, outputPrefix, logGroupArn: logGroup, tracing: args.tracing ?? false });
              if (args.guardrail) document.Statement.push(guardrailStatement(args.guardrail, p, r, account));
              return JSON.stringify(document);
            }),
      },
      child,
    );

    // Extra documents are separate inline policies: the derived one stays exactly what the analysis wrote.
    const extraPolicies = (args.extraPolicies ?? []).map(
      (document, i) =>
        new aws.iam.RolePolicy(`${name}-extra-${i + 1}`, { role: role.id, policy: typeof document === "string" ? document : JSON.stringify(document) }, child),
    );

    const definition = userDefinition
      ? pulumi.all([userDefinition, analysis!]).apply(([doc]) => JSON.stringify(doc))
      : pulumi.all([family, bucketName, partition]).apply(([fam, bucket, p]) =>
      JSON.stringify(
        buildDefinition({
          guardrail: args.guardrail,
          modelId: args.modelId!,
          family: fam!,
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
      { ...child, dependsOn: [policy, ...extraPolicies, logGroup, payloads] },
    );

    this.stateMachineArn = stateMachine.arn;
    this.stateMachineName = stateMachine.name;
    this.roleArn = role.arn;
    this.payloadBucketName = payloads.bucketName;
    this.modelFamily = family;
    this.routedRegions = this.models.apply((models) => {
      const regions = models.map(routedRegionsOf);
      return regions.includes("*") ? ["*"] : [...new Set(regions.flat() as string[])].sort();
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

/** `bedrock:ApplyGuardrail` on the built-in workflow's guardrail. */
function guardrailStatement(guardrail: GuardrailOptions, partition: string, region: string, account: string): PolicyStatement {
  return { Sid: "ApplyGuardrail", Effect: "Allow", Action: ["bedrock:ApplyGuardrail"], Resource: [guardrailArn(guardrail.identifier, { partition, region, account })] };
}

/** A definition's family output: its first model's, where one can be told (application profiles cannot offline). */
function familyOfFirst(models: ResolvedModel[]): ModelFamily | undefined {
  const first = models[0];
  if (!first) return undefined;
  try {
    return familyForModel({ modelId: first.modelId, foundationModelId: first.foundationModelId });
  } catch {
    return undefined;
  }
}

/** Asks AWS for a profile's destinations only when the catalog cannot answer (or when told to). */
async function resolveWithRouting(
  args: BedrockStateMachineArgs & { modelId: string },
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
