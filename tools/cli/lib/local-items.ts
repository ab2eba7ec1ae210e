// `local --items prompts.jsonl`: a batch stack's Distributed Map on the local cloud. The file is uploaded under the
// input prefix (as `invoke --items` would to a deployed bucket), the map runs with a progress line on stderr, and the
// report (one JSON object with --json) says how it ended and where the results are.
import * as fs from "node:fs";
import { BATCH_ITEMS_FIELD } from "../../../src/workflow/batch-map-definition";
import type { CloudStack } from "../../local/cloud/cloud-stack";
import { isDistributedMapDefinition, mapCloudOf, runDistributedMap, uploadItems, type DistributedMapProgress } from "../../local/cloud/distributed-map";
import { startLocalCloud } from "../../local/cloud/local-cloud";
import { readRolePolicyFile } from "../../local/cloud/role-policy-file";
import { newExecutionName } from "../../local/clients/execution-input";
import { UsageError } from "./args";

export interface LocalItemsOptions {
  /** The JSONL file, resolved. */
  items: string;
  json: boolean;
  stdout: (text: string) => void;
  seed?: number;
  route?: string;
  rolePolicyFile?: string;
  timeScale?: number;
  /** Where the progress line goes (stderr by default). */
  progress?: (text: string) => void;
}

export async function runItemsLocally(stack: CloudStack, options: LocalItemsOptions): Promise<number> {
  if (!isDistributedMapDefinition(stack.definition)) {
    throw new UsageError("--items needs a batch stack: set --config bedrock-sfn:batch=map (the workflow is then a Distributed Map over a JSONL file)");
  }
  if (!fs.existsSync(options.items) || !fs.statSync(options.items).isFile()) throw new UsageError(`--items '${options.items}': no such file`);
  const cloud = await startLocalCloud({
    stack,
    rolePolicies: options.rolePolicyFile ? [readRolePolicyFile(options.rolePolicyFile)] : undefined,
    seed: options.seed,
    route: options.route,
    // A map of 100,000 items keeps no per-call record in memory.
    recordCalls: false,
  });
  const progress = options.progress ?? ((text: string) => void process.stderr.write(text));
  const tty = process.stderr.isTTY === true;
  const line = (p: DistributedMapProgress) => `${p.done} done, ${p.failed} failed, ${p.rate.toFixed(1)} items/s`;
  try {
    const executionName = newExecutionName("batch");
    const key = `input/batch/${executionName}.jsonl`;
    await uploadItems(cloud.s3Client, stack.payloadBucket, key, options.items);
    const report = await runDistributedMap(mapCloudOf(cloud), {
      definition: stack.definition,
      input: { [BATCH_ITEMS_FIELD]: key },
      stateMachineArn: stack.stateMachineArn,
      executionName,
      timeScale: options.timeScale,
      onProgress: (p) => progress(tty ? `\r${line(p)}` : `${line(p)}\n`),
    });
    if (tty) progress("\n");
    if (options.json) {
      options.stdout(`${JSON.stringify(report)}\n`);
    } else {
      const lines = [
        `local batch of stack (${stack.queryLanguage}) as ${options.rolePolicyFile ? `the role policy in ${options.rolePolicyFile}` : `the stack's role ${stack.roleArn}`}`,
        `${report.status}: ${report.items} items, ${report.succeeded} succeeded, ${report.failed} failed in ${report.seconds.toFixed(1)} s`,
        ...Object.entries(report.errors).map(([error, count]) => `  ${error}: ${count}`),
        ...(report.error ? [`error: ${report.error}`, `cause: ${report.cause}`] : []),
        ...(report.resultsS3Uri ? [`results: ${report.resultsS3Uri} (on the local S3 stand-in, gone when this command ends)`] : []),
      ];
      options.stdout(`${lines.join("\n")}\n`);
    }
    return report.status === "SUCCEEDED" ? 0 : 1;
  } finally {
    await cloud.close();
  }
}
