// The batch workflow (`batch = map`): a STANDARD parent whose one state is a Distributed Map. It reads a JSONL file
// of execution inputs from the payload bucket (ItemReader), runs each line through the SAME single-call states the
// built-in workflow has (buildDefinition, as EXPRESS child executions), and writes the results back to the bucket
// (ResultWriter). AWS's pages behind each field are cited in docs/batch.md.
import type { QueryLanguage, State } from "./asl";
import { jsonataTemplate } from "./asl";
import { buildDefinition } from "./index";
import { DEFAULT_INPUT_PREFIX, DEFAULT_RESULTS_PREFIX } from "./contract";
import { resolveOptions, DefinitionOptionsError, type DefinitionOptions } from "./options";

/** The parent's one state. */
export const BATCH_MAP_STATE = "RunBatch";
/** The execution input field naming the JSONL object's key (under the input prefix, which the role may read). */
export const BATCH_ITEMS_FIELD = "itemsKey";
/** Step Functions runs at most this many child executions of one Distributed Map at once (state-map-distributed). */
export const DISTRIBUTED_MAP_MAX_CONCURRENCY = 10_000;

export interface BatchMapOptions {
  /** Child executions at once (1 to 10,000). */
  maxConcurrency: number;
  /** Percentage of failed items (0 to 100) the Map Run tolerates before it fails. */
  toleratedFailurePercentage: number;
  /** Key prefix ResultWriter writes under ("results/"); AWS adds `<map run id>/manifest.json`, `SUCCEEDED_n.json`, ... */
  resultsPrefix?: string;
}

/** A Distributed Map state, as this module writes it. */
export interface DistributedMapState {
  Type: "Map";
  Comment: string;
  ItemReader: { Resource: string; ReaderConfig: { InputType: "JSONL" }; Arguments?: Record<string, string>; Parameters?: Record<string, string> };
  ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED"; ExecutionType: "EXPRESS" }; StartAt: string; States: Record<string, State> };
  MaxConcurrency: number;
  ToleratedFailurePercentage: number;
  ResultWriter: { Resource: string; Arguments?: Record<string, string>; Parameters?: Record<string, string> };
  End: true;
}

export interface BatchMapDefinition {
  Comment: string;
  QueryLanguage: QueryLanguage;
  StartAt: string;
  States: Record<string, DistributedMapState>;
}

/**
 * The batch workflow. Execution input: `{ "itemsKey": "<inputPrefix>....jsonl" }`; each line of that object is one
 * single-call input (`prompt`, `body` or `inputS3Uri`, optional `system`). Throws DefinitionOptionsError for a bad option.
 */
export function buildBatchMapDefinition(options: DefinitionOptions, batch: BatchMapOptions): BatchMapDefinition {
  const resolved = resolveOptions(options);
  checkBatchOptions(batch);
  // The child is the built-in single call as EXPRESS: its retries are bounded to EXPRESS's five minutes.
  const child = buildDefinition({ ...options, workflowType: "EXPRESS" });
  const resultsPrefix = batch.resultsPrefix ?? DEFAULT_RESULTS_PREFIX;
  const jsonata = resolved.queryLanguage === "JSONata";
  const fields = (values: Record<string, string>, dynamic: Record<string, string>) =>
    jsonata
      ? { Arguments: { ...values, ...Object.fromEntries(Object.entries(dynamic).map(([k, v]) => [k, jsonataTemplate(`$states.input.${v}`)])) } }
      : { Parameters: { ...values, ...Object.fromEntries(Object.entries(dynamic).map(([k, v]) => [`${k}.$`, `$.${v}`])) } };
  const states = `arn:${resolved.partition}:states:::`;
  return {
    // No s3:// URI in the comment: the policy pack reads URIs in a definition as the places its payloads live.
    Comment: `Runs each line of a JSONL object (payload bucket, key under ${resolved.inputPrefix}) through ${resolved.modelId} as an EXPRESS child execution; results under the payload bucket's ${resultsPrefix}. Input: { "${BATCH_ITEMS_FIELD}": "<key>" }.`,
    QueryLanguage: resolved.queryLanguage,
    StartAt: BATCH_MAP_STATE,
    States: {
      [BATCH_MAP_STATE]: {
        Type: "Map",
        Comment: "Distributed Map: one EXPRESS child execution of the single-call workflow per JSONL line",
        ItemReader: { Resource: `${states}s3:getObject`, ReaderConfig: { InputType: "JSONL" }, ...fields({ Bucket: resolved.payloadBucket }, { Key: BATCH_ITEMS_FIELD }) },
        ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" }, StartAt: child.StartAt, States: child.States },
        MaxConcurrency: batch.maxConcurrency,
        ToleratedFailurePercentage: batch.toleratedFailurePercentage,
        // AWS writes `<Prefix>/<map run id>/...`: the prefix is given without its trailing slash.
        ResultWriter: { Resource: `${states}s3:putObject`, ...fields({ Bucket: resolved.payloadBucket, Prefix: resultsPrefix.replace(/\/$/, "") }, {}) },
        End: true,
      },
    },
  };
}

function checkBatchOptions(batch: BatchMapOptions): void {
  const { maxConcurrency, toleratedFailurePercentage, resultsPrefix } = batch;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > DISTRIBUTED_MAP_MAX_CONCURRENCY) {
    throw new DefinitionOptionsError(
      `Invalid batchMaxConcurrency ${String(maxConcurrency)}: expected a whole number from 1 to ${DISTRIBUTED_MAP_MAX_CONCURRENCY}`,
      "batchMaxConcurrency",
    );
  }
  if (typeof toleratedFailurePercentage !== "number" || !(toleratedFailurePercentage >= 0 && toleratedFailurePercentage <= 100)) {
    throw new DefinitionOptionsError(
      `Invalid batchToleratedFailurePercentage ${String(toleratedFailurePercentage)}: expected a number from 0 to 100`,
      "batchToleratedFailurePercentage",
    );
  }
  if (resultsPrefix !== undefined && !/^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*\/$/.test(resultsPrefix)) {
    throw new DefinitionOptionsError(`Invalid resultsPrefix ${JSON.stringify(resultsPrefix)}: expected a key prefix such as "results/"`, "resultsPrefix");
  }
}

/** The S3 key of a batch's items must sit under the input prefix (the only place the role may read). */
export function batchItemsKeyProblem(key: unknown, inputPrefix = DEFAULT_INPUT_PREFIX): string | undefined {
  if (typeof key !== "string" || key === "") return `${BATCH_ITEMS_FIELD} must be the S3 key of a JSONL object, e.g. "${inputPrefix}batch/prompts.jsonl"`;
  if (!key.startsWith(inputPrefix) || key.includes("..")) return `${BATCH_ITEMS_FIELD} '${key}' must start with '${inputPrefix}' (the role reads only there)`;
  return undefined;
}
