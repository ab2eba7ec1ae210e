// npm run invoke: run a deployed stack's state machine once and print the answer (or the error and its cause).
import * as fs from "node:fs";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { readSettings } from "../../stack/settings";
import { generationOf } from "../../stack/check";
import { InputError, newExecutionName, readExecutionInput } from "../local/clients/execution-input";
import { familyForModel } from "../../src/bedrock/families";
import { jsonDocument, readableReport } from "../local/clients/report";
import { invokeDeployed, type InvokeReport } from "./invoke/execute";
import { invokeItems } from "./invoke/items";
import { terminalProgress } from "./invoke/progress";
import { readOutputsFile, readOutputsWithAutomation, StackOutputsError } from "./invoke/stack-outputs";
import { parseCommonArgs, resolveUserPath, runCli, UsageError, writeNotes } from "./lib/args";
import { PROJECT_DIR, SECRET_PLACEHOLDER, stackConfig } from "./lib/synth";

const USAGE =
  "bedrock-sfn invoke --stack <name> (--prompt <text> | --input-file <path> | --items <file.jsonl>) [--output-to-s3] [--outputs-file <path>] [--json]   (also: npm run invoke -- ...)\n" +
  "  Runs the deployed state machine once (AWS credentials from the standard chain) and prints the answer.\n" +
  "  --stack, -s <name>       the deployed stack; its Pulumi.<name>.yaml gives maxTokens, temperature and system prompt\n" +
  "  --prompt, -p <text>      the prompt\n" +
  "  --input-file, -f <path>  a .json file is a whole execution input ({prompt|body|inputS3Uri, system?, outputToS3?}); any other\n" +
  "                           file is the prompt text. Relative to the folder you run from; at most 25,000,000 bytes (InvokeModel's limit)\n" +
  "  --outputs-file <path>    the stack outputs as 'pulumi stack output --json' printed them (otherwise read through the Pulumi CLI)\n" +
  "  --output-to-s3           have the workflow write the response to the payload bucket\n" +
  "  --items <file.jsonl>     a batch stack (bedrock-sfn:batch=map): upload the file, run the Distributed Map over it, count the results\n" +
  "  --json                   one JSON document on stdout; --help, -h: this help\n" +
  "  Exit 0 when the execution succeeded, 1 when it failed, 2 on bad usage or config.";

export interface InvokeDependencies {
  /** Clients for the stack's Region; by default real ones using the standard AWS credential chain. */
  sfn?: SFNClient;
  s3?: S3Client;
  stdout?: (text: string) => void;
}

export async function main(argv: string[] = process.argv.slice(2), deps: InvokeDependencies = {}): Promise<number> {
  const args = parseCommonArgs(
    argv,
    {
      prompt: { type: "string", short: "p" },
      "input-file": { type: "string", short: "f" },
      "output-to-s3": { type: "boolean", default: false },
      "outputs-file": { type: "string" },
      items: { type: "string" },
    },
    USAGE,
  );
  const stdout = deps.stdout ?? ((text: string) => void process.stdout.write(text));
  // The stack file gives what the outputs do not: maxTokens, temperature, system prompt, a definition of your own.
  const notes: string[] = [];
  const config = stackConfig(args.stack, args.overrides, PROJECT_DIR, notes);
  writeNotes(notes);
  const settings = readSettings((key) => config[key]);
  const ownDefinition = !!settings.definitionFile;
  if (args.values.items !== undefined) return mainItems(args.stack, args.values.items as string, args.values["outputs-file"] as string | undefined, args.json, deps, stdout);
  const input = asUsageError(() =>
    readExecutionInput({
      prompt: args.values.prompt as string | undefined,
      inputFile: args.values["input-file"] as string | undefined,
      outputToS3: args.values["output-to-s3"] === true,
      anyJson: ownDefinition,
    }),
  );
  const outputsFile = args.values["outputs-file"] as string | undefined;
  // A bad outputs file is bad input (exit 2); a missing Pulumi CLI is reported as it is (exit 1).
  const stack = outputsFile ? asUsageError(() => readOutputsFile(outputsFile)) : await readOutputsWithAutomation(args.stack, PROJECT_DIR);
  // The deployed model family comes from the outputs (it may have been learnt from AWS at deploy time).
  const family = stack.modelFamily ?? (ownDefinition ? "anthropic" : familyForModel(settings));

  const sfn = deps.sfn ?? new SFNClient({ region: stack.region, ...(endpointOverridden("SFN") ? { disableHostPrefix: true } : {}) });
  const s3 = deps.s3 ?? new S3Client({ region: stack.region });
  let report: InvokeReport;
  try {
    report = await invokeDeployed({
      sfn,
      s3,
      stack,
      input,
      executionName: newExecutionName("invoke"),
      ownDefinition,
      generation: { family, ...generationOf(settings), systemPrompt: offlineSystemPrompt(settings.systemPrompt) },
      progress: terminalProgress(),
    });
  } finally {
    if (!deps.sfn) sfn.destroy();
    if (!deps.s3) s3.destroy();
  }

  const succeeded = report.status === "SUCCEEDED";
  const run = {
    status: succeeded ? ("SUCCEEDED" as const) : ("FAILED" as const),
    output: report.output,
    response: report.response,
    ...(succeeded ? {} : { error: report.error ?? report.status, cause: report.cause ?? `the execution ended with status ${report.status}` }),
  };
  if (args.json) {
    stdout(`${JSON.stringify({ ...jsonDocument(run), executionStatus: report.status, executionArn: report.executionArn ?? null })}\n`);
  } else {
    const heading = [`execution ${report.executionArn ?? "(no ARN)"} of ${stack.stateMachineArn} (${stack.workflowType})`];
    if (report.inputS3Uri) heading.push(`input: ${report.uploadedBytes} bytes uploaded to ${report.inputS3Uri} (over the 256 KB execution input limit)`);
    if (!succeeded && report.status !== "FAILED") heading.push(`execution status: ${report.status}`);
    stdout(`${readableReport(run, heading)}\n`);
  }
  return succeeded ? 0 : 1;
}

