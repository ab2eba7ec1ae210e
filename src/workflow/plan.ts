// The two workflows a BedrockStateMachine can run, planned as pure data: which models the role allows, the role's
// documents, and the definition (or, for the built-in workflow, its builder input). The component resolves its inputs
// (Region, account, routing through AWS where the catalog cannot answer), calls one planner and registers what it
// returns; tests and tools can call the same planners without Pulumi.
import { type ModelFamily, familyForModel } from "../bedrock/families";
import type { PolicyDocument, TrustPolicyDocument } from "../bedrock/grants";
import { assertBatchInferenceSupported, batchJobStatements } from "../bedrock/batch-inference";
import { assertNotEndOfLife } from "../bedrock/lifecycle";
import { generationSettingsForModelId } from "../bedrock/request-parameters";
import type { ResolvedModel } from "../bedrock/resolve";
import { definitionRolePolicy, rolePolicyDocument, stateMachineTrustPolicy } from "../bedrock/role-policy";
import { type DefinitionAnalysis, analyzeGrantable, guardrailArn } from "./analysis";
import type { QueryLanguage, StateMachineDefinition, WorkflowType } from "./asl";
import { buildBatchJobDefinition } from "./batch-job-definition";
import { buildBatchMapDefinition } from "./batch-map-definition";
import { fallbackModelOptions } from "./fallback-models";
import { buildDefinition } from "./index";
import type { DefinitionOptions, GuardrailOptions } from "./options";

/** Where the workflow runs and what it may touch: known once the Region, account and bucket are. */
export interface PlanContext {
  region: string;
  account: string;
  partition: string;
  /** The payload bucket's name. */
  payloadBucket: string;
  inputPrefix: string;
  outputPrefix: string;
  /** The execution log group's ARN (without `:*`). */
  logGroupArn: string;
  tracing: boolean;
}

/** The execution role's documents: who may assume it, and what it allows. */
export interface RoleDocuments {
  trust: TrustPolicyDocument;
  permissions: PolicyDocument;
}

interface PlanBase {
  /** Every model the role allows, routed from the source Region. */
  models: ResolvedModel[];
  policy: RoleDocuments;
  /** The request/response format (of the first model, for a definition of your own; undefined when it cannot be told). */
  family: ModelFamily | undefined;
  /** One-line remarks about the models for the user ("warning: ..." for Legacy models, "note: ..." otherwise). */
  notes: string[];
}

/** The built-in workflow: its definition is built from `definition` plus the system prompt (`definitionOf`). */
export interface BuiltInPlan extends PlanBase {
  kind: "built-in";
  /** buildDefinition's input, except the system prompt (which may be a secret, and must not make the role one). */
  definition: Omit<DefinitionOptions, "systemPrompt">;
  /** With batch = map: the Distributed Map's settings (the single call becomes its EXPRESS child). */
  batchMap?: { maxConcurrency: number; toleratedFailurePercentage: number };
  /** Where it runs, with the payload bucket's ARN: what planBatchJob needs besides Bedrock's service role. */
  context: PlanContext & { payloadBucketArn: string };
}

/** A definition of your own: its analysis, and the definition as given (substituted). */
export interface OwnDefinitionPlan extends PlanBase {
  kind: "own";
  definition: unknown;
  analysis: DefinitionAnalysis;
}

export type WorkflowPlan = BuiltInPlan | OwnDefinitionPlan;

/** The built-in workflow's settings, as the component's arguments give them (defaults applied). */
export interface BuiltInSettings {
  modelId: string;
  modelFamily?: ModelFamily;
  maxTokens: number;
  temperature?: number;
  queryLanguage: QueryLanguage;
  workflowType: WorkflowType;
  guardrail?: GuardrailOptions;
  /** batch = job: the workflow runs a Bedrock batch inference job (planBatchJob) instead of calls. */
  batchJob?: boolean;
  /** batch = map: the parent's own (fixed) name, which its role may start executions of, and the map's settings. */
  batchMap?: { stateMachineName: string; resultsPrefix: string; maxConcurrency: number; toleratedFailurePercentage: number };
}

/**
 * The built-in workflow for one resolved model: refuses a model past its end of life (the foundation model may only
 * be known now, for an application profile asked of AWS), fits the request to the model and grants its routes.
 */
