// `invoke --items prompts.jsonl` against a deployed (or served) batch stack: upload the file under the input prefix,
// StartExecution with its key, report progress from the Map Run (ListMapRuns, DescribeMapRun) while it runs, then read
// the ResultWriter manifest and count the results.
import * as fs from "node:fs";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { DescribeExecutionCommand, DescribeMapRunCommand, ListMapRunsCommand, StartExecutionCommand, type SFNClient } from "@aws-sdk/client-sfn";
import { BATCH_ITEMS_FIELD } from "../../../src/workflow/batch-map-definition";
import { DEFAULT_RESULTS_PREFIX } from "../../../src/workflow/contract";
import type { DeployedStack } from "./stack-outputs";

export interface ItemsReport {
  status: string;
  executionArn?: string;
  items: number;
  succeeded: number;
  failed: number;
  resultsS3Uri?: string;
  error?: string;
  cause?: string;
}

export interface InvokeItemsOptions {
  sfn: SFNClient;
  s3: S3Client;
  stack: DeployedStack;
  file: string;
  executionName: string;
  /** Between DescribeExecution polls (default 2 s). */
  pollMs?: number;
  progress?: (line: string) => void;
}

export async function invokeItems(options: InvokeItemsOptions): Promise<ItemsReport> {
  const { sfn, s3, stack } = options;
  const key = `input/batch/${options.executionName}.jsonl`;
  const size = fs.statSync(options.file).size;
  await s3.send(new PutObjectCommand({ Bucket: stack.payloadBucketName, Key: key, Body: fs.createReadStream(options.file), ContentLength: size }));
  const started = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: stack.stateMachineArn, name: options.executionName, input: JSON.stringify({ [BATCH_ITEMS_FIELD]: key }) }),
  );
  const executionArn = started.executionArn!;
  let described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  let mapRunArn: string | undefined;
  while (described.status === "RUNNING") {
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2000));
    try {
      mapRunArn ??= (await sfn.send(new ListMapRunsCommand({ executionArn }))).mapRuns?.[0]?.mapRunArn;
      if (mapRunArn) {
        const counts = (await sfn.send(new DescribeMapRunCommand({ mapRunArn }))).itemCounts;
        if (counts) options.progress?.(`${(counts.succeeded ?? 0) + (counts.failed ?? 0)} of ${counts.total ?? "?"} done, ${counts.failed ?? 0} failed`);
      }
    } catch {
      // An endpoint without Map Run calls (the local one): no counts while it runs, the result says them.
    }
    described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  }
  const base = { status: described.status ?? "UNKNOWN", executionArn, items: 0, succeeded: 0, failed: 0 };
  const output = described.output ? (JSON.parse(described.output) as { ResultWriterDetails?: { Bucket: string; Key: string } }) : undefined;
  // A failed batch has no output, but AWS still writes its results: under results/<map run id>/ (the ARN's last part).
  const details =
    output?.ResultWriterDetails ?? (mapRunArn ? { Bucket: stack.payloadBucketName, Key: `${DEFAULT_RESULTS_PREFIX}${mapRunArn.split(":").pop()}/manifest.json` } : undefined);
  if (!details) return { ...base, error: described.error, cause: described.cause };
  const read = async (k: string) => JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: details.Bucket, Key: k }))).Body!.transformToString()) as unknown;
  const manifest = (await read(details.Key)) as { ResultFiles?: Record<string, { Key: string }[]> };
  const count = async (status: string) => {
    let n = 0;
    for (const file of manifest.ResultFiles?.[status] ?? []) n += ((await read(file.Key)) as unknown[]).length;
    return n;
  };
  const [succeeded, failed] = [await count("SUCCEEDED"), await count("FAILED")];
  return { ...base, items: succeeded + failed, succeeded, failed, resultsS3Uri: `s3://${details.Bucket}/${details.Key}`, error: described.error, cause: described.cause };
}
