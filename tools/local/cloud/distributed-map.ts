// A Distributed Map on the local cloud, as Step Functions runs one (docs/batch.md cites AWS's pages): the ItemReader's
// JSONL object is streamed from the S3 stand-in line by line (never read whole), each line runs as an EXPRESS child
// execution of the ItemProcessor on the same cloud (so every Bedrock and S3 call is routed and authorised for the role),
// at most MaxConcurrency at once; ToleratedFailurePercentage decides the outcome; ResultWriter's manifest.json and
// SUCCEEDED_n.json / FAILED_n.json go back to the S3 stand-in through the role's client. Results are spooled to a
// temporary file, so memory stays flat however many items there are.

import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import type { Readable } from "node:stream";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { AnyStateDefinition, AnyStateMachine } from "../../../src/workflow/asl";
import { jsonataExpressionOf } from "../../../src/workflow/asl";
import { DISTRIBUTED_MAP_MAX_CONCURRENCY } from "../../../src/workflow/batch-map-definition";
import { queryLanguageOf } from "../../../src/workflow/walk";
import { readDefinition } from "../runners/read-definition";
import { evaluateRequired } from "../runners/state-field-jsonata";
import type { WorkflowRun } from "../runners/execution";
import type { RunWorkflowOptions } from "../runners/run-workflow";
import { accessDeniedMessage, type ExecutionRole } from "./execution-role";

/** What the map needs of the local cloud: the role, its S3 client, and a way to run one child execution. */
export interface MapCloud {
  role: ExecutionRole;
  /** S3 as the execution role (authorised by the S3 front door). */
  roleS3: S3Client;
  run(options: Omit<RunWorkflowOptions, "bedrock" | "s3">): Promise<WorkflowRun>;
}

export interface DistributedMapProgress {
  done: number;
  succeeded: number;
  failed: number;
  /** Items finished per second since the map started. */
  rate: number;
}

export interface DistributedMapOptions {
  /** The parent definition: its StartAt state is a Distributed Map. */
  definition: string | object;
  /** The parent execution's input. */
  input: unknown;
  stateMachineArn: string;
  executionName: string;
  timeScale?: number;
  onProgress?: (progress: DistributedMapProgress) => void;
  /** Milliseconds between progress reports (default 500). */
  progressEveryMs?: number;
}

export interface DistributedMapReport {
  status: "SUCCEEDED" | "FAILED";
  error?: string;
  cause?: string;
  /** The parent's output: ResultWriter's `{MapRunArn, ResultWriterDetails: {Bucket, Key}}`. */
  output?: unknown;
  mapRunArn: string;
  items: number;
  succeeded: number;
  failed: number;
  /** Error name -> children that ended with it. */
  errors: Record<string, number>;
  /** s3:// URI of manifest.json, when the results were written. */
  resultsS3Uri?: string;
  /** Child executions running at once, at most. */
  peakConcurrency: number;
  seconds: number;
}

/** Step Functions' error when more items failed than ToleratedFailurePercentage allows. */
export const TOLERATED_FAILURE_ERROR = "States.ExceedToleratedFailureThreshold";

/** Is this definition's first state a Distributed Map (one the local cloud must run through this module)? */
export function isDistributedMapDefinition(definition: string | object): boolean {
  const machine = readDefinition(definition);
  const first = machine.States[machine.StartAt];
  return first?.Type === "Map" && (first.ItemReader !== undefined || (first.ItemProcessor as { ProcessorConfig?: { Mode?: string } })?.ProcessorConfig?.Mode === "DISTRIBUTED");
}

