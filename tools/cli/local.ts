// npm run local: run the stack's workflow offline against the local cloud (Bedrock and S3 stand-ins that route and
// authorise every call as AWS would for the execution role): once, or as a batch with --runs.
import { InputError, readExecutionInput } from "../local/clients/execution-input";
import { runLocalExecution } from "../local/clients/local-run";
import { runBatch, DEFAULT_CONCURRENCY, type BatchSummary } from "../local/cloud/batch";
import { cloudStackFrom } from "../local/cloud/cloud-stack";
import { startLocalCloud, type LocalCloud } from "../local/cloud/local-cloud";
import { readRolePolicyFile } from "../local/cloud/role-policy-file";
import { readMockTasks } from "../local/clients/mock-tasks";
import { jsonDocument, readableReport } from "../local/clients/report";
import { parseCommonArgs, resolveUserPath, runCli, UsageError, writeNotes } from "./lib/args";
import { synthesize } from "./lib/synth";
import { wholeNumberFlag } from "./lib/whole-number";
import { clip, summariseList } from "../../src/bedrock/text";
import { readDefinition } from "../local/runners/read-definition";
import { walkStates } from "../../src/workflow/walk";
import { runItemsLocally } from "./lib/local-items";
import { isDistributedMapDefinition } from "../local/cloud/distributed-map";

const USAGE =
  "bedrock-sfn local --stack <name> [--config <key>=<value>]... (--prompt <text> | --input-file <path> | --items <file.jsonl>) [--output-to-s3]\n" +
  "                  [--role-policy-file <policy.json>] [--runs <n> [--concurrency <c>]] [--seed <s>] [--route <region>]\n" +
  "                  [--mock-task <State>=<output.json>]... [--json]   (also: npm run local -- ...)\n" +
  "  Runs the stack's exact definition offline on the local cloud: Bedrock and S3 stand-ins on 127.0.0.1 that route\n" +
  "  and authorise every call as AWS would for the execution role.\n" +
  "  --stack, -s <name>       the stack (Pulumi.<name>.yaml); --config, -c <key>=<value> overrides one key (repeatable)\n" +
  "  --prompt, -p <text>      the prompt\n" +
  "  --input-file, -f <path>  a .json file is a whole execution input ({prompt|body|inputS3Uri, system?, outputToS3?}; with\n" +
  "                           bedrock-sfn:definitionFile, any JSON); any other file is the prompt text. Relative to the folder\n" +
  "                           you run from; at most 25,000,000 bytes (InvokeModel's limit)\n" +
  "  --output-to-s3           have the workflow write the response to the payload bucket\n" +
  "  --items <file.jsonl>     with bedrock-sfn:batch=map: one execution input per line, run through the Distributed Map\n" +
  "                           (progress on stderr; --json: {status, items, succeeded, failed, resultsS3Uri, ...})\n" +
  "  --role-policy-file <p>   run as a role holding this IAM policy instead of the stack's own (e.g. one from synth --json)\n" +
  `  --runs, -n <n>           run n executions (${DEFAULT_CONCURRENCY} at a time, or --concurrency <c>)\n` +
  "  --seed <s>               fixes the routing of Bedrock calls; --route <region> lands them all in one Region\n" +
  "  --mock-task <S>=<file>   the result Task state S returns instead of calling its resource (tasks the runners do not serve)\n" +
  "  --json                   {status, output, states}, or with --runs {runs, succeeded, failed, errors, routedRegions}; --help, -h: this help\n" +
  "  Exit 0 when every execution succeeded, 1 when one failed, 2 on bad usage or config.";

const LIMITS = { runs: [1, 10_000], concurrency: [1, 64], seed: [0, 2 ** 31 - 1] } as const;

export interface LocalDependencies {
  stdout?: (text: string) => void;
  /** Shrinks retry backoff and timeouts (tests); real time by default. */
  timeScale?: number;
}

