// npm start [-- --stack <name>] [--config <key>=<value>]... [--prompt <text>]
// The main job, offline: preview the stack under mocks, apply the policy pack to what it would create,
// then run the generated workflow locally, once with a small prompt and once with one too large for the
// 256 KB execution input (so it travels through the payload bucket).
import { readableReport } from "../local/report";
import { runLocalExecution } from "../local/local-run";
import { localStackFrom } from "../local/local-stack";
import { evaluateResources } from "../policy-pack/evaluate";
import { parseCommonArgs, runCli, writeNotes } from "./lib/args";
import { renderPreview } from "./lib/preview";
import { synthesize } from "./lib/synth";

const USAGE =
  "bedrock-sfn start [--stack <name>] [--config <key>=<value>]... [--prompt <text>]   (also: npm start -- ...)\n" +
  "  The offline tour: previews the stack under mocks, applies the policy pack to it, and runs the workflow locally\n" +
  "  twice (a small prompt, and a 300 KB one that goes through the payload bucket).\n" +
  "  --stack, -s <name>       the stack (default dev); --config, -c <key>=<value> overrides one key (repeatable)\n" +
  "  --prompt, -p <text>      the prompt of the runs; --help, -h: this help\n" +
  "  Exit 0 when everything passed, 1 on a mandatory policy violation or a failed run, 2 on bad usage or config.";
const SAMPLE_PROMPT = "What is the highest mountain in Japan?";

export async function main(argv: string[] = process.argv.slice(2), write: (text: string) => void = (t) => void process.stdout.write(t)): Promise<number> {
  const args = parseCommonArgs(argv, { prompt: { type: "string", short: "p" } }, USAGE, "dev");
  const section = (title: string) => write(`\n== ${title} ${"=".repeat(Math.max(0, 72 - title.length))}\n\n`);

  section(`1. Preview of stack '${args.stack}'`);
  const synth = await synthesize({ stack: args.stack, overrides: args.overrides });
  writeNotes(synth.notes ?? []);
  write(`${renderPreview(synth)}\n`);

  section("2. Policy pack (./policy-pack) applied to those resources");
  const violations = await evaluateResources(synth.resources, { region: String(synth.outputs.region) });
  const blocking = violations.filter((v) => v.enforcementLevel === "mandatory");
  if (violations.length === 0) write("All policies pass: no violations.\n");
  for (const v of violations) write(`[${v.enforcementLevel}] ${v.policyName}${v.resource ? ` (${v.resource})` : ""}: ${v.message}\n`);
  write(`${violations.length} violation(s), ${blocking.length} mandatory\n`);

  const stack = localStackFrom(synth);
  const prompt = (args.values.prompt as string | undefined) ?? SAMPLE_PROMPT;
  section(`3. Local run (${stack.queryLanguage}) against Bedrock and S3 stand-ins: a small prompt`);
  const small = await runLocalExecution(stack, { input: { prompt }, executionName: "start-small" });
  write(`${readableReport(small, [`prompt: ${prompt}`, `Bedrock stand-in calls: ${small.bedrockCalls}`])}\n`);

  section("4. Local run: a 300 KB prompt, over the 256 KB execution input limit");
  const large = await runLocalExecution(stack, { input: { prompt: `${"Summarise this log line. ".repeat(12_500)}${prompt}` }, executionName: "start-large" });
  const moved = large.inputS3Uri ? `input: ${large.uploadedBytes} bytes uploaded to ${large.inputS3Uri}, read by the task through Input.S3Uri` : "input: passed inline";
  write(`${readableReport(large, [moved, `Bedrock stand-in calls: ${large.bedrockCalls}`])}\n`);

  const ok = blocking.length === 0 && small.status === "SUCCEEDED" && large.status === "SUCCEEDED";
  section(ok ? "Done: preview, policies and local runs all succeeded" : "Done, with failures (see above)");
  return ok ? 0 : 1;
}

if (require.main === module) runCli(() => main());
