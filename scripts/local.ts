// npm run local: run the stack's workflow once, offline, against local Bedrock and S3 stand-ins.
import { InputError, readExecutionInput } from "../local/execution-input";
import { runLocalExecution } from "../local/local-run";
import { localStackFrom } from "../local/local-stack";
import { jsonDocument, readableReport } from "../local/report";
import { parseCommonArgs, runCli, UsageError, writeNotes } from "./lib/args";
import { synthesize } from "./lib/synth";

const USAGE =
  "bedrock-sfn local --stack <name> [--config <key>=<value>]... (--prompt <text> | --input-file <path>) [--output-to-s3] [--json]   (also: npm run local -- ...)\n" +
  "  Runs the stack's exact definition once, offline, against local Bedrock and S3 stand-ins on 127.0.0.1.\n" +
  "  --stack, -s <name>       the stack (Pulumi.<name>.yaml); --config, -c <key>=<value> overrides one key (repeatable)\n" +
  "  --prompt, -p <text>      the prompt\n" +
  "  --input-file, -f <path>  a .json file is a whole execution input ({prompt|body|inputS3Uri, system?, outputToS3?}); any other\n" +
  "                           file is the prompt text. Relative to the folder you run from; at most 25,000,000 bytes (InvokeModel's limit)\n" +
  "  --output-to-s3           have the workflow write the response to the payload bucket\n" +
  "  --json                   {status, output, states} on stdout; --help, -h: this help\n" +
  "  Exit 0 when the execution succeeded, 1 when it failed, 2 on bad usage or config.";

export interface LocalDependencies {
  stdout?: (text: string) => void;
  /** Shrinks retry backoff and timeouts (tests); real time by default. */
  timeScale?: number;
}

export async function main(argv: string[] = process.argv.slice(2), deps: LocalDependencies = {}): Promise<number> {
  const stdout = deps.stdout ?? ((text: string) => void process.stdout.write(text));
  const args = parseCommonArgs(
    argv,
    { prompt: { type: "string", short: "p" }, "input-file": { type: "string", short: "f" }, "output-to-s3": { type: "boolean", default: false } },
    USAGE,
  );
  let input;
  try {
    input = readExecutionInput({
      prompt: args.values.prompt as string | undefined,
      inputFile: args.values["input-file"] as string | undefined,
      outputToS3: args.values["output-to-s3"] === true,
    });
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(`${error.message}\nusage: ${USAGE.split("\n")[0]} (--help for more)`);
    throw error;
  }

  const synth = await synthesize({ stack: args.stack, overrides: args.overrides });
  writeNotes(synth.notes ?? []);
  const stack = localStackFrom(synth);
  const report = await runLocalExecution(stack, { input, timeScale: deps.timeScale });

  if (args.json) {
    stdout(`${JSON.stringify(jsonDocument(report))}\n`);
  } else {
    const heading = [`local run of stack '${args.stack}' (${stack.queryLanguage}), execution ${report.executionName}`];
    if (report.inputS3Uri) heading.push(`input: ${report.uploadedBytes} bytes moved to ${report.inputS3Uri} (over the 256 KB execution input limit)`);
    heading.push(`Bedrock stand-in calls: ${report.bedrockCalls}`);
    stdout(`${readableReport(report, heading)}\n`);
  }
  return report.status === "SUCCEEDED" ? 0 : 1;
}

if (require.main === module) runCli(() => main());
