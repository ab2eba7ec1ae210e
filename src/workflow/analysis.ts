// The analysis of any state machine definition (ours, the user's, a hand-written one in another stack): every
// Task at any depth, in both query languages, mapped to the IAM statements its execution role needs.
// Bedrock model routing comes from src/bedrock/resolve and src/bedrock/grants (never re-derived here), so the role
// this writes, the policy pack's checks and the local runner's idea of what to serve cannot drift apart.
import { foundationModelArn, parseArn, partitionOf } from "../bedrock/arn";
import { parseJson } from "../json";
import {
  AuthorizationRequest,
  PolicyStatement,
  REQUESTED_REGION_KEY,
  guardrailProfileArns,
  guardrailStatements,
  requiredBedrockStatements,
  routedRequests,
  s3AccessStatements,
} from "../bedrock/grants";
import { parseModelId } from "../bedrock/model-id";
import { ResolvedModel, resolveModel } from "../bedrock/resolve";
import { DEFAULT_INPUT_PREFIX, DEFAULT_OUTPUT_PREFIX, integrationNameOf } from "./contract";
import { type PayloadLocations, payloadLocationsOf } from "./payload-locations";
import { isObjectLiteral, readTaskArguments, type ArgumentReading } from "./task-arguments";
import { walkStates, type QueryLanguage } from "./walk";
import { BedrockSfnError } from "../core/errors";

/** The Task integrations whose grants the analysis derives. */
export const INTEGRATIONS = [
  "bedrock:invokeModel",
  "aws-sdk:bedrockruntime:invokeModel",
  "aws-sdk:bedrockruntime:converse",
  "bedrock:createModelCustomizationJob",
  "bedrock:createModelCustomizationJob.sync",
] as const;
export type Integration = (typeof INTEGRATIONS)[number];

/** The Bedrock integration a Task's Resource names, in any partition; undefined for every other resource. */
export function integrationOf(resource: unknown): Integration | undefined {
  const service = integrationNameOf(resource);
  return (INTEGRATIONS as readonly string[]).includes(service ?? "") ? (service as Integration) : undefined;
}

export interface AnalysisContext {
  /** Source Region: where the state machine runs and calls Bedrock. */
  region: string;
  account: string;
  /** Default: the Region's partition. */
  partition?: string;
  /** The payload bucket that dynamic S3 URIs are confined to. */
  payloadBucket: string;
  inputPrefix?: string;
  outputPrefix?: string;
  /** The model IDs a dynamic ModelId may take (the `allowedModels` argument); each is granted with its routes. */
  allowedModels?: string[];
  /** Routing of one model ID; default: src/bedrock/resolve offline (the bundled catalog). */
  resolveModel?: (modelId: string) => ResolvedModel;
}

export interface AnalyzedTask {
  /** State path, with enclosing Parallel/Map states ("Fan out/Branch 0/Summarise"). */
  state: string;
  queryLanguage: QueryLanguage;
  resource: string;
  integration: Integration;
  /** Model IDs written literally (ModelId, or BaseModelIdentifier for customization jobs). */
  modelIds: string[];
  /** True when the model is computed at run time. */
  dynamicModelId: boolean;
  /** Guardrail ARNs the task applies. */
  guardrails: string[];
  /** S3 object ARNs (or prefix patterns ending in `*`) the task reads and writes through Input/Output.S3Uri. */
  s3Reads: string[];
  s3Writes: string[];
  /** Role ARNs passed to Bedrock (customization jobs). */
  passedRoles: string[];
}

