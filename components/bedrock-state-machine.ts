import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ModelFamily } from "../src/bedrock/families";
import type { PolicyDocument } from "../src/bedrock/grants";
import { ResolvedModel, catalogCheckLookup, checkedAgainstLive, resolveModel, routedRegionsOf, routingLookup } from "../src/bedrock/resolve";
import { PLACEHOLDER_ACCOUNT, partitionOf } from "../src/bedrock/arn";
import type { BatchMode, LogLevel, QueryLanguage, RoutingSource, WorkflowType } from "../src/core/defaults";
import { batchServiceRolePolicy, batchServiceTrustPolicy } from "../src/bedrock/batch-inference";
import { DEFAULT_INPUT_PREFIX, DEFAULT_OUTPUT_PREFIX, DEFAULT_RESULTS_PREFIX, DefinitionOptionsError, GuardrailOptions } from "../src/workflow";
import { checkFallbackModels } from "../src/workflow/fallback-models";
import { DefinitionAnalysis, modelIdsToResolve } from "../src/workflow/analysis";
import { substituteDefinition } from "../src/workflow/definition-source";
import {
  type BuiltInPlan,
  type OwnDefinitionPlan,
  type PlanContext,
  type WorkflowPlan,
  definitionOf,
  planBatchJob,
  planBuiltInWorkflow,
  planOwnDefinition,
} from "../src/workflow/plan";
import { DEFAULTS, checkStateMachineArgs } from "./arguments";
import { useCatalogFile } from "../src/bedrock/catalog";
import { assertNotEndOfLife } from "../src/bedrock/lifecycle";
import { generationSettingsForModelId } from "../src/bedrock/request-parameters";
import { registerLean } from "./registration-stacks";
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
   * Built-in JSONata workflow: model IDs tried in order when the one before is still throttled after its retries, or
   * refuses as not ready or unavailable. Each is checked (lifecycle, routing), granted with its own routes, and gets its
   * own family's body (derived from its ID); the output's `model` names the model that answered. At most 4.
   * @default none
   */
  fallbackModels?: string[];
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
  /**
   * Batch mode: `none` (one call per execution), `map` (an execution takes `{"itemsKey": "input/....jsonl"}` and runs
   * every line through a Distributed Map of EXPRESS child workflows under a STANDARD parent, whatever `workflowType`
   * says; results to the payload bucket's `results/`) or
   * `job` (Bedrock batch inference: the workflow creates a job on a JSONL file under `batch-input/` and polls it;
   * Bedrock writes under `batch-output/` with a service role of its own; needs workflowType STANDARD). Built-in
   * workflow only (docs/batch.md).
   * @default "none"
   */
  batch?: BatchMode;
  /**
   * With `batch: "map"`: child executions at once (MaxConcurrency, 1 to 10000); size it to the model's quota.
   * @default 10
   */
  batchMaxConcurrency?: number;
  /**
   * With `batch: "map"`: the percentage of items (0 to 100) that may fail before the batch fails.
   * @default 0
   */
  batchToleratedFailurePercentage?: number;
  /**
   * With `batch: "map"`: days before batch results (the `results/` prefix) expire (1 to 3650).
   * @default 7
   */
  batchResultsRetentionDays?: pulumi.Input<number>;
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
  /** Every model the role allows, routed from the source Region (the built-in workflow: its model, then its fallback models). */
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
    if (args.definition && args.fallbackModels?.length)
      throw new DefinitionOptionsError("fallbackModels applies to the built-in workflow only: with a definition of your own, write the Catch yourself", "fallbackModels");
    checkBatchJobArgs(args);
    if (!args.definition && args.region) {
      const routingSource = args.routingSource ?? DEFAULTS.routingSource;
      const settings = { maxTokens: args.maxTokens ?? DEFAULTS.maxTokens, temperature: args.temperature };
      checkFallbackModels(args.fallbackModels ?? [], { region: args.region, routingSource, settings, primaryModelId: args.modelId });
    }
    super("bedrock-sfn:index:BedrockStateMachine", name, {}, opts);
    // Children register with lean stack captures (registration-stacks.ts says why).
    const built = registerLean(() => this.build(name, args));
    this.role = built.role;
    this.stateMachine = built.stateMachine;
    this.logGroup = built.logGroup;
    this.payloads = built.payloads;
    this.models = built.models;
    this.model = built.model;
    this.modelFamily = built.modelFamily;
    this.analysis = built.analysis;
    this.routedRegions = built.routedRegions;
    this.stateMachineArn = this.stateMachine.arn;
    this.stateMachineName = this.stateMachine.name;
    this.roleArn = this.role.arn;
    this.payloadBucketName = this.payloads.bucketName;
    this.registerOutputs({
      stateMachineArn: this.stateMachineArn,
      stateMachineName: this.stateMachineName,
      roleArn: this.roleArn,
      payloadBucketName: this.payloadBucketName,
      routedRegions: this.routedRegions,
      modelFamily: this.modelFamily,
    });
  }

  /** Resolves the inputs, plans (src/workflow/plan.ts) and registers the children the plan needs. */
  private build(name: string, args: BedrockStateMachineArgs) {
    const child = { parent: this };
    const workflowType = args.workflowType ?? DEFAULTS.workflowType;
    const tracing = args.tracing ?? DEFAULTS.tracing;
    const own = args.definition !== undefined;
    const tags = pulumi.output(args.tags ?? {}).apply((extra) => ({ "bedrock-sfn:model": sanitiseTag(own ? "definition" : args.modelId!), ...extra }));

    // Every regional child and data source is in args.region when it is given (the provider's Region otherwise);
    // its partition follows from its name.
    const region = args.region ? pulumi.output(args.region) : aws.getRegionOutput({}, child).region;
    const identity = aws.getCallerIdentityOutput({}, child);
    const partition = args.region ? pulumi.output(partitionOf(args.region)) : aws.getPartitionOutput({}, child).partition;

    // Names and ARNs built from values known at preview (not read back from created resources), so that
    // `pulumi preview --policy-pack` sees the complete role policy and definition, not unknowns. The project is
    // part of each, so two projects with the same component and stack names do not collide in one account.
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const bucketName = pulumi.all([identity.accountId, region]).apply(([account, r]) => payloadBucketName(name, stack, account, r, project));
    // A batch's role starts child executions of its own state machine, so that machine's name is fixed, not generated.
    const batchMap = !own && (args.batch ?? DEFAULTS.batch) === "map";
    const stateMachineName = batchMap ? `${project}-${name}-${stack}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 80) : undefined;
    // Step Functions documents the vendedlogs prefix: it keeps the Logs resource policy under its size limit.
    const logGroupName = `/aws/vendedlogs/states/${project}-${name}-${stack}`;
    const logGroupArn = pulumi.interpolate`arn:${partition}:logs:${region}:${identity.accountId}:log-group:${logGroupName}`;

    // Resolve the inputs (the model through AWS where the catalog cannot answer), then plan (src/workflow/plan.ts).
    const plan = pulumi.all([region, identity.accountId, partition, bucketName, logGroupArn]).apply(async ([r, account, p, bucket, logGroup]) => {
      const context = {
        region: r,
        account,
        partition: p,
        payloadBucket: bucket,
        inputPrefix: DEFAULT_INPUT_PREFIX,
        outputPrefix: DEFAULT_OUTPUT_PREFIX,
        logGroupArn: logGroup,
        tracing,
      };
      const planned = own ? await this.planOwn(args, context) : await this.planBuiltIn(args, context, stateMachineName);
      if (pulumi.runtime.hasEngine()) for (const note of planned.notes) logModelNote(note, this);
      return planned;
    });

    const payloads = new PayloadBucket(
      `${name}-payloads`,
      {
        bucketName,
        retentionDays: args.payloadRetentionDays ?? DEFAULTS.payloadRetentionDays,
        ...(batchMap ? { resultsPrefix: DEFAULT_RESULTS_PREFIX, resultsRetentionDays: args.batchResultsRetentionDays ?? DEFAULTS.batchResultsRetentionDays } : {}),
        inputPrefix: DEFAULT_INPUT_PREFIX,
        outputPrefix: DEFAULT_OUTPUT_PREFIX,
        region: args.region,
        tags,
      },
      child,
    );
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: logGroupName, retentionInDays: args.logRetentionDays ?? DEFAULTS.logRetentionDays, tags, region: args.region },
      child,
    );
    // batch = job: Bedrock's own service role for the job (reads batch-input/, writes batch-output/), which the
    // workflow's role may pass to Bedrock and to nothing else.
    const batchRole =
      !own && (args.batch ?? DEFAULTS.batch) === "job"
        ? new aws.iam.Role(
            `${name}-batch-role`,
            {
              description: `Bedrock batch inference service role of the ${name} workflow`,
              assumeRolePolicy: plan.apply((p) => JSON.stringify(batchServiceTrustPolicy(p.models[0]))),
              inlinePolicies: [
                {
                  name: "batch-io",
                  policy: plan.apply((p) => JSON.stringify(batchServiceRolePolicy({ model: p.models[0], payloadBucketArn: (p as BuiltInPlan).context.payloadBucketArn }))),
                },
              ],
              tags,
            },
            child,
          )
        : undefined;
    // A batch job's documents need that role's ARN, known once it exists (planBatchJob).
    const job = batchRole ? pulumi.all([plan, batchRole.arn]).apply(([p, serviceRoleArn]) => planBatchJob(p as BuiltInPlan, serviceRoleArn)) : undefined;
    const role = new aws.iam.Role(
      `${name}-role`,
      { description: `Execution role of the ${name} Bedrock workflow`, assumeRolePolicy: plan.apply((p) => JSON.stringify(p.policy.trust)), tags },
      child,
    );
    const permissions = job ? job.apply((j) => j.permissions) : plan.apply((p) => p.policy.permissions);
    const policy = new aws.iam.RolePolicy(`${name}-invoke`, { role: role.id, policy: permissions.apply((doc) => JSON.stringify(doc)) }, child);
    // Extra documents are separate inline policies: the derived one stays exactly what the analysis wrote.
    const extraPolicies = (args.extraPolicies ?? []).map(
      (document, i) => new aws.iam.RolePolicy(`${name}-extra-${i + 1}`, { role: role.id, policy: typeof document === "string" ? document : JSON.stringify(document) }, child),
    );
    const stateMachine = new aws.sfn.StateMachine(
      `${name}-workflow`,
      {
        // A batch's parent is STANDARD whatever workflowType says (a Distributed Map runs in STANDARD; its children are EXPRESS).
        type: batchMap ? "STANDARD" : workflowType,
        ...(stateMachineName ? { name: stateMachineName } : {}),
        roleArn: role.arn,
        definition: job
          ? job.apply((j) => JSON.stringify(j.definition))
          : pulumi.all([plan, args.systemPrompt]).apply(([p, systemPrompt]) => JSON.stringify(definitionOf(p, systemPrompt))),
        loggingConfiguration: {
          level: args.logLevel ?? DEFAULTS.logLevel,
          includeExecutionData: args.logIncludeExecutionData ?? DEFAULTS.logIncludeExecutionData,
          logDestination: pulumi.interpolate`${logGroupArn}:*`,
        },
        tracingConfiguration: { enabled: tracing },
        tags,
        region: args.region,
      },
      // The role must carry its permissions, and the log group exist, before Step Functions validates logging.
      { ...child, dependsOn: [policy, ...extraPolicies, logGroup, payloads] },
    );
    const models = plan.apply((p) => p.models);
    return {
      payloads,
      logGroup,
      role,
      stateMachine,
      models,
      // For a definition of your own, the first model it calls (undefined when it calls none, e.g. only customization jobs).
      model: models.apply((all) => all[0]),
      modelFamily: plan.apply((p) => p.family),
      analysis: own ? plan.apply((p) => (p as OwnDefinitionPlan).analysis) : undefined,
      routedRegions: models.apply((all) => {
        const regions = all.map(routedRegionsOf);
        return regions.includes("*") ? ["*"] : [...new Set(regions.flat() as string[])].sort();
      }),
    };
  }

  /** The built-in workflow: its one model, routed (through AWS when the catalog cannot answer). */
  private async planBuiltIn(args: BedrockStateMachineArgs, context: PlanContext, batchStateMachineName: string | undefined): Promise<WorkflowPlan> {
    const model = await resolveWithRouting({ ...args, modelId: args.modelId! }, context.region, context.account, this);
    // Fallback models are routed like the primary (destinationRegions/underlyingModelId describe the primary only).
    const routing = { routingSource: args.routingSource, region: args.region };
    const fallbacks = await Promise.all((args.fallbackModels ?? []).map((modelId) => resolveWithRouting({ ...routing, modelId }, context.region, context.account, this)));
    const settings = {
      modelId: args.modelId!,
      modelFamily: args.modelFamily,
      maxTokens: args.maxTokens ?? DEFAULTS.maxTokens,
      temperature: args.temperature,
      queryLanguage: args.queryLanguage ?? DEFAULTS.queryLanguage,
      workflowType: args.workflowType ?? DEFAULTS.workflowType,
      guardrail: args.guardrail,
      batchJob: (args.batch ?? DEFAULTS.batch) === "job",
      batchMap: batchStateMachineName
        ? {
            stateMachineName: batchStateMachineName,
            resultsPrefix: DEFAULT_RESULTS_PREFIX,
            maxConcurrency: args.batchMaxConcurrency ?? DEFAULTS.batchMaxConcurrency,
            toleratedFailurePercentage: args.batchToleratedFailurePercentage ?? DEFAULTS.batchToleratedFailurePercentage,
          }
        : undefined,
    };
    return planBuiltInWorkflow(model, settings, context, fallbacks);
  }

  /** A definition of your own: substituted, then every model it names resolved (through AWS where needed), then analysed. */
  private async planOwn(args: BedrockStateMachineArgs, context: PlanContext): Promise<WorkflowPlan> {
    const { region, account, partition, payloadBucket } = context;
    const substitutions = { PayloadBucket: payloadBucket, "AWS::Region": region, "AWS::AccountId": account, "AWS::Partition": partition };
    const definition = substituteDefinition(args.definition, substitutions, args.definitionSubstitutions);
    const resolved = new Map<string, ResolvedModel>();
    for (const modelId of modelIdsToResolve(definition, args.allowedModels)) {
      try {
        // destinationRegions/underlyingModelId describe the built-in workflow's one model, not these.
        resolved.set(modelId, await resolveWithRouting({ modelId, routingSource: args.routingSource, region: args.region }, region, account, this));
      } catch {
        // Left to the analysis, which reports it naming the state.
      }
    }
    const resolveOffline = (modelId: string) => resolved.get(modelId) ?? resolveModel({ modelId, sourceRegion: region, account });
    return planOwnDefinition(definition, { allowedModels: args.allowedModels, resolveModel: resolveOffline }, context);
  }
}

/** batch = job: on STANDARD and the built-in workflow, without fallbacks or a guardrail (one job, one model). */
function checkBatchJobArgs(args: BedrockStateMachineArgs): void {
  if ((args.batch ?? DEFAULTS.batch) !== "job") return;
  const refuse = (message: string) => {
    throw new DefinitionOptionsError(`batch = job: ${message}`, "batch");
  };
  if ((args.workflowType ?? DEFAULTS.workflowType) !== "STANDARD") refuse("needs workflowType STANDARD (a job runs for hours; EXPRESS ends at 5 minutes)");
  if (args.definition) refuse("applies to the built-in workflow only");
  if (args.fallbackModels?.length) refuse("a batch job runs one model: fallbackModels do not apply");
  if (args.guardrail) refuse("batch inference jobs take no guardrail");
}

/** A model note under the engine: warnings (Legacy, AWS disagreeing with the catalog) as warnings, the rest as info. */
function logModelNote(note: string, resource: pulumi.Resource): void {
  if (note.startsWith("warning: ")) void pulumi.log.warn(note.slice("warning: ".length), resource);
  else void pulumi.log.info(note.replace(/^note: /, ""), resource);
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
    fallbackModels: args.fallbackModels?.map((m) => (typeof m === "string" ? m.trim() : m)),
  };
}

// Tag values allow letters, digits, spaces and _.:/=+-@ only.
function sanitiseTag(value: string): string {
  return value.replace(/[^\w .:/=+\-@]/g, "_").slice(0, 256);
}
