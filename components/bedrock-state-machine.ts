import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ModelFamily, familyForModel } from "../src/bedrock/families";
import type { PolicyDocument } from "../src/bedrock/grants";
import { ResolvedModel, catalogCheckLookup, checkedAgainstLive, resolveModel, routedRegionsOf, routingLookup } from "../src/bedrock/resolve";
import { definitionRolePolicy, rolePolicyDocument, stateMachineTrustPolicy } from "../src/bedrock/role-policy";
import { PLACEHOLDER_ACCOUNT, partitionOf } from "../src/bedrock/arn";
import type { LogLevel, QueryLanguage, RoutingSource, WorkflowType } from "../src/core/defaults";
import { DEFAULT_INPUT_PREFIX, DEFAULT_OUTPUT_PREFIX, GuardrailOptions, buildDefinition } from "../src/workflow";
import { DefinitionAnalysis, analyzeGrantable, guardrailArn, modelIdsToResolve } from "../src/workflow/analysis";
import { substituteDefinition } from "../src/workflow/definition-source";
import { DEFAULTS, checkStateMachineArgs } from "./arguments";
import { useCatalogFile } from "../src/bedrock/catalog";
import { assertNotEndOfLife } from "../src/bedrock/lifecycle";
import { generationSettingsForModelId } from "../src/bedrock/request-parameters";
import { leanRegistration } from "./registration-stacks";
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
   * the role is derived from its tasks (src/workflow/analysis): every Bedrock model with its routes, S3 URIs,
   * guardrails, customization jobs. Tasks of other services get nothing: grant them with `extraPolicies`.
   * The generation settings, `queryLanguage`, `modelFamily` and `guardrail` do not apply.
   */
  definition?: string | Record<string, unknown>;
  /**
   * Your own `${Name}` substitutions for `definition`.
   * @default {}
   */
  definitionSubstitutions?: Record<string, string>;
  /**
   * The model IDs a ModelId computed at run time may take; required when `definition` has one.
   * @default none (a computed ModelId is then an error)
   */
  allowedModels?: string[];
  /**
   * IAM policy documents attached to the execution role as they are, one inline policy each.
   * @default []
   */
  extraPolicies?: (PolicyDocument | string)[];
  /**
   * Built-in workflow only: a Bedrock guardrail applied to every call (and `bedrock:ApplyGuardrail` on it).
   * @default no guardrail
   */
  guardrail?: GuardrailOptions;
  /**
   * STANDARD (durable, up to a year, billed per transition) or EXPRESS (up to 5 minutes, billed per duration).
   * @default "STANDARD"
   */
  workflowType?: WorkflowType;
  /**
   * JSONata (AWS's recommendation for new workflows) or JSONPath. Built-in workflow only.
   * @default "JSONata"
   */
  queryLanguage?: QueryLanguage;
  /**
   * Maximum tokens generated per call when an execution passes a prompt (1 to 131072), in the model's native body.
   * @default 1024
   */
  maxTokens?: number;
  /**
   * Sampling temperature (0 to 1) when an execution passes a prompt. Models that reject sampling parameters
   * (Claude Opus 4.7 and later) get none when it is not given, and giving it for one is an error naming the model.
   * @default 0.5
   */
  temperature?: number;
  /**
   * System prompt added to every prompt-built request; an execution's `system` overrides it.
   * @default none
   */
  systemPrompt?: pulumi.Input<string>;
  /**
   * The request/response format when the model ID does not reveal it (application profiles and provisioned
   * models); otherwise derived from the foundation model.
   * @default derived from the model ID
   */
  modelFamily?: ModelFamily;
  /**
   * Days before payload objects expire (1 to 3650). Payloads may hold prompts: keep them short-lived.
   * @default 7
   */
  payloadRetentionDays?: pulumi.Input<number>;
  /**
   * Execution log level; EXPRESS executions are only visible through logs.
   * @default "ERROR"
   */
  logLevel?: LogLevel;
  /**
   * Log execution input and output (prompts and answers).
   * @default false
   */
  logIncludeExecutionData?: boolean;
  /**
   * Days CloudWatch Logs keeps the execution log (one of the values CloudWatch accepts).
   * @default 30
   */
  logRetentionDays?: pulumi.Input<number>;
  /**
   * X-Ray tracing (and the role's X-Ray statements).
   * @default false
   */
  tracing?: boolean;
  /**
   * Where profile routing comes from: `auto` (the bundled catalog when it knows the profile, else
   * aws.bedrock.getInferenceProfile), `catalog` (never call AWS), `live` (always ask AWS).
   * @default "auto"
   */
  routingSource?: RoutingSource;
  /**
   * Regions to grant, for a profile the catalog does not know, or an application profile offline.
   * @default the catalog's (or AWS's) routing
   */
  destinationRegions?: string[];
  /**
   * For an application profile offline: the foundation model or system profile it copies.
   * @default none (asked of AWS)
   */
  underlyingModelId?: string;
  /**
   * A model catalog file (as `npx bedrock-sfn catalog` writes it from an account): its inference profiles and model
   * lifecycle extend and override the bundled catalog, for this component and everything else in the process.
   * @default the bundled catalog (bedrock/inference-profiles.json)
   */
  catalogFile?: string;
  /**
   * The Region every regional child (bucket, log group, state machine) is created in and the data sources are
   * asked in, through the `region` input of @pulumi/aws 7; the role is written for this Region.
   * @default the provider's Region
   */
  region?: string;
  /**
   * Tags on every child that takes them (role, log group, state machine, payload bucket), after `bedrock-sfn:model`.
   * @default {}
   */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A Step Functions state machine that calls Bedrock through the optimized `bedrock:invokeModel` integration,
 * with an execution role that allows every routed call of the model and nothing else, a payload bucket
 * for requests and responses over 256 KB, and a log group.
 */