export function planBuiltInWorkflow(model: ResolvedModel, settings: BuiltInSettings, context: PlanContext, fallbacks: ResolvedModel[] = []): BuiltInPlan {
  const models = [model, ...fallbacks];
  // Every model in the chain is refused past its end of life, and warned about when Legacy.
  const notes = models.flatMap((m) => {
    const legacy = assertNotEndOfLife(m.modelId, m.foundationModelId, m.partition);
    return [...(m.notes ?? []), ...(legacy ? [legacy] : [])];
  });
  if (settings.batchJob) assertBatchInferenceSupported(model);
  const family = familyForModel({ modelId: settings.modelId, modelFamily: settings.modelFamily, foundationModelId: model.foundationModelId });
  const guardrail = settings.guardrail ? guardrailArn(settings.guardrail.identifier, context) : undefined;
  return {
    kind: "built-in",
    models,
    family,
    notes,
    context: { ...context, payloadBucketArn: bucketArnOf(context) },
    policy: {
      trust: stateMachineTrustPolicy(context),
      permissions: rolePolicyDocument({
        model,
        payloadBucketArn: bucketArnOf(context),
        inputPrefix: context.inputPrefix,
        outputPrefix: context.outputPrefix,
        logGroupArn: context.logGroupArn,
        tracing: context.tracing,
        guardrailArn: guardrail,
        fallbackModels: fallbacks,
        batchMap: settings.batchMap
          ? {
              stateMachineArn: `arn:${context.partition}:states:${context.region}:${context.account}:stateMachine:${settings.batchMap.stateMachineName}`,
              resultsPrefix: settings.batchMap.resultsPrefix,
            }
          : undefined,
      }),
    },
    ...(settings.batchMap ? { batchMap: { maxConcurrency: settings.batchMap.maxConcurrency, toleratedFailurePercentage: settings.batchMap.toleratedFailurePercentage } } : {}),
    definition: {
      // Fitted to the model: no temperature for one that rejects it (bedrock/request-parameters.ts).
      ...generationSettingsForModelId({ modelId: settings.modelId, maxTokens: settings.maxTokens, temperature: settings.temperature }, model.foundationModelId),
      guardrail: settings.guardrail,
      fallbackModels: fallbackModelOptions(fallbacks, { maxTokens: settings.maxTokens, temperature: settings.temperature }),
      modelId: settings.modelId,
      family,
      queryLanguage: settings.queryLanguage,
      workflowType: settings.workflowType,
      payloadBucket: context.payloadBucket,
      inputPrefix: context.inputPrefix,
      outputPrefix: context.outputPrefix,
      partition: context.partition,
    },
  };
}

/**
 * A definition of your own (already substituted): analysed into the role's statements, with every model it names
 * taken from `resolved` (routed through AWS where needed) or else from the bundled catalog. Throws a DefinitionError
 * listing every problem when it cannot be granted.
 */
export function planOwnDefinition(
  definition: unknown,
  input: { allowedModels?: string[]; resolveModel: (modelId: string) => ResolvedModel },
  context: PlanContext,
): OwnDefinitionPlan {
  const analysis = analyzeGrantable(definition, {
    region: context.region,
    account: context.account,
    partition: context.partition,
    payloadBucket: context.payloadBucket,
    inputPrefix: context.inputPrefix,
    outputPrefix: context.outputPrefix,
    allowedModels: input.allowedModels,
    resolveModel: input.resolveModel,
  });
  return {
    kind: "own",
    models: analysis.models,
    family: familyOfFirst(analysis.models),
    notes: [],
    analysis,
    definition,
    policy: {
      trust: stateMachineTrustPolicy(context),
      permissions: definitionRolePolicy({ statements: analysis.statements, logGroupArn: context.logGroupArn, tracing: context.tracing }),
    },
  };
}

/** The definition a plan deploys; the system prompt applies to the built-in workflow only. */
export function definitionOf(plan: WorkflowPlan, systemPrompt?: string): StateMachineDefinition | unknown {
  if (plan.kind !== "built-in") return plan.definition;
  const options = { ...plan.definition, systemPrompt };
  return plan.batchMap ? buildBatchMapDefinition(options, plan.batchMap) : buildDefinition(options);
}

/**
 * batch = job: the workflow role creates and polls Bedrock batch inference jobs of the model and passes Bedrock its
 * service role (whose ARN is known once that role exists), and the definition is the job's polling loop.
 */
export function planBatchJob(plan: BuiltInPlan, serviceRoleArn: string): { permissions: PolicyDocument; definition: ReturnType<typeof buildBatchJobDefinition> } {
  const { context } = plan;
  const statements = batchJobStatements({ model: plan.models[0], payloadBucketArn: context.payloadBucketArn, serviceRoleArn });
  return {
    permissions: definitionRolePolicy({ statements, logGroupArn: context.logGroupArn, tracing: context.tracing }),
    definition: buildBatchJobDefinition({ modelId: plan.definition.modelId, payloadBucket: context.payloadBucket, serviceRoleArn, partition: context.partition }),
  };
}

function bucketArnOf(context: PlanContext): string {
  return `arn:${context.partition}:s3:::${context.payloadBucket}`;
}

/** A definition's family: its first model's, where one can be told (application profiles cannot offline). */
function familyOfFirst(models: ResolvedModel[]): ModelFamily | undefined {
  const first = models[0];
  if (!first) return undefined;
  try {
    return familyForModel({ modelId: first.modelId, foundationModelId: first.foundationModelId });
  } catch {
    return undefined;
  }
}
