// Rule: models past their end of life. A state machine whose Bedrock tasks call an EOL model fails on every
// execution: a mandatory violation. A role whose only Bedrock model grants are for EOL models is dead weight: an
// advisory. Legacy models get an advisory naming the EOL date and a successor. The judgement is the library's
// (bedrock/lifecycle.ts), over the model catalog; `catalogFile` layers a `bedrock-sfn catalog` file over the bundled
// one for this and every later policy of the run (the stack view among them).
import type { EnforcementLevel, PolicyConfigSchema, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { parseArn, partitionOf, splitResource } from "bedrock-sfn/domain";
import { activeCatalog, useCatalogFile } from "bedrock-sfn/domain";
import { lifecycleFinding } from "bedrock-sfn/domain";
import { modelIdsToResolve } from "bedrock-sfn/domain";
import { metadataOf } from "../lib/metadata";
import { catalogFileProperty, readCatalogFileConfig } from "../lib/config";
import { readResourceDocuments } from "../lib/documents";
import { PackResource, ROLE_TYPES, STATE_MACHINE_TYPES, describeResource, toPackResource } from "../lib/resources";
import { FALLBACK_REGION, StackGraph } from "../lib/stack-graph";
import { findUnknown } from "../lib/values";

const MODEL_LIFECYCLE = "bedrock-model-lifecycle";

const modelLifecycleSchema: PolicyConfigSchema = { properties: { catalogFile: catalogFileProperty } };

interface Report {
  message: string;
  urn?: string;
  enforcementLevel?: EnforcementLevel;
}

export const modelLifecyclePolicy: StackValidationPolicy = {
  name: MODEL_LIFECYCLE,
  ...metadataOf(MODEL_LIFECYCLE),
  description:
    "A Step Functions state machine must not call a Bedrock model past its end of life (every call fails); a role that only " +
    "grants such models is flagged, and Legacy models are named with their end-of-life date. Fix: use the successor named.",
  enforcementLevel: "mandatory",
  configSchema: modelLifecycleSchema,
  validateStack: (args, reportViolation: ReportViolation) => {
    const report = reportViolation as unknown as (info: Report) => void;
    const config = readCatalogFileConfig(args.getConfig<object>());
    if ("error" in config) return report({ message: `configuration of ${MODEL_LIFECYCLE}: ${config.error}` });
    try {
      if (config.config) useCatalogFile(config.config);
      for (const finding of lifecycleFindings(args.resources.map((r) => toPackResource(r)))) report(finding);
    } catch (e) {
      report({ message: `${MODEL_LIFECYCLE}: ${e instanceof Error ? e.message : String(e)}`, enforcementLevel: "advisory" });
    }
  },
};

function lifecycleFindings(resources: PackResource[]): Report[] {
  const graph = new StackGraph(resources);
  const out: Report[] = [];
  for (const machine of graph.ofType(...STATE_MACHINE_TYPES)) {
    const definition = machine.props.definitionString ?? machine.props.definition;
    if (definition === undefined || findUnknown(definition)) continue;
    const partition = partitionOf(graph.regionOf(machine) ?? FALLBACK_REGION);
    let modelIds: string[];
    try {
      modelIds = modelIdsToResolve(definition);
    } catch {
      continue; // The stack view reports a definition it cannot read.
    }
    for (const modelId of modelIds) {
      const finding = lifecycleFinding(modelId, undefined, partition);
      if (!finding) continue;
      const here = describeResource(machine);
      out.push(
        finding.level === "error"
          ? { message: `${here}: ${finding.message}`, urn: machine.urn }
          : { message: `${here}: ${finding.message.replace(/^warning: /, "")}`, urn: machine.urn, enforcementLevel: "advisory" },
      );
    }
  }
  // Only a role whose documents name an EOL model can grant nothing else; the rest are not parsed a second time.
  const eolIds = Object.entries(activeCatalog().models)
    .filter(([, model]) => model.status === "EOL")
    .map(([id]) => id);
  for (const role of graph.ofType(...ROLE_TYPES)) {
    const sources = graph.policiesOf(role).sources;
    if (!sources.some((source) => mentionsAny(source.props, eolIds))) continue;
    const region = graph.regionOf(role) ?? FALLBACK_REGION;
    const granted = grantedModels(sources);
    if (granted.length === 0) continue;
    const eol = granted.filter((id) => lifecycleFinding(id, undefined, partitionOf(region))?.level === "error");
    if (eol.length === granted.length) {
      out.push({
        message: `${describeResource(role)}: it grants bedrock:InvokeModel only on models past their end of life (${eol.join(", ")}); ${lifecycleFinding(eol[0], undefined, partitionOf(region))!.message}`,
        urn: role.urn,
        enforcementLevel: "advisory",
      });
    }
  }
  return out;
}

/** Whether a resource's properties name any of the IDs (false when they cannot be serialised, e.g. nested too deeply). */
function mentionsAny(props: unknown, ids: string[]): boolean {
  let text: string;
  try {
    text = JSON.stringify(props) ?? "";
  } catch {
    return false;
  }
  return ids.some((id) => text.includes(id));
}

// The model identifiers a role's documents grant InvokeModel on: foundation models and system profiles named by ARN.
function grantedModels(sources: PackResource[]): string[] {
  const ids = new Set<string>();
  for (const source of sources) {
    for (const document of readResourceDocuments(source).documents) {
      for (const statement of document.statements) {
        if (statement.effect !== "Allow" || !statement.action?.some((a) => /^bedrock:(invokemodel|\*)/i.test(a) || a === "*")) continue;
        for (const resource of statement.resource ?? []) {
          const arn = parseArn(resource);
          if (arn?.service !== "bedrock") continue;
          const [type, id] = splitResource(arn.resource);
          if ((type === "foundation-model" || type === "inference-profile") && id && !/[*?]/.test(id)) ids.add(id);
        }
      }
    }
  }
  return [...ids];
}