export interface DefinitionAnalysis {
  tasks: AnalyzedTask[];
  /** Tasks of other integrations (Lambda, SNS, ...): no grant is derived for them. */
  otherTasks: { state: string; resource: string }[];
  /** Tasks with `Credentials` (cross-account): they run as `roleArn`, which this role may only assume. */
  assumedRoles: { state: string; roleArn: string; resource: string }[];
  /** Every model the role must allow, routed from the source Region, in first-use order. */
  models: ResolvedModel[];
  /** The statements the role needs for the analysed tasks (Bedrock, payload S3, guardrails, PassRole). */
  statements: PolicyStatement[];
  /** Why the definition cannot be granted as it stands; each names the state. Empty when grantable. */
  problems: string[];
  /** One-line remarks for the user (other tasks, unused allowedModels). */
  notes: string[];
  /**
   * The S3 locations the optimized invokeModel tasks name for their payloads (literal URIs, and the fixed prefixes
   * of computed ones), and the s3:// literals elsewhere: what a checker judges a computed URI on.
   */
  payloads: PayloadLocations;
}

/** Raised when a definition cannot be analysed into a role; the message names the state and what to do. */
export class DefinitionError extends BedrockSfnError {
  constructor(message: string, argument = "definition") {
    super("definition", message, argument);
  }
}

/**
 * Analyses a definition (object or JSON string) into its tasks and the statements its role needs.
 * Never throws for a definition's content: what cannot be granted is listed in `problems`.
 */