export async function runDistributedMap(cloud: MapCloud, options: DistributedMapOptions): Promise<DistributedMapReport> {
  const machine = readDefinition(options.definition);
  const name = machine.StartAt;
  const state = machine.States[name];
  const language = queryLanguageOf(machine);
  const started = Date.now();
  const [, partition, region, account, stateMachineName] = /^arn:([^:]+):states:([^:]+):([^:]+):stateMachine:(.+)$/.exec(options.stateMachineArn) ?? [];
  const mapRunId = randomUUID();
  const mapRunArn = `arn:${partition}:states:${region}:${account}:mapRun:${stateMachineName}/${options.executionName}:${mapRunId}`;
  const counts = { items: 0, succeeded: 0, failed: 0, running: 0, peak: 0 };
  const errors: Record<string, number> = {};
  const report = (extra: Partial<DistributedMapReport>): DistributedMapReport => ({
    status: "FAILED",
    mapRunArn,
    items: counts.items,
    succeeded: counts.succeeded,
    failed: counts.failed,
    errors,
    peakConcurrency: counts.peak,
    seconds: (Date.now() - started) / 1000,
    ...extra,
  });

  const processor = state.ItemProcessor as (Partial<AnyStateMachine> & { ProcessorConfig?: { ExecutionType?: string } }) | undefined;
  if (!processor || typeof processor.StartAt !== "string" || !processor.States) {
    return report({ error: "States.Runtime", cause: `Map '${name}' has no ItemProcessor with StartAt and States` });
  }
  const child: AnyStateMachine = { QueryLanguage: language, StartAt: processor.StartAt, States: processor.States as AnyStateMachine["States"] };
  const maxConcurrency = numberField(state.MaxConcurrency, 0);
  // 0 (or none) means no limit of the user's; AWS then runs up to 10,000 children at once.
  const limit = maxConcurrency > 0 ? Math.min(maxConcurrency, DISTRIBUTED_MAP_MAX_CONCURRENCY) : DISTRIBUTED_MAP_MAX_CONCURRENCY;
  const tolerated = numberField(state.ToleratedFailurePercentage, 0);

  // The map starts child executions of its own state machine: the role must allow it (AWS checks before the first).
  const start = { action: "states:StartExecution", resource: options.stateMachineArn };
  const decision = cloud.role.decide(start);
  if (!decision.allowed) return report({ error: "States.Runtime", cause: accessDeniedMessage(cloud.role, start, decision) });

  let reader: { Bucket: string; Key: string };
  let writer: { Bucket: string; Prefix: string } | undefined;
  let lines: readline.Interface;
  try {
    reader = (await fieldsOf(state.ItemReader, language, options.input, `${name}.ItemReader`)) as typeof reader;
    writer = state.ResultWriter === undefined ? undefined : ((await fieldsOf(state.ResultWriter, language, options.input, `${name}.ResultWriter`)) as typeof writer);
    const object = await cloud.roleS3.send(new GetObjectCommand({ Bucket: reader.Bucket, Key: reader.Key }));
    lines = readline.createInterface({ input: object.Body as Readable, crlfDelay: Number.POSITIVE_INFINITY });
  } catch (error) {
    return report({ error: "States.ItemReaderFailed", cause: errorText(error) });
  }

  const spool = new ResultSpool();
  const progress = setInterval(() => options.onProgress?.(progressOf(counts, started)), options.progressEveryMs ?? 500);
  const inFlight = new Set<Promise<void>>();
  // One waiter for a free slot (not a race over every child in flight: that would attach a handler to each, per item).
  let wake: (() => void) | undefined;
  let readerFailure: string | undefined;
  try {
    let index = 0;
    for await (const line of lines) {
      if (line.trim() === "") continue;
      let item: unknown;
      try {
        item = JSON.parse(line);
      } catch {
        readerFailure = `line ${index + 1} of s3://${reader.Bucket}/${reader.Key} is not JSON: ${line.slice(0, 80)}`;
        break;
      }
      // Backpressure: the reader waits for a free slot, so at most `limit` items are held at once.
      while (counts.running >= limit) await new Promise<void>((resolve) => (wake = resolve));
      const childName = `${options.executionName}-${index++}`;
      counts.items++;
      counts.running++;
      counts.peak = Math.max(counts.peak, counts.running);
      const startDate = new Date().toISOString();
      const task: Promise<void> = cloud
        .run({ definition: child, input: item, executionName: childName, workflowType: "EXPRESS", timeScale: options.timeScale })
        .catch((error): WorkflowRun => ({ status: "FAILED", error: "States.Runtime", cause: errorText(error), states: [] }))
        .then((run) => {
          if (run.status === "SUCCEEDED") counts.succeeded++;
          else {
            counts.failed++;
            const error = run.error ?? "unknown";
            errors[error] = (errors[error] ?? 0) + 1;
          }
          spool.add(run.status, {
            ExecutionArn: `arn:${partition}:states:${region}:${account}:express:${stateMachineName}/${options.executionName}:${childName}`,
            Input: JSON.stringify(item),
            InputDetails: { Included: true },
            Name: childName,
            StartDate: startDate,
            StateMachineArn: options.stateMachineArn,
            Status: run.status,
            StopDate: new Date().toISOString(),
            ...(run.status === "SUCCEEDED" ? { Output: JSON.stringify(run.output), OutputDetails: { Included: true } } : { Error: run.error, Cause: run.cause }),
          });
        })
        .finally(() => {
          counts.running--;
          inFlight.delete(task);
          const waiting = wake;
          wake = undefined;
          waiting?.();
        });
      inFlight.add(task);
    }
    await Promise.all(inFlight);
  } finally {
    clearInterval(progress);
    lines.close();
  }
  options.onProgress?.(progressOf(counts, started));

  let resultsS3Uri: string | undefined;
  let output: unknown;
  try {
    if (writer) {
      const key = await spool.write(cloud.roleS3, writer.Bucket, `${writer.Prefix.replace(/\/$/, "")}/${mapRunId}`, mapRunArn);
      resultsS3Uri = `s3://${writer.Bucket}/${key}`;
      output = { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: writer.Bucket, Key: key } };
    }
  } catch (error) {
    return report({ error: "States.ResultWriterFailed", cause: errorText(error) });
  } finally {
    spool.dispose();
  }
  if (readerFailure) return report({ error: "States.ItemReaderFailed", cause: readerFailure, resultsS3Uri });
  // AWS: the Map Run fails when the failed share exceeds the tolerated percentage (0: any failure).
  if (counts.items > 0 && (counts.failed / counts.items) * 100 > tolerated) {
    return report({
      error: TOLERATED_FAILURE_ERROR,
      cause: `${counts.failed} of ${counts.items} items failed (${((counts.failed / counts.items) * 100).toFixed(2)}%), over the tolerated ${tolerated}%`,
      resultsS3Uri,
    });
  }
  return report({ status: "SUCCEEDED", output: output ?? [], resultsS3Uri });
}

