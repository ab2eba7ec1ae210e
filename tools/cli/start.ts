// npm start [-- --stack <name>] [--config <key>=<value>]... [--prompt <text>]
// The main job, offline: preview the stack under mocks, apply the policy pack to what it would create,
// then run the generated workflow on the local cloud (every Bedrock call routed and authorised against the role),
// once with a small prompt and once with one too large for the 256 KB execution input (so it travels through the
// payload bucket); then a batch with routing spread over the destinations, as this stack's role and as the role a
// seed write-up wrote by hand (profile + source-Region model only), to show the AccessDenied that routing causes.
import { readableReport } from "../local/clients/report";
import { runLocalExecution } from "../local/clients/local-run";
import { runBatch } from "../local/cloud/batch";
import { cloudStackFrom } from "../local/cloud/cloud-stack";
import { localStackFrom } from "../local/clients/local-stack";
import { startLocalCloud } from "../local/cloud/local-cloud";
import { handWrittenSeedPolicy } from "../local/cloud/seed-role";
import { createBedrockRouter } from "../local/cloud/bedrock-routing";
import type { RolePolicySource } from "../local/cloud/execution-role";
import { batchReport } from "./local";
import { evaluateResources } from "../shared/evaluate-pack";
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
/** Executions per batch: enough for every destination of a geographic profile to come up. */
export const BATCH_RUNS = 24;
const BATCH_SEED = 7;

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

  if (localStackFrom(synth).ownDefinition) {
    // A definition of your own has its own input; the sample prompts are the built-in workflow's contract.
    section("3. Local run");
    write(`Your definition (${synth.config["bedrock-sfn:definitionFile"]}) takes its own input: run it with
  npm run local -- --stack ${args.stack} ${Object.entries(args.overrides)
    .map(([k, v]) => `--config ${k}=${v}`)
    .join(" ")} --input-file <input.json>
`);
    section(blocking.length === 0 ? "Done: preview and policies succeeded" : "Done, with failures (see above)");
    return blocking.length === 0 ? 0 : 1;
  }
  const stack = cloudStackFrom(synth);
  const prompt = (args.values.prompt as string | undefined) ?? SAMPLE_PROMPT;
  const cloud = await startLocalCloud({ stack });
  let small: Awaited<ReturnType<typeof runLocalExecution>>;
  let large: Awaited<ReturnType<typeof runLocalExecution>>;
  try {
    section(`3. Local run (${stack.queryLanguage}) on the local cloud, as the stack's role: a small prompt`);
    small = await runLocalExecution(stack, { input: { prompt }, executionName: "start-small", environment: cloud });
    write(`${readableReport(small, [`prompt: ${prompt}`, `Bedrock stand-in calls: ${small.bedrockCalls}, routed to ${cloud.bedrock.calls.at(-1)?.routedRegion ?? "?"}`])}\n`);

    section("4. Local run: a 300 KB prompt, over the 256 KB execution input limit");
    large = await runLocalExecution(stack, { input: { prompt: `${"Summarise this log line. ".repeat(12_500)}${prompt}` }, executionName: "start-large", environment: cloud });
    const moved = large.inputS3Uri ? `input: ${large.uploadedBytes} bytes uploaded to ${large.inputS3Uri}, read by the task through Input.S3Uri` : "input: passed inline";
    write(`${readableReport(large, [moved, `Bedrock stand-in calls: ${large.bedrockCalls}`])}\n`);
  } finally {
    await cloud.close();
  }
  // Each batch on a fresh cloud with the same seed: both roles see exactly the same routing.
  const batchAs = async (rolePolicies?: RolePolicySource[]) => {
    const batchCloud = await startLocalCloud({ stack, rolePolicies, seed: BATCH_SEED });
    try {
      return (await runBatch(batchCloud, { input: { prompt }, runs: BATCH_RUNS, namePrefix: "start-batch" })).summary;
    } finally {
      await batchCloud.close();
    }
  };

  section(`5. A batch of ${BATCH_RUNS} executions, routing spread over the destinations, as this stack's role`);
  const ours = await batchAs();
  write(`${batchReport(ours, [`${stack.modelId} from ${stack.region} lands in: ${createBedrockRouter({ model: stack.model }).destinations(stack.modelId).join(", ")}`])}\n`);

  section("6. The same batch as the role a seed write-up wrote by hand: the profile and the source-Region model only");
  const seeds = await batchAs([handWrittenSeedPolicy(stack)]);
  write(`${batchReport(seeds)}\n\n`);
  write(
    `AccessDenied in ${seeds.failed} of ${seeds.runs} runs (${Object.keys(seeds.accessDeniedRegions).length} Region(s): ${Object.keys(seeds.accessDeniedRegions).join(", ") || "none"}).\n`,
  );
  write(`The fix is this project's role (batch 5): ${ours.succeeded}/${ours.runs} succeeded, wherever the calls landed.\n`);

  // The hand-written role is expected to fail: it is the demonstration, not a failure of this stack.
  const ok = blocking.length === 0 && small.status === "SUCCEEDED" && large.status === "SUCCEEDED" && ours.failed === 0;
  section(ok ? "Done: preview, policies and local runs all succeeded" : "Done, with failures (see above)");
  return ok ? 0 : 1;
}

if (require.main === module) runCli(() => main());
