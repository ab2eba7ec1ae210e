// A definition of the user's own, from stack config: the file read and parsed, the substitution map and the
// extra policy documents checked, and the whole definition analysed once before any resource is registered,
// so a dynamic ModelId, an unknown `${...}` or a bad file fails fast with a line naming the key.
import * as fs from "node:fs";
import * as path from "node:path";
import type { PolicyDocument } from "../src/bedrock/grants";
import { PLACEHOLDER_ACCOUNT, partitionOf } from "../src/bedrock/arn";
import { parseModelId } from "../src/bedrock/model-id";
import { ResolvedModel, resolveModel, routingLookup } from "../src/bedrock/resolve";
import { isBedrockSfnError } from "../src/core/errors";
import { analyzeGrantable, type DefinitionAnalysis } from "../src/workflow/analysis";
import { checkUserSubstitutions, loadDefinitionFile, substituteDefinition } from "../src/workflow/definition-source";
import { CONFIG_KEYS, ConfigError, Settings } from "./settings";

const PLACEHOLDER_BUCKET = "payload-bucket-placeholder";

export interface UserDefinition {
  /** The parsed definition, placeholders still in it (the component substitutes them). */
  definition: Record<string, unknown>;
  substitutions: Record<string, string>;
  /** The offline analysis (placeholder account and bucket), for notes and the synth view. */
  analysis: DefinitionAnalysis;
  /** One line each: settings that a definition of your own makes irrelevant, tasks without grants. */
  notes: string[];
}

/** Settings the built-in workflow reads and a definition of your own ignores. */
const BUILT_IN_ONLY: (keyof Settings)[] = ["modelId", "maxTokens", "temperature", "systemPrompt", "modelFamily", "queryLanguage"];

/** Reads and checks bedrock-sfn:definitionFile and friends; `given` tells which keys the stack set explicitly. */
export function readUserDefinition(settings: Settings, baseDir: string, given: (key: string) => boolean): UserDefinition | undefined {
  if (!settings.definitionFile) return undefined;
  const key = CONFIG_KEYS.definitionFile;
  const fail = (error: unknown): never => {
    const message = error instanceof Error ? error.message : String(error);
    // The file's own errors and the substitution map's already start with their key; the rest are about the file's content.
    const keyed = isBedrockSfnError(error) && (error.argument === "definitionFile" || error.argument === "definitionSubstitutions");
    throw new ConfigError(keyed ? message : `${key} = '${settings.definitionFile}': ${message.split("\n").join(`\n${key} = '${settings.definitionFile}': `)}`);
  };
  let definition: Record<string, unknown>;
  let substitutions: Record<string, string>;
  let analysis: DefinitionAnalysis;
  try {
    definition = loadDefinitionFile(settings.definitionFile, baseDir, key);
    substitutions = checkUserSubstitutions(settings.definitionSubstitutions ?? {}, CONFIG_KEYS.definitionSubstitutions);
    const partition = partitionOf(settings.region);
    const substituted = substituteDefinition(
      definition,
      { PayloadBucket: PLACEHOLDER_BUCKET, "AWS::Region": settings.region, "AWS::AccountId": PLACEHOLDER_ACCOUNT, "AWS::Partition": partition },
      substitutions,
    );
    analysis = analyzeGrantable(substituted, {
      region: settings.region,
      account: PLACEHOLDER_ACCOUNT,
      partition,
      payloadBucket: PLACEHOLDER_BUCKET,
      allowedModels: settings.allowedModels,
      resolveModel: (modelId) => resolveOrDefer(modelId, settings),
    });
  } catch (error) {
    return fail(error);
  }
  const ignored = BUILT_IN_ONLY.filter((field) => given(CONFIG_KEYS[field])).map((field) => CONFIG_KEYS[field]);
  const notes = [...(ignored.length ? [`${ignored.join(", ")} ${ignored.length > 1 ? "do" : "does"} not apply: ${key} replaces the built-in workflow`] : []), ...analysis.notes];
  return { definition, substitutions, analysis, notes };
}

/**
 * Offline routing for the early check. A model whose routing only AWS knows (an application profile, a profile the
 * catalog lacks, routingSource=live) is checked by the component at deploy time, through GetInferenceProfile;
 * here it only has to be a model identifier that can be called from the Region.
 */
function resolveOrDefer(modelId: string, settings: Settings): ResolvedModel {
  const sourceRegion = settings.region;
  if (routingLookup({ modelId, sourceRegion, routingSource: settings.routingSource }) === undefined) {
    return resolveModel({ modelId, sourceRegion, account: PLACEHOLDER_ACCOUNT });
  }
  const ref = parseModelId(modelId);
  return {
    modelId,
    ref,
    sourceRegion,
    partition: partitionOf(sourceRegion),
    account: PLACEHOLDER_ACCOUNT,
    invokedArn: modelId,
    routing: { kind: "in-region" },
    routingSource: "live",
  };
}

/** The policy documents of bedrock-sfn:extraPolicyFiles, attached to the role as they are. */
export function readExtraPolicies(files: string[], baseDir: string): PolicyDocument[] {
  const key = CONFIG_KEYS.extraPolicyFiles;
  return files.map((file) => {
    const full = path.resolve(baseDir, file);
    let doc: unknown;
    try {
      doc = JSON.parse(fs.readFileSync(full, "utf8"));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigError(`${key}: '${file}': ${code === "ENOENT" ? `no such file (looked for ${full})` : `not a JSON policy document: ${(error as Error).message}`}`);
    }
    const problem = policyDocumentProblem(doc);
    if (problem) throw new ConfigError(`${key}: '${file}': ${problem}`);
    return doc as PolicyDocument;
  });
}

/** Shape check only: what the policy grants is the user's decision (and the policy pack's to judge). */
function policyDocumentProblem(doc: unknown): string | undefined {
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return "must be a JSON object with Version and Statement";
  const { Version, Statement } = doc as { Version?: unknown; Statement?: unknown };
  if (Version !== "2012-10-17") return `Version must be "2012-10-17", got ${JSON.stringify(Version)}`;
  const statements = Array.isArray(Statement) ? Statement : [Statement];
  if (statements.length === 0 || statements.some((s) => !s || typeof s !== "object" || Array.isArray(s))) return "Statement must be a statement object or a non-empty list of them";
  return undefined;
}
