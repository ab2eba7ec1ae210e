// The component against the AWS CDK synthesizing the same stack shape (tools/bench/cdk-child.js): 1 and 100 copies,
// each run a fresh process with ts-node registered as Pulumi's language host (and a TypeScript CDK app) have it.
// Ours is the compiled library under mocks (tools/bench/library-child.js); the CDK's is aws-cdk-lib from a scratch
// folder outside the work tree (`npm run bench:cdk-setup`), never a project dependency. CPU in ms (user + system,
// median of RUNS, the two interleaved so load from other jobs falls on both), and the ratio ours / CDK in the same
// run. Figures are printed, never asserted.
import * as path from "node:path";
import { compiledLibraryIsFresh } from "./compiled-library";
import { cdkBenchFolder, cdkInstalled } from "./cdk-folder";
import { ChildCpu, freshProcessRuns, medianOf } from "./timing";

const RUNS = Number(process.env.BEDROCK_SFN_BENCH_RUNS) || 5;
const ours = path.join(__dirname, "library-child.js");
const theirs = path.join(__dirname, "cdk-child.js");

export async function main(): Promise<void> {
  const folder = cdkBenchFolder();
  if (!cdkInstalled(folder)) {
    console.log(`cdk: aws-cdk-lib is not installed in ${folder}; run \`npm run bench:cdk-setup\` (BEDROCK_SFN_CDK_BENCH_DIR moves it) (skipped)`);
    return;
  }
  if (!compiledLibraryIsFresh()) {
    console.log("cdk: lib/ is missing or older than the sources; run `npm run build` first (skipped)");
    return;
  }
  for (const count of ["1", "100"]) {
    const ourRuns: ChildCpu[] = [];
    const fullStackRuns: ChildCpu[] = [];
    const cdkRuns: ChildCpu[] = [];
    for (let i = 0; i < RUNS; i++) {
      ourRuns.push(...freshProcessRuns([ours, "compiled", count], 1));
      // As before components/registration-stacks.ts: the SDK's promise stacks kept (its leak-debugging switch).
      fullStackRuns.push(...freshProcessRuns([ours, "compiled", count], 1, { ...process.env, PULUMI_DEBUG_PROMISE_LEAKS: "1" }));
      cdkRuns.push(...freshProcessRuns([theirs, count, folder], 1));
    }
    const row = (name: string, runs: ChildCpu[], shape: string) =>
      `  ${name.padEnd(14)} load ${medianOf(runs, "loadCpuMs").toFixed(0).padStart(6)} ms  synth ${medianOf(runs, "synthCpuMs").toFixed(0).padStart(6)} ms  total ${medianOf(runs, "totalCpuMs").toFixed(0).padStart(6)} ms CPU  (${shape})`;
    const mine = ourRuns[0];
    const cdk = cdkRuns[0];
    console.log(`cdk: ${count} component${count === "1" ? "" : "s"} against the same shape in the AWS CDK, median of ${RUNS} fresh processes each`);
    console.log(row("bedrock-sfn", ourRuns, `${mine.registrations} registrations, ${mine.invokes} data-source calls`));
    console.log(row("  full stacks", fullStackRuns, "PULUMI_DEBUG_PROMISE_LEAKS=1: every promise stack formatted"));
    console.log(row("aws-cdk-lib", cdkRuns, `${cdk.resources} CloudFormation resources in ${cdk.stacks} stack${cdk.stacks === 1 ? "" : "s"}`));
    const total = (runs: ChildCpu[]) => medianOf(runs, "totalCpuMs");
    // The CDK loads its modules lazily, during synth: only the totals compare like with like.
    console.log(
      `  ratio total bedrock-sfn/CDK ${(total(ourRuns) / total(cdkRuns)).toFixed(2)}  full stacks/CDK ${(total(fullStackRuns) / total(cdkRuns)).toFixed(2)}  bedrock-sfn/full stacks ${(total(ourRuns) / total(fullStackRuns)).toFixed(2)}`,
    );
  }
}

if (require.main === module) main();