function progressOf(counts: { succeeded: number; failed: number }, started: number): DistributedMapProgress {
  const done = counts.succeeded + counts.failed;
  const seconds = Math.max((Date.now() - started) / 1000, 0.001);
  return { done, succeeded: counts.succeeded, failed: counts.failed, rate: done / seconds };
}

function numberField(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

/** An ItemReader's or ResultWriter's Arguments (JSONata) or Parameters (JSONPath, `Key.$` paths), evaluated on the input. */
async function fieldsOf(field: unknown, language: "JSONata" | "JSONPath", input: unknown, where: string): Promise<Record<string, string>> {
  const spec = (field ?? {}) as AnyStateDefinition;
  const source = (language === "JSONata" ? spec.Arguments : spec.Parameters) as Record<string, unknown> | undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(source ?? {})) {
    if (language === "JSONata" && typeof value === "string" && jsonataExpressionOf(value) !== undefined) {
      out[key] = String(await evaluateRequired(value, { states: { input, context: {} } }, `${where}.Arguments.${key}`));
    } else if (key.endsWith(".$") && typeof value === "string") {
      out[key.slice(0, -2)] = String(readPath(input, value, `${where}.Parameters.${key}`));
    } else {
      out[key] = String(value);
    }
  }
  return out;
}

/** A plain `$.a.b` path (what the batch definition writes); anything fancier is refused by name. */
function readPath(input: unknown, jsonPath: string, where: string): unknown {
  if (!/^\$(\.[A-Za-z0-9_]+)+$/.test(jsonPath)) throw new Error(`${where}: the local Distributed Map reads plain paths such as $.itemsKey, not '${jsonPath}'`);
  let value: unknown = input;
  for (const part of jsonPath.split(".").slice(1)) value = value && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
  if (value === undefined) throw new Error(`${where}: '${jsonPath}' is not in the execution input`);
  return value;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Child results, appended to one temporary JSON-array file per status as they finish. */
class ResultSpool {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-map-"));
  private readonly files = new Map<string, { fd: number; count: number }>();

  add(status: string, record: Record<string, unknown>): void {
    let file = this.files.get(status);
    if (!file) {
      file = { fd: fs.openSync(path.join(this.dir, status), "w"), count: 0 };
      fs.writeSync(file.fd, "[");
      this.files.set(status, file);
    }
    fs.writeSync(file.fd, `${file.count++ > 0 ? "," : ""}${JSON.stringify(record)}`);
  }

  /** SUCCEEDED_0.json / FAILED_0.json and manifest.json under `prefix`; returns the manifest's key. */
  async write(s3: S3Client, bucket: string, prefix: string, mapRunArn: string): Promise<string> {
    const resultFiles: Record<string, { Key: string; Size: number }[]> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
    for (const [status, file] of this.files) {
      fs.writeSync(file.fd, "]");
      fs.closeSync(file.fd);
      file.fd = -1;
      const local = path.join(this.dir, status);
      const size = fs.statSync(local).size;
      const key = `${prefix}/${status}_0.json`;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: fs.createReadStream(local), ContentLength: size, ContentType: "application/json" }));
      resultFiles[status] = [...(resultFiles[status] ?? []), { Key: key, Size: size }];
    }
    this.files.clear();
    const manifestKey = `${prefix}/manifest.json`;
    const manifest = { DestinationBucket: bucket, MapRunArn: mapRunArn, ResultFiles: resultFiles };
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: manifestKey, Body: JSON.stringify(manifest), ContentType: "application/json" }));
    return manifestKey;
  }

  dispose(): void {
    for (const file of this.files.values()) if (file.fd >= 0) fs.closeSync(file.fd);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Puts a local JSONL file where the batch reads it (streamed, as the user's own upload would be). */
export async function uploadItems(s3: S3Client, bucket: string, key: string, file: string): Promise<void> {
  const size = fs.statSync(file).size;
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: fs.createReadStream(file), ContentLength: size, ContentType: "application/x-ndjson" }));
}

/** The map's view of a local cloud: its role, the role's S3 client and its runs. */
export function mapCloudOf(cloud: { role: ExecutionRole; roleS3Client: S3Client; run: MapCloud["run"] }): MapCloud {
  return { role: cloud.role, roleS3: cloud.roleS3Client, run: cloud.run };
}

/** A served batch stack's execution: the map, reported in a single run's fields (the Step Functions endpoint's view). */
export async function runMapAsWorkflow(cloud: MapCloud, options: DistributedMapOptions): Promise<WorkflowRun> {
  const report = await runDistributedMap(cloud, options);
  const name = readDefinition(options.definition).StartAt;
  return report.status === "SUCCEEDED"
    ? { status: "SUCCEEDED", output: report.output, states: [name] }
    : { status: "FAILED", error: report.error, cause: report.cause, states: [name] };
}
