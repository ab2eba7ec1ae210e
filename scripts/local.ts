// npm run local: run the stack's workflow once, offline, against local Bedrock and S3 stand-ins.
import { InputError, readExecutionInput } from "../local/execution-input";
import { runLocalExecution } from "../local/local-run";
import { localStackFrom } from "../local/local-stack";
import { readMockTasks } from "../local/mock-tasks";
import { jsonDocument, readableReport } from "../local/report";
import { parseCommonArgs, runCli, UsageError } from "./lib/args";
import { synthesize } from "./lib/synth";

const USAGE =
  "npm run local -- --stack <name> [--config <key>=<value>]... (--prompt <text> | --input-file <path>) [--output-to-s3] [--mock-task <State>=<output.json>]... [--json]\n" +
  "  --input-file: a .json file is a whole execution input ({prompt|body|inputS3Uri, system?, outputToS3?}; with bedrock-sfn:definitionFile, any JSON); any other file is the prompt text\n" +
  "  --mock-task: the result a named Task state returns instead of calling its resource (for tasks the local runners do not serve)";

export interface LocalDependencies {
  stdout?: (text: string) => void;
  /** Shrinks retry backoff and timeouts (tests); real time by default. */
  timeScale?: number;
}

export async function main(argv: string[] = process.argv.slice(2), deps: LocalDependencies = {}): Promise<number> {
  const stdout = deps.stdout ?? ((text: string) => void process.stdout.write(text));
  const args = parseCommonArgs(
    argv,
    { prompt: { type: "string", short: "p" }, "input-file": { type: "string", short: "f" }, "output-to-s3": { type: "boolean", default: false }, "mock-task": { type: "string", multiple: true } },
    USAGE,
  );
  const stack = localStackFrom(await synthesize({ stack: args.stack, overrides: args.overrides }));
  let input;
  let mockTasks;
  try {
    input = readExecutionInput({
      prompt: args.values.prompt as string | undefined,
      inputFile: args.values["input-file"] as string | undefined,
      outputToS3: args.values["output-to-s3"] === true,
      anyJson: stack.ownDefinition,
    });
    mockTasks = readMockTasks((args.values["mock-task"] as string[] | undefined) ?? []);
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(`${error.message}\nusage: ${USAGE}`);
    throw error;
  }

  const report = await runLocalExecution(stack, { input, timeScale: deps.timeScale, mockTasks });

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
