// npm run invoke: run a deployed stack's state machine once and print the answer (or the error and its cause).
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { readSettings } from "../config/settings";
import { InputError, newExecutionName, readExecutionInput } from "../local/execution-input";
import { familyForModel } from "../bedrock/families";
import { jsonDocument, readableReport } from "../local/report";
import { invokeDeployed, type InvokeReport } from "./invoke/execute";
import { terminalProgress } from "./invoke/progress";
import { readOutputsFile, readOutputsWithAutomation, StackOutputsError } from "./invoke/stack-outputs";
import { parseCommonArgs, runCli, UsageError } from "./lib/args";
import { PROJECT_DIR, stackConfig } from "./lib/synth";

const USAGE =
  "npm run invoke -- --stack <name> (--prompt <text> | --input-file <path>) [--output-to-s3] [--outputs-file <path>] [--json]\n" +
  "  --input-file: a .json file is a whole execution input ({prompt|body|inputS3Uri, system?, outputToS3?}); any other file is the prompt text\n" +
  "  --outputs-file: the stack outputs as 'pulumi stack output --json' prints them (otherwise read through the Pulumi CLI)";

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
    },
    USAGE,
  );
  const stdout = deps.stdout ?? ((text: string) => void process.stdout.write(text));
  // The stack file gives what the outputs do not: maxTokens, temperature, system prompt, a definition of your own.
  const config = stackConfig(args.stack, args.overrides);
  const settings = readSettings((key) => config[key]);
  const ownDefinition = !!settings.definitionFile;
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
      generation: { family, maxTokens: settings.maxTokens, temperature: settings.temperature, systemPrompt: settings.systemPrompt },
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

/**
 * True when the SDK is pointed at another endpoint (AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL, e.g. `npm run
 * serve`). StartSyncExecution's `sync-` host prefix would turn `127.0.0.1` into an unresolvable host, so it is
 * dropped there, as AWS's own CLI does for custom endpoints.
 */
export function endpointOverridden(serviceId: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === "true") return false;
  return Boolean(env[`AWS_ENDPOINT_URL_${serviceId}`] || env.AWS_ENDPOINT_URL);
}

function asUsageError<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof InputError || error instanceof StackOutputsError) throw new UsageError(`${error.message}\nusage: ${USAGE}`);
    throw error;
  }
}

if (require.main === module) runCli(() => main());
