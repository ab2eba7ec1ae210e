import { MODEL_FAMILIES, type ModelFamily } from "../../../../src/bedrock/families";
import type { DefinitionOptions, QueryLanguage, WorkflowType } from "../../../../src/workflow";

/** A real-looking model ID per family (the definition does not parse it). */
export const MODEL_IDS: Record<ModelFamily, string> = {
  anthropic: "us.anthropic.claude-sonnet-4-20250514-v1:0",
  "amazon-nova": "amazon.nova-lite-v1:0",
  "amazon-titan-text": "amazon.titan-text-express-v1",
  "meta-llama": "meta.llama3-1-8b-instruct-v1:0",
  mistral: "mistral.mistral-large-2402-v1:0",
  "cohere-command-r": "cohere.command-r-v1:0",
  openai: "openai.gpt-oss-20b-1:0",
  "anthropic-text-completions": "anthropic.claude-instant-v1",
  "cohere-command": "cohere.command-text-v14",
};

export const BUCKET = "bedrock-sfn-payloads-123456789012";
const QUERY_LANGUAGES: QueryLanguage[] = ["JSONata", "JSONPath"];
const WORKFLOW_TYPES: WorkflowType[] = ["STANDARD", "EXPRESS"];

export function optionsFor(family: ModelFamily, overrides: Partial<DefinitionOptions> = {}): DefinitionOptions {
  return {
    modelId: MODEL_IDS[family],
    family,
    queryLanguage: "JSONata",
    workflowType: "STANDARD",
    payloadBucket: BUCKET,
    maxTokens: 256,
    temperature: 0.2,
    ...overrides,
  };
}

/** Every combination the builder supports, with and without a configured system prompt. */
export function allOptions(): DefinitionOptions[] {
  const all: DefinitionOptions[] = [];
  for (const family of MODEL_FAMILIES) {
    for (const queryLanguage of QUERY_LANGUAGES) {
      for (const workflowType of WORKFLOW_TYPES) {
        for (const systemPrompt of [undefined, "You answer in one sentence."]) {
          all.push(optionsFor(family, { queryLanguage, workflowType, systemPrompt }));
        }
      }
    }
  }
  return all;
}

export const describeOptions = (o: DefinitionOptions) =>
  `${o.family} / ${o.queryLanguage} / ${o.workflowType} / ${o.systemPrompt === undefined ? "no system prompt" : "system prompt"}`;