/** `--items`: the batch's one execution, its progress on stderr, one report (a JSON object with --json). */
async function mainItems(
  stackName: string,
  items: string,
  outputsFile: string | undefined,
  json: boolean,
  deps: InvokeDependencies,
  stdout: (text: string) => void,
): Promise<number> {
  const file = resolveUserPath(items);
  if (!fs.existsSync(file)) throw new UsageError(`--items '${items}': no such file`);
  const stack = outputsFile ? asUsageError(() => readOutputsFile(outputsFile)) : await readOutputsWithAutomation(stackName, PROJECT_DIR);
  const sfn = deps.sfn ?? new SFNClient({ region: stack.region });
  // A served stack's S3 (s3rver) keeps a streamed aws-chunked body as it is: send it plain there.
  const s3 = deps.s3 ?? new S3Client({ region: stack.region, ...(endpointOverridden("S3") ? { requestChecksumCalculation: "WHEN_REQUIRED" as const } : {}) });
  try {
    const report = await invokeItems({
      sfn,
      s3,
      stack,
      file,
      executionName: newExecutionName("batch"),
      pollMs: endpointOverridden("SFN") ? 100 : 2000,
      progress: (line) => void process.stderr.write(`${line}\n`),
    });
    stdout(
      json
        ? `${JSON.stringify(report)}\n`
        : `${[`execution ${report.executionArn} of ${stack.stateMachineArn}: ${report.status}`, `${report.items} items, ${report.succeeded} succeeded, ${report.failed} failed`, ...(report.resultsS3Uri ? [`results: ${report.resultsS3Uri}`] : []), ...(report.error ? [`error: ${report.error}`, `cause: ${report.cause}`] : [])].join("\n")}\n`,
    );
    return report.status === "SUCCEEDED" ? 0 : 1;
  } finally {
    if (!deps.sfn) sfn.destroy();
    if (!deps.s3) s3.destroy();
  }
}

/**
 * True when the SDK is pointed at another endpoint (AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL, e.g. `npm run
 * serve`). StartSyncExecution's `sync-` host prefix would turn `127.0.0.1` into an unresolvable host, so it is
 * dropped there, as AWS's own CLI does for custom endpoints.
 */
export function endpointOverridden(serviceId: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === "true") return false;
  return Boolean(env[`AWS_ENDPOINT_URL_${serviceId}`] || env.AWS_ENDPOINT_URL);
}

// A secret system prompt is only in the deployed definition; a body this command builds for S3 goes without it.
function offlineSystemPrompt(systemPrompt: string | undefined): string | undefined {
  if (systemPrompt !== SECRET_PLACEHOLDER) return systemPrompt;
  writeNotes(["note: a prompt over 256 KB is moved to S3 as a request body without the secret system prompt; give it in a .json input's body"]);
  return undefined;
}

function asUsageError<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof InputError || error instanceof StackOutputsError) throw new UsageError(`${error.message}\nusage: ${USAGE.split("\n")[0]} (--help for more)`);
    throw error;
  }
}

if (require.main === module) runCli(() => main());
