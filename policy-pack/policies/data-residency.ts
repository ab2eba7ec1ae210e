// Rule 5 (configurable, inactive until configured): models must not be routed outside the allowed Regions.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import {
  PLACEHOLDER_ACCOUNT,
  parseArn,
  ResolvedModel,
  resolveModel,
  routedRegionsOf,
  ParsedDocument,
  hasWildcard,
  matchesWildcard,
  statementLabel,
  analyzeDefinition,
} from "bedrock-sfn/domain";
import { accountMatching, bedrockPattern, invokeAllowStatements } from "../lib/bedrock-patterns";
import { DataResidencyConfig, dataResidencySchema, readDataResidencyConfig } from "../lib/config";
import { readResourceDocuments } from "../lib/documents";
import { Finding, fixFirst, violation } from "../lib/findings";
import { configuredResourcePolicy } from "../lib/policy";
import { PackResource, STATE_MACHINE_TYPES, describeResource } from "../lib/resources";
import { FALLBACK_REGION, StackGraph } from "../lib/stack-graph";
import { findUnknown } from "../lib/values";

const DATA_RESIDENCY = "bedrock-data-residency";

export const dataResidencyPolicy: ResourceValidationPolicy = configuredResourcePolicy(
  {
    name: DATA_RESIDENCY,
    description:
      "Bedrock calls must stay in the Regions allowed by the pack's configuration (allowedRegions; allowGlobalProfiles). " +
      "An inference profile routes each call to any of its destination Regions, so every one of them must be allowed. " +
      "Inactive until allowedRegions is set or allowGlobalProfiles is false. Fix: use a profile whose Regions are all " +
      "allowed (e.g. 'eu.' for EU Regions), or a foundation model in an allowed Region.",
    enforcementLevel: "mandatory",
    configSchema: dataResidencySchema,
  },
  readDataResidencyConfig,
  dataResidencyFindings,
);

function dataResidencyFindings(resource: PackResource, config: DataResidencyConfig): Finding[] {
  if (config.allowedRegions.length === 0 && config.allowGlobalProfiles) return [];
  const models = STATE_MACHINE_TYPES.includes(resource.type) ? calledModels(resource) : grantedProfiles(resource);
  return models.flatMap(({ model, where }) => judge(model, where, config));
}

function judge(model: ResolvedModel, where: string, config: DataResidencyConfig): Finding[] {
  const routed = routedRegionsOf(model);
  if (routed === "*") {
    if (config.allowGlobalProfiles) return [];
    return [
      violation(
        fixFirst(
          `Use a geographic profile (e.g. 'eu.', 'us.', 'apac.') instead of ${model.modelId} (${where}).`,
          `${model.modelId} is a global inference profile, which may route calls to any commercial Region; allowGlobalProfiles is false.`,
        ),
      ),
    ];
  }
  if (config.allowedRegions.length === 0) return [];
  const outside = routed.filter((r) => !config.allowedRegions.some((allowed) => matchesWildcard(allowed, r, { caseInsensitive: true })));
  if (outside.length === 0) return [];
  return [
    violation(
      fixFirst(
        `Use a profile whose Regions are all allowed (e.g. 'eu.' for EU Regions), or a foundation model in an allowed Region, instead of ${model.modelId} (${where}).`,
        `${model.modelId} called from ${model.sourceRegion} may be routed to ${outside.join(", ")}, outside the allowed ` +
          `Regions (${config.allowedRegions.join(", ")}). Routed Regions: ${routed.join(", ")}.`,
      ),
    ),
  ];
}

/** The models a state machine's Bedrock tasks call, resolved in its Region. */
function calledModels(machine: PackResource): { model: ResolvedModel; where: string }[] {
  const definition = machine.props.definitionString ?? machine.props.definition;
  if (findUnknown(definition)) return [];
  const region = new StackGraph([machine]).regionOf(machine);
  const models: { model: ResolvedModel; where: string }[] = [];
  let tasks: ReturnType<typeof analyzeDefinition>["tasks"];
  try {
    // The one definition analysis: every integration that calls a model (optimized, SDK InvokeModel, Converse).
    const resolveOnly = (modelId: string): ResolvedModel => {
      const model = tryResolve(modelId, region);
      if (!model) throw new Error(`'${modelId}' cannot be resolved`);
      return model;
    };
    const analysis = analyzeDefinition(definition, { region: region ?? FALLBACK_REGION, account: PLACEHOLDER_ACCOUNT, payloadBucket: "unused", resolveModel: resolveOnly });
    tasks = analysis.tasks.filter((t) => !t.integration.startsWith("bedrock:createModelCustomizationJob"));
  } catch (e) {
    // Not valid JSON is the stack view's finding; a definition too deep to walk must not pass silently here.
    if (e instanceof RangeError) throw e;
    return [];
  }
  for (const task of tasks) {
    for (const modelId of task.modelIds) {
      const model = tryResolve(modelId, region);
      if (model) models.push({ model, where: `${describeResource(machine)}, task '${task.state}'` });
    }
  }
  return models;
}

/** Concrete system-profile grants in the resource's IAM documents. */
function grantedProfiles(resource: PackResource): { model: ResolvedModel; where: string }[] {
  const models: { model: ResolvedModel; where: string }[] = [];
  for (const document of readResourceDocuments(resource).documents) {
    for (const { statement } of invokeAllowStatements([document])) {
      for (const text of statement.resource ?? []) {
        const pattern = bedrockPattern(text);
        if (pattern?.type !== "inference-profile" || hasWildcard(pattern.id) || hasWildcard(pattern.region)) continue;
        const account = accountMatching(pattern.account);
        const model = account ? tryResolve(`arn:${pattern.partition}:bedrock:${pattern.region}:${account}:inference-profile/${pattern.id}`, pattern.region) : undefined;
        if (model) models.push({ model, where: whereIn(document, statementLabel(statement)) });
      }
    }
  }
  return models;
}

const whereIn = (document: ParsedDocument, label: string) => `${document.source}, statement ${label}`;

// Unresolvable models are other policies' business (routed Regions, stack view); here they are simply skipped.
function tryResolve(modelId: string, region: string | undefined): ResolvedModel | undefined {
  const sourceRegion = region ?? parseArn(modelId)?.region;
  if (!sourceRegion) return undefined;
  try {
    return resolveModel({ modelId, sourceRegion, account: PLACEHOLDER_ACCOUNT });
  } catch {
    return undefined;
  }
}