export function analyzeDefinition(definition: unknown, context: AnalysisContext): DefinitionAnalysis {
  const doc = typeof definition === "string" ? parseDefinitionJson(definition) : definition;
  const partition = context.partition ?? partitionOf(context.region);
  const resolve = context.resolveModel ?? ((modelId: string) => resolveModel({ modelId, sourceRegion: context.region, account: context.account }));
  const tasks: AnalyzedTask[] = [];
  const otherTasks: DefinitionAnalysis["otherTasks"] = [];
  const problems: string[] = [];

  const assumedRoles: DefinitionAnalysis["assumedRoles"] = [];
  // Each Task's arguments are read once; the invokeModel tasks' readings also give the payload locations.
  const payloadReadings: ArgumentReading[] = [];
  for (const visited of taskStates(doc)) {
    const { path, queryLanguage, state, resource, integration } = visited;
    const args = integration ? argumentsOf(visited) : undefined;
    if (integration === "bedrock:invokeModel") payloadReadings.push(args!);
    if (state.Credentials !== undefined) {
      // The task runs as another role (cross-account): ours only needs to assume it; that role needs the rest.
      const role = statics(readTaskArguments({ Arguments: state.Credentials, Parameters: state.Credentials }, queryLanguage), "RoleArn");
      if (role.dynamic || role.strings.length === 0) problems.push(`state '${path}': Credentials.RoleArn must be written literally: sts:AssumeRole is granted on that role only`);
      for (const roleArn of role.strings) assumedRoles.push({ state: path, roleArn, resource });
      continue;
    }
    if (!integration) {
      otherTasks.push({ state: path, resource });
      continue;
    }
    tasks.push(readTask(path, queryLanguage, resource, integration, args!, { ...context, partition }, problems));
  }

  const models: ResolvedModel[] = [];
  const byId = new Map<string, ResolvedModel>();
  const addModel = (modelId: string, where: string): void => {
    if (byId.has(modelId)) return;
    try {
      const model = resolve(modelId);
      byId.set(modelId, model);
      if (!models.some((m) => m.invokedArn === model.invokedArn)) models.push(model);
    } catch (error) {
      problems.push(`${where} '${modelId}': ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const invoking = tasks.filter((t) => !isCustomization(t.integration));
  for (const task of invoking) for (const id of task.modelIds) addModel(id, `state '${task.state}': ModelId`);

  const dynamic = invoking.filter((t) => t.dynamicModelId);
  const allowed = context.allowedModels ?? [];
  const notes: string[] = [];
  if (dynamic.length > 0 && allowed.length === 0) {
    problems.push(
      `state${dynamic.length > 1 ? "s" : ""} ${dynamic.map((t) => `'${t.state}'`).join(", ")} compute${dynamic.length > 1 ? "" : "s"} ModelId at run time, ` +
        `so the role cannot be derived: list the model IDs it may take in allowedModels (each is granted with its routes), or write ModelId literally`,
    );
  }
  if (dynamic.length > 0) for (const id of allowed) addModel(id, "allowedModels");
  else if (allowed.length > 0) notes.push("allowedModels is set but every ModelId is written literally; it grants nothing");
  if (assumedRoles.length > 0) {
    notes.push(
      `${assumedRoles.map((a) => `${a.state} runs as ${a.roleArn}`).join(", ")}: this role may only assume ${assumedRoles.length > 1 ? "them" : "it"}; ` +
        `grant what ${assumedRoles.length > 1 ? "those tasks need on those roles" : "the task needs on that role"} (with a trust policy for this role)`,
    );
  }
  if (otherTasks.length > 0) {
    notes.push(
      `no grants derived for ${otherTasks.length} task${otherTasks.length > 1 ? "s" : ""} of other services: ` +
        `${otherTasks.map((t) => `${t.state} (${t.resource})`).join(", ")}; attach what they need with extraPolicies (stack config: extraPolicyFiles)`,
    );
  }

  // A task applying a guardrail through a geographic profile also needs the guardrail profile in each destination.
  for (const task of invoking) {
    if (task.guardrails.length === 0) continue;
    const profiles = task.modelIds.flatMap((id) => (byId.get(id) ? guardrailProfileArns(byId.get(id)!) : []));
    task.guardrails = [...new Set([...task.guardrails, ...profiles])];
  }
  const statements = statementsFor(tasks, models, { ...context, partition });
  const roles = [...new Set(assumedRoles.map((a) => a.roleArn))].sort();
  if (roles.length) statements.push({ Sid: "AssumeTaskRoles", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: roles });
  return { tasks, otherTasks, assumedRoles, models, statements, problems, notes, payloads: payloadLocationsOf(payloadReadings, doc) };
}

/**
 * The authorisations the analysed tasks make at run time, one per grant: every routed call of every model
 * (src/bedrock/grants), a sample object under each S3 prefix, each guardrail, customization-job actions and PassRole.
 * A checker (the policy pack's stack view, a test's IAM evaluator) asks whether a role allows each of them.
 */
export function requiredRequests(analysis: DefinitionAnalysis, context: Pick<AnalysisContext, "region">): AuthorizationRequest[] {
  const where = { [REQUESTED_REGION_KEY]: context.region };
  const request = (action: string, resource: string, why: string, extra: Record<string, string> = {}): AuthorizationRequest => ({
    action,
    resource: resource.endsWith("*") ? `${resource.slice(0, -1)}sample-object.json` : resource,
    context: { ...where, ...extra },
    region: context.region,
    why,
  });
  const requests = analysis.models.flatMap(routedRequests);
  for (const task of analysis.tasks) {
    for (const arn of task.s3Reads) requests.push(request("s3:GetObject", arn, `${task.state} reads ${arn}`));
    for (const arn of task.s3Writes) requests.push(request("s3:PutObject", arn, `${task.state} writes ${arn}`));
    for (const arn of task.guardrails) requests.push(request("bedrock:ApplyGuardrail", arn, `${task.state} applies ${arn}`));
    for (const arn of task.passedRoles) requests.push(request("iam:PassRole", arn, `${task.state} passes ${arn}`, { "iam:PassedToService": "bedrock.amazonaws.com" }));
  }
  for (const statement of analysis.statements.filter((s) => s.Sid === "CreateModelCustomizationJob" || s.Sid === "TrackModelCustomizationJob")) {
    for (const action of [statement.Action].flat()) for (const arn of [statement.Resource].flat()) requests.push(request(action, arn, `${action} on ${arn}`));
  }
  return requests;
}

/** The analysis, or a DefinitionError listing every problem (one line each). */
export function analyzeGrantable(definition: unknown, context: AnalysisContext): DefinitionAnalysis {
  const analysis = analyzeDefinition(definition, context);
  if (analysis.problems.length > 0) throw new DefinitionError(analysis.problems.join("\n"));
  return analysis;
}

/**
 * The model IDs a definition names literally plus the allowed ones where a ModelId is dynamic: what must be
 * resolved (perhaps through AWS) before `analyzeDefinition` runs with a `resolveModel` that answers from them.
 */
export function modelIdsToResolve(definition: unknown, allowedModels: string[] = []): string[] {
  const doc = typeof definition === "string" ? parseDefinitionJson(definition) : definition;
  const ids = new Set<string>();
  let dynamic = false;
  for (const task of taskStates(doc)) {
    // The tasks analyzeDefinition resolves models for: its own Bedrock calls, not those run as another role.
    if (!task.integration || isCustomization(task.integration) || task.state.Credentials !== undefined) continue;
    const model = modelOf(argumentsOf(task), task.integration);
    for (const id of model.strings) ids.add(id);
    dynamic ||= model.dynamic;
  }
  if (dynamic) for (const id of allowedModels) ids.add(id);
  return [...ids];
}

/** An optimized invokeModel task as the analysis reads it, before any context (Region, account, bucket) applies. */
export interface InvokeModelTask {
  /** State name, with enclosing Parallel/Map states as a path ("Fan out/Branch 0/Invoke"). */
  state: string;
  queryLanguage: QueryLanguage;
  /** ModelIds written literally in the definition. */
  modelIds: string[];
  /** True when a ModelId is computed at run time, so it cannot be judged statically. */
  dynamicModelId: boolean;
  usesInputS3Uri: boolean;
  usesOutputS3Uri: boolean;
}

/**
 * The optimized invokeModel tasks of a definition (object or JSON string) that run as its own role, read by the
 * same walk and ModelId reading as analyzeDefinition; throws a DefinitionError on text that is not JSON.
 */
export function invokeModelTasks(definition: unknown): InvokeModelTask[] {
  const doc = typeof definition === "string" ? parseDefinitionJson(definition) : definition;
  const tasks: InvokeModelTask[] = [];
  for (const task of taskStates(doc)) {
    if (task.integration !== "bedrock:invokeModel" || task.state.Credentials !== undefined) continue;
    const args = argumentsOf(task);
    const model = modelOf(args, task.integration);
    tasks.push({
      state: task.path,
      queryLanguage: task.queryLanguage,
      modelIds: model.strings,
      dynamicModelId: model.dynamic,
      usesInputS3Uri: args.field("Input") !== undefined,
      usesOutputS3Uri: args.field("Output") !== undefined,
    });
  }
  return tasks;
}

interface TaskState {
  path: string;
  queryLanguage: QueryLanguage;
  state: Record<string, unknown>;
  resource: string;
  /** The integration the analysis derives grants for; undefined for other services' tasks. */
  integration: Integration | undefined;
}

/** Every Task state at any depth, with the integration its Resource names: the analysis' one walk. */
function* taskStates(doc: unknown): Generator<TaskState> {
  for (const { path, queryLanguage, state } of walkStates(doc)) {
    if (state.Type !== "Task") continue;
    const resource = String(state.Resource ?? "");
    yield { path, queryLanguage, state, resource, integration: integrationOf(resource) };
  }
}

function argumentsOf(task: TaskState): ArgumentReading {
  return readTaskArguments(task.state as never, task.queryLanguage);
}

function isCustomization(integration: Integration): boolean {
  return integration.startsWith("bedrock:createModelCustomizationJob");
}

/**
 * The model a Bedrock task calls (ModelId; BaseModelIdentifier for customization jobs): its literal IDs, and whether
 * it is (also) computed at run time. Any literal that is not a string (an object, a number) names no model: dynamic.
 */
function modelOf(args: ArgumentReading, integration: Integration): { strings: string[]; dynamic: boolean } {
  const reading = args.field(isCustomization(integration) ? "BaseModelIdentifier" : "ModelId");
  // A missing model field hides the model: it may come from anywhere.
  if (!reading) return { strings: [], dynamic: true };
  const strings = reading.literals.filter((l): l is string => typeof l === "string");
  return { strings: [...new Set(strings)], dynamic: reading.dynamic || strings.length < reading.literals.length };
}

type Context = AnalysisContext & { partition: string };

function readTask(
  state: string,
  queryLanguage: QueryLanguage,
  resource: string,
  integration: Integration,
  args: ArgumentReading,
  context: Context,
  problems: string[],
): AnalyzedTask {
  const task: AnalyzedTask = { state, queryLanguage, resource, integration, modelIds: [], dynamicModelId: false, guardrails: [], s3Reads: [], s3Writes: [], passedRoles: [] };
  const customization = isCustomization(integration);
  const model = modelOf(args, integration);
  task.modelIds = model.strings;
  task.dynamicModelId = model.dynamic;

  if (customization) {
    if (task.dynamicModelId) problems.push(`state '${state}': BaseModelIdentifier is computed at run time; write it literally so the role can name the base model`);
    const role = statics(args, "RoleArn");
    if (role.dynamic || role.strings.length === 0) problems.push(`state '${state}': RoleArn must be written literally: iam:PassRole is granted on that role only`);
    for (const arn of role.strings) {
      if (parseArn(arn)?.service === "iam") task.passedRoles.push(arn);
      else problems.push(`state '${state}': RoleArn '${arn}' is not an IAM role ARN`);
    }
    return task;
  }

  const guardrailField = integration === "aws-sdk:bedrockruntime:converse" ? "GuardrailConfig.GuardrailIdentifier" : "GuardrailIdentifier";
  const guardrail = statics(args, guardrailField);
  if (guardrail.dynamic) problems.push(`state '${state}': ${guardrailField} is computed at run time; write it literally so bedrock:ApplyGuardrail can name that guardrail`);
  for (const id of guardrail.strings) task.guardrails.push(guardrailArn(id, context));

  if (integration === "bedrock:invokeModel") {
    const inputPrefix = context.inputPrefix ?? DEFAULT_INPUT_PREFIX;
    const outputPrefix = context.outputPrefix ?? DEFAULT_OUTPUT_PREFIX;
    const bucketArn = `arn:${context.partition}:s3:::${context.payloadBucket}`;
    for (const [field, out, prefix] of [
      ["Input.S3Uri", task.s3Reads, inputPrefix],
      ["Output.S3Uri", task.s3Writes, outputPrefix],
    ] as const) {
      const uri = statics(args, field);
      const parent = args.field(field.split(".")[0]);
      // Input/Output given as a whole at run time ("Input.$", an expression) hides the URI: treat it as dynamic.
      const hidden = parent?.dynamic && !args.field(field);
      if (uri.dynamic || hidden || (args.opaque && uri.strings.length === 0)) out.push(`${bucketArn}/${prefix}*`);
      for (const value of uri.strings) {
        const arn = s3ObjectArn(value, context.partition);
        if (typeof arn === "string") out.push(arn);
        else problems.push(`state '${state}': ${field} '${value}': ${arn.problem}`);
      }
    }
  }
  return task;
}

/** The string literals of a field and whether it is (also) dynamic; a non-string literal counts as dynamic. */
function statics(args: ArgumentReading, field: string): { strings: string[]; dynamic: boolean } {
  const reading = args.field(field);
  // A missing guardrail, role or URI is simply absent, and an ungranted one fails closed (AccessDenied), never open.
  if (!reading) return { strings: [], dynamic: false };
  const strings = reading.literals.filter((l): l is string => typeof l === "string");
  const dynamic = reading.dynamic || reading.literals.some((l) => typeof l !== "string" && !isObjectLiteral(l));
  return { strings: [...new Set(strings)], dynamic };
}

/** A guardrail's ARN: as given, or built from its ID in this account and Region. */
export function guardrailArn(identifier: string, context: { partition: string; region: string; account: string }): string {
  if (identifier.startsWith("arn:")) return identifier;
  return `arn:${context.partition}:bedrock:${context.region}:${context.account}:guardrail/${identifier}`;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://bucket/key` -> the object ARN; a key ending in `/` (or empty) is a prefix: everything under it. */
function s3ObjectArn(uri: string, partition: string): string | { problem: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match || !BUCKET.test(match[1])) return { problem: "expected s3://<bucket>/<key>" };
  const [, bucket, key] = match;
  // '*' and '?' are wildcards in IAM resources; a literal one would grant more than the URI names.
  if (/[*?]/.test(key)) return { problem: "contains '*' or '?', which IAM would read as wildcards" };
  return `arn:${partition}:s3:::${bucket}/${key === "" || key.endsWith("/") ? `${key}*` : key}`;
}

/** The union of every task's needs, as statements with unique Sids. */
function statementsFor(tasks: AnalyzedTask[], models: ResolvedModel[], context: Context): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  models.forEach((model, i) => {
    for (const statement of requiredBedrockStatements(model)) {
      statements.push({ ...statement, Sid: models.length > 1 ? `${statement.Sid}${i + 1}` : statement.Sid });
    }
  });
  const union = (pick: (t: AnalyzedTask) => string[]) => [...new Set(tasks.flatMap(pick))].sort();
  const reads = union((t) => t.s3Reads);
  const writes = union((t) => t.s3Writes);
  const guardrails = union((t) => t.guardrails);
  statements.push(...s3AccessStatements(reads, writes), ...guardrailStatements(guardrails));

  const customizations = tasks.filter((t) => isCustomization(t.integration));
  if (customizations.length) statements.push(...customizationStatements(customizations, context));
  return statements;
}

/**
 * createModelCustomizationJob: the action on the base model and the custom model it creates (the resource types
 * the Service Authorization Reference lists for it; the custom model's name gets a generated suffix, hence `*`);
 * `.sync` also polls and stops the job; the service role is passed to Bedrock only.
 */
function customizationStatements(tasks: AnalyzedTask[], context: Context): PolicyStatement[] {
  const { partition, region, account } = context;
  const jobs = `arn:${partition}:bedrock:${region}:${account}:model-customization-job/*`;
  const baseModels = [...new Set(tasks.flatMap((t) => t.modelIds.map((id) => baseModelArn(id, context))))].sort();
  const statements: PolicyStatement[] = [
    {
      Sid: "CreateModelCustomizationJob",
      Effect: "Allow",
      Action: ["bedrock:CreateModelCustomizationJob"],
      Resource: [...baseModels, `arn:${partition}:bedrock:${region}:${account}:custom-model/*`],
    },
  ];
  if (tasks.some((t) => t.integration.endsWith(".sync"))) {
    statements.push({ Sid: "TrackModelCustomizationJob", Effect: "Allow", Action: ["bedrock:GetModelCustomizationJob", "bedrock:StopModelCustomizationJob"], Resource: [jobs] });
  }
  const roles = [...new Set(tasks.flatMap((t) => t.passedRoles))].sort();
  if (roles.length) {
    statements.push({
      Sid: "PassCustomizationRole",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: roles,
      Condition: { StringEquals: { "iam:PassedToService": "bedrock.amazonaws.com" } },
    });
  }
  return statements;
}

function baseModelArn(id: string, context: Context): string {
  if (id.startsWith("arn:")) return id;
  try {
    const ref = parseModelId(id);
    if (ref.kind === "foundation-model") return foundationModelArn(context.partition, context.region, ref.foundationModelId);
  } catch {
    // Custom models are named too; fall through to the plain foundation-model form.
  }
  return foundationModelArn(context.partition, context.region, id);
}

function parseDefinitionJson(text: string): unknown {
  return parseJson(text, (message) => {
    throw new DefinitionError(`the state machine definition is not JSON: ${message}`);
  });
}