export async function main(argv: string[] = process.argv.slice(2), deps: LocalDependencies = {}): Promise<number> {
  const stdout = deps.stdout ?? ((text: string) => void process.stdout.write(text));
  const args = parseCommonArgs(
    argv,
    {
      prompt: { type: "string", short: "p" },
      "input-file": { type: "string", short: "f" },
      "output-to-s3": { type: "boolean", default: false },
      "role-policy-file": { type: "string" },
      runs: { type: "string", short: "n" },
      concurrency: { type: "string" },
      seed: { type: "string" },
      route: { type: "string" },
      "mock-task": { type: "string", multiple: true },
      items: { type: "string" },
    },
    USAGE,
  );
  const synth = await synthesize({ stack: args.stack, overrides: args.overrides });
  writeNotes(synth.notes ?? []);
  const stack = cloudStackFrom(synth);
  if (args.values.items === undefined && isDistributedMapDefinition(stack.definition)) {
    throw new UsageError(
      `this stack's workflow is a Distributed Map (bedrock-sfn:batch=map): give its items with --items <file.jsonl>\nusage: ${USAGE.split("\n")[0]} (--help for more)`,
    );
  }
  if (args.values.items !== undefined) {
    for (const flag of ["prompt", "input-file", "runs", "mock-task", "output-to-s3"]) {
      const value = args.values[flag];
      if (value !== undefined && value !== false) throw new UsageError(`--items cannot be combined with --${flag}\nusage: ${USAGE.split("\n")[0]} (--help for more)`);
    }
    return runItemsLocally(stack, {
      items: resolveUserPath(args.values.items as string),
      json: args.json,
      stdout,
      seed: wholeNumberFlag(args.values.seed, "seed", ...LIMITS.seed),
      route: args.values.route as string | undefined,
      rolePolicyFile: args.values["role-policy-file"] as string | undefined,
      timeScale: deps.timeScale,
    });
  }
  let input: ReturnType<typeof readExecutionInput>;
  let mockTasks: ReturnType<typeof readMockTasks>;
  try {
    input = readExecutionInput({
      prompt: args.values.prompt as string | undefined,
      inputFile: args.values["input-file"] as string | undefined,
      outputToS3: args.values["output-to-s3"] === true,
      anyJson: stack.ownDefinition,
    });
    mockTasks = readMockTasks((args.values["mock-task"] as string[] | undefined) ?? [], resolveUserPath);
    checkMockedStates(mockTasks, stack.definition);
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(`${error.message}\nusage: ${USAGE.split("\n")[0]} (--help for more)`);
    throw error;
  }
  const runs = wholeNumberFlag(args.values.runs, "runs", ...LIMITS.runs);
  const concurrency = wholeNumberFlag(args.values.concurrency, "concurrency", ...LIMITS.concurrency);
  if (concurrency !== undefined && runs === undefined) throw new UsageError(`--concurrency needs --runs\nusage: ${USAGE.split("\n")[0]} (--help for more)`);
  const seed = wholeNumberFlag(args.values.seed, "seed", ...LIMITS.seed);
  const rolePolicyFile = args.values["role-policy-file"] as string | undefined;

  // A role policy that cannot be read and a --route the model cannot land in are BedrockSfnErrors: exit 2, one line.
  const cloud: LocalCloud = await startLocalCloud({
    stack,
    rolePolicies: rolePolicyFile ? [readRolePolicyFile(rolePolicyFile)] : undefined,
    seed,
    route: args.values.route as string | undefined,
  });
  const role = rolePolicyFile ? `the role policy in ${rolePolicyFile}` : `the stack's role ${stack.roleArn}`;
  try {
    if (runs !== undefined) {
      const { summary } = await runBatch(cloud, { input, runs, concurrency, namePrefix: "local", timeScale: deps.timeScale, mockTasks });
      stdout(
        args.json
          ? `${JSON.stringify(summary)}\n`
          : `${batchReport(summary, [`local runs of stack '${args.stack}' (${stack.queryLanguage}, ${stack.workflowType}) as ${role}`])}\n`,
      );
      return summary.failed === 0 ? 0 : 1;
    }
    const report = await runLocalExecution(stack, { input, timeScale: deps.timeScale, environment: cloud, mockTasks });
    if (args.json) {
      stdout(`${JSON.stringify(jsonDocument(report))}\n`);
    } else {
      const heading = [`local run of stack '${args.stack}' (${stack.queryLanguage}), execution ${report.executionName}, as ${role}`];
      if (report.inputS3Uri) heading.push(`input: ${report.uploadedBytes} bytes moved to ${report.inputS3Uri} (over the 256 KB execution input limit)`);
      const regions = cloud.bedrock.calls.map((call) => call.routedRegion).filter(Boolean);
      heading.push(`Bedrock stand-in calls: ${report.bedrockCalls}${regions.length ? ` (routed to ${[...new Set(regions)].join(", ")})` : ""}`);
      stdout(`${readableReport(report, heading)}\n`);
    }
    return report.status === "SUCCEEDED" ? 0 : 1;
  } finally {
    await cloud.close();
  }
}

/** A --mock-task for a state the definition has no Task of would be silently ignored: name it and the valid ones. */
function checkMockedStates(mockTasks: Record<string, unknown> | undefined, definition: string): void {
  const names = Object.keys(mockTasks ?? {});
  if (names.length === 0) return;
  const tasks = [...walkStates(readDefinition(definition))].filter(({ state }) => state.Type === "Task").map(({ name }) => name);
  const unknown = names.find((name) => !tasks.includes(name));
  if (unknown !== undefined) {
    throw new UsageError(`--mock-task '${clip(unknown, 60)}' names no Task state of the definition; its Task states: ${summariseList(tasks) || "none"}`);
  }
}

/** Succeeded and failed counts, the errors, and the Regions the calls landed in (refusals per Region alongside). */
export function batchReport(summary: BatchSummary, heading: string[] = []): string {
  const lines = [...heading, `${summary.succeeded}/${summary.runs} succeeded, ${summary.failed} failed`];
  for (const [error, count] of Object.entries(summary.errors)) lines.push(`  ${error}: ${count}`);
  lines.push("Bedrock calls by Region (AccessDenied among them):");
  for (const [region, count] of Object.entries(summary.routedRegions)) {
    const denied = summary.accessDeniedRegions[region];
    lines.push(`  ${region.padEnd(16)} ${String(count).padStart(4)}${denied ? `   AccessDenied ${denied}` : ""}`);
  }
  return lines.join("\n");
}

if (require.main === module) runCli(() => main());