export class BedrockStateMachine extends pulumi.ComponentResource {
  /** The execution role: attach more policies to it with `aws.iam.RolePolicyAttachment`. */
  readonly role: aws.iam.Role;
  /** The state machine: alarm on its metrics, or pass it to other resources. */
  readonly stateMachine: aws.sfn.StateMachine;
  /** The execution log group (`/aws/vendedlogs/states/<project>-<name>-<stack>`). */
  readonly logGroup: aws.cloudwatch.LogGroup;
  /** The payload bucket for requests and responses over 256 KB. */
  readonly payloads: PayloadBucket;
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

  /**
   * @param name the component's name; physical names are `<project>-<name>-<stack>...`
   * @throws BedrockSfnError (before anything is registered) for an argument that cannot work; `argument` names it
   */
  constructor(name: string, rawArgs: BedrockStateMachineArgs, opts?: pulumi.ComponentResourceOptions) {
    const args = trimmedArgs(rawArgs ?? {});
    checkStateMachineArgs(name, args);
    if (args.catalogFile) useCatalogFile(args.catalogFile);
    if (!args.definition) {
      // A model past its end of life, or a setting it rejects, fails every execution: refuse before registering.
      if (args.region) assertNotEndOfLife(args.modelId!, undefined, partitionOf(args.region));
      generationSettingsForModelId({ modelId: args.modelId!, maxTokens: args.maxTokens ?? DEFAULTS.maxTokens, temperature: args.temperature });
    }
    if (!args.definition && args.region) checkRouting(args as BedrockStateMachineArgs & { modelId: string; region: string });
    super("bedrock-sfn:index:BedrockStateMachine", name, {}, opts);
    // Children register with lean stack captures (registration-stacks.ts says why).
    const lean = leanRegistration();
    try {
      const child = { parent: this };
      const workflowType = args.workflowType ?? DEFAULTS.workflowType;
      const queryLanguage = args.queryLanguage ?? DEFAULTS.queryLanguage;
      const inputPrefix = DEFAULT_INPUT_PREFIX;
      const outputPrefix = DEFAULT_OUTPUT_PREFIX;
      const own = args.definition !== undefined;
      const modelTag = own ? "definition" : args.modelId!;
      const tags = pulumi.output(args.tags ?? {}).apply((extra) => ({ "bedrock-sfn:model": sanitiseTag(modelTag), ...extra }));

      // Every regional child and data source is in args.region when it is given (the provider's Region otherwise);
      // its partition follows from its name.
      const inRegion = { region: args.region };
      const region = args.region ? pulumi.output(args.region) : aws.getRegionOutput({}, child).region;
      const identity = aws.getCallerIdentityOutput({}, child);
      const partition = args.region ? pulumi.output(partitionOf(args.region)) : aws.getPartitionOutput({}, child).partition;

      // Names and ARNs built from values known at preview (not read back from created resources), so that
      // `pulumi preview --policy-pack` sees the complete role policy and definition, not unknowns. The project is
      // part of each, so two projects with the same component and stack names do not collide in one account.
      const project = pulumi.getProject();
      const stack = pulumi.getStack();
      const bucketName = pulumi.all([identity.accountId, region]).apply(([account, r]) => payloadBucketName(name, stack, account, r, project));
      const bucketArn = pulumi.interpolate`arn:${partition}:s3:::${bucketName}`;

      // A definition of your own: substituted, then every model it names resolved (through AWS where the catalog
      // cannot answer), then analysed into the role's statements.
      const userDefinition = own
        ? pulumi
            .all([region, identity.accountId, partition, bucketName])
            .apply(([r, account, p, bucket]) =>
              substituteDefinition(args.definition, { PayloadBucket: bucket, "AWS::Region": r, "AWS::AccountId": account, "AWS::Partition": p }, args.definitionSubstitutions),
            )
        : undefined;
      const analysis = userDefinition
        ? pulumi.all([userDefinition, region, identity.accountId, partition, bucketName]).apply(async ([doc, r, account, p, bucket]) => {
            const resolved = new Map<string, ResolvedModel>();
            for (const modelId of modelIdsToResolve(doc, args.allowedModels)) {
              try {
                // destinationRegions/underlyingModelId describe the built-in workflow's one model, not these.
                resolved.set(modelId, await resolveWithRouting({ modelId, routingSource: args.routingSource, region: args.region }, r, account, this));
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
        : pulumi.all([region, identity.accountId]).apply(async ([sourceRegion, account]) => {
            const model = await resolveWithRouting({ ...args, modelId: args.modelId! }, sourceRegion, account, this);
            // The foundation model may only be known now (an application profile, from AWS): EOL refuses here too.
            const legacy = assertNotEndOfLife(model.modelId, model.foundationModelId, model.partition);
            if (pulumi.runtime.hasEngine()) for (const note of [...(model.notes ?? []), ...(legacy ? [legacy] : [])]) logModelNote(note, this);
            return [model];
          });
      // For a definition of your own, the first model it calls (undefined when it calls none, e.g. only customization jobs).
      this.model = this.models.apply((models) => models[0]);
      const family = own
        ? this.models.apply((models) => familyOfFirst(models))
        : this.model.apply((model) => familyForModel({ modelId: args.modelId!, modelFamily: args.modelFamily, foundationModelId: model!.foundationModelId }));
      // Step Functions documents the vendedlogs prefix: it keeps the Logs resource policy under its size limit.
      const logGroupName = `/aws/vendedlogs/states/${project}-${name}-${stack}`;
      const logGroupArn = pulumi.interpolate`arn:${partition}:logs:${region}:${identity.accountId}:log-group:${logGroupName}`;

      const payloads = new PayloadBucket(
        `${name}-payloads`,
        { bucketName, retentionDays: args.payloadRetentionDays ?? DEFAULTS.payloadRetentionDays, inputPrefix, outputPrefix, region: args.region, tags },
        child,
      );

      const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-logs`,
        { name: logGroupName, retentionInDays: args.logRetentionDays ?? DEFAULTS.logRetentionDays, tags, ...inRegion },
        child,
      );

      const role = new aws.iam.Role(
        `${name}-role`,
        {
          description: `Execution role of the ${name} Bedrock workflow`,
          assumeRolePolicy: pulumi
            .all([identity.accountId, region, partition])
            .apply(([account, r, p]) => JSON.stringify(stateMachineTrustPolicy({ account, region: r, partition: p }))),
          tags,
        },
        child,
      );

      const policy = new aws.iam.RolePolicy(
        `${name}-invoke`,
        {
          role: role.id,
          policy: analysis
            ? pulumi
                .all([analysis, logGroupArn])
                .apply(([a, logGroup]) => JSON.stringify(definitionRolePolicy({ statements: a.statements, logGroupArn: logGroup, tracing: args.tracing ?? DEFAULTS.tracing })))
            : pulumi.all([this.model, bucketArn, logGroupArn, region, identity.accountId, partition]).apply(([model, payloadBucketArn, logGroup, r, account, p]) => {
                const guardrail = args.guardrail ? guardrailArn(args.guardrail.identifier, { partition: p, region: r, account }) : undefined;
                return JSON.stringify(
                  rolePolicyDocument({
                    model: model!,
                    payloadBucketArn,
                    inputPrefix,
                    outputPrefix,
                    logGroupArn: logGroup,
                    tracing: args.tracing ?? DEFAULTS.tracing,
                    guardrailArn: guardrail,
                  }),
                );
              }),
        },
        child,
      );

      // Extra documents are separate inline policies: the derived one stays exactly what the analysis wrote.
      const extraPolicies = (args.extraPolicies ?? []).map(
        (document, i) => new aws.iam.RolePolicy(`${name}-extra-${i + 1}`, { role: role.id, policy: typeof document === "string" ? document : JSON.stringify(document) }, child),
      );

      const definition = userDefinition
        ? pulumi.all([userDefinition, analysis!]).apply(([doc]) => JSON.stringify(doc))
        : pulumi.all([family, bucketName, partition, args.systemPrompt, this.model]).apply(([fam, bucket, p, systemPrompt, model]) =>
            JSON.stringify(
              buildDefinition({
                // Fitted to the model: no temperature for one that rejects it (bedrock/request-parameters.ts).
                ...generationSettingsForModelId(
                  { modelId: args.modelId!, maxTokens: args.maxTokens ?? DEFAULTS.maxTokens, temperature: args.temperature },
                  model?.foundationModelId,
                ),
                guardrail: args.guardrail,
                modelId: args.modelId!,
                family: fam!,
                queryLanguage,
                workflowType,
                payloadBucket: bucket,
                inputPrefix,
                outputPrefix,
                systemPrompt,
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
            level: args.logLevel ?? DEFAULTS.logLevel,
            includeExecutionData: args.logIncludeExecutionData ?? DEFAULTS.logIncludeExecutionData,
            logDestination: pulumi.interpolate`${logGroupArn}:*`,
          },
          tracingConfiguration: { enabled: args.tracing ?? DEFAULTS.tracing },
          tags,
          ...inRegion,
        },
        // The role must carry its permissions, and the log group exist, before Step Functions validates logging.
        { ...child, dependsOn: [policy, ...extraPolicies, logGroup, payloads] },
      );

      this.role = role;
      this.stateMachine = stateMachine;
      this.logGroup = logGroup;
      this.payloads = payloads;
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
    } catch (error) {
      throw lean.failed(error);
    } finally {
      lean.end();
    }
  }
}

/** A model note under the engine: warnings (Legacy, AWS disagreeing with the catalog) as warnings, the rest as info. */
function logModelNote(note: string, resource: pulumi.Resource): void {
  if (note.startsWith("warning: ")) void pulumi.log.warn(note.slice("warning: ".length), resource);
  else void pulumi.log.info(note.replace(/^note: /, ""), resource);
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

/**
 * Asks AWS for a profile's destinations when the catalog cannot answer (or when told to); in `auto`, also checks a
 * geographic profile the catalog knows against AWS where AWS answers (src/bedrock/resolve.ts checkedAgainstLive:
 * AWS's answer wins, with one warning naming both), and keeps the catalog's when the call fails (no credentials).
 */
async function resolveWithRouting(args: BedrockStateMachineArgs & { modelId: string }, sourceRegion: string, account: string, parent: pulumi.Resource): Promise<ResolvedModel> {
  const input = {
    modelId: args.modelId,
    sourceRegion,
    account,
    configuredRegions: args.destinationRegions,
    underlyingModelId: args.underlyingModelId,
  };
  const routingSource = args.routingSource ?? DEFAULTS.routingSource;
  const lookup = routingLookup({ ...input, routingSource });
  if (lookup !== undefined) {
    const profile = await aws.bedrock.getInferenceProfile({ inferenceProfileId: lookup, region: args.region }, { parent });
    return resolveModel({ ...input, liveModelArns: profile.models.map((m) => m.modelArn) });
  }
  const check = catalogCheckLookup({ ...input, routingSource });
  if (check === undefined) return resolveModel(input);
  let answer: string[] | { error: string };
  try {
    const profile = await aws.bedrock.getInferenceProfile({ inferenceProfileId: check, region: args.region }, { parent });
    answer = (profile.models ?? []).map((m) => m.modelArn);
  } catch (e) {
    answer = { error: e instanceof Error ? e.message : String(e) };
  }
  return checkedAgainstLive(input, answer);
}

/** With the Region known, a model the catalog routes is resolved now: a routing problem throws before anything is registered. */
function checkRouting(args: BedrockStateMachineArgs & { modelId: string; region: string }): void {
  const input = {
    modelId: args.modelId,
    sourceRegion: args.region,
    account: PLACEHOLDER_ACCOUNT,
    configuredRegions: args.destinationRegions,
    underlyingModelId: args.underlyingModelId,
  };
  if (routingLookup({ ...input, routingSource: args.routingSource ?? DEFAULTS.routingSource }) === undefined) resolveModel(input);
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
