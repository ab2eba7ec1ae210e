// The cost of enforcing the role in the local cloud: executions per second with every Bedrock call routed and
// authorised (and the workflow's S3 calls authorised) next to the same batch with authorisation off (routing only).
// Rounds alternate off/on so that drift on a shared machine hits both; the ratio is the figure. Asserts nothing.

import { runBatch } from "../local/cloud/batch";
import { cloudStackFrom } from "../local/cloud/cloud-stack";
import { startLocalCloud } from "../local/cloud/local-cloud";
import { synthesize } from "../cli/lib/synth";

export interface AuthorisationBenchOptions {
  stacks?: string[];
  executions?: number;
  concurrency?: number;
  rounds?: number;
  print?: (line: string) => void;
}

export interface AuthorisationFigures {
  stack: string;
  offPerSecond: number;
  onPerSecond: number;
  /** on / off: 1 means authorisation costs nothing measurable. */
  ratio: number;
}

export async function main(options: AuthorisationBenchOptions = {}): Promise<AuthorisationFigures[]> {
  const executions = options.executions ?? Number(process.env.BENCH_EXECUTIONS ?? 200);
  const concurrency = options.concurrency ?? 10;
  const rounds = options.rounds ?? 3;
  const print = options.print ?? ((line: string) => console.log(line));
  print(`local cloud authorisation: ${executions} executions (output to S3), ${concurrency} at a time, median of ${rounds} alternating rounds`);
  const figures: AuthorisationFigures[] = [];
  for (const name of options.stacks ?? ["dev", "prod"]) {
    const stack = cloudStackFrom(await synthesize({ stack: name }));
    const perSecond = { off: [] as number[], on: [] as number[] };
    for (let round = 0; round <= rounds; round++) {
      for (const mode of ["off", "on"] as const) {
        const cloud = await startLocalCloud({ stack, authorise: mode === "on", seed: round + 1 });
        try {
          const started = performance.now();
          const { summary } = await runBatch(cloud, { input: { prompt: "benchmark", outputToS3: true }, runs: executions, concurrency, timeScale: 0.001 });
          const elapsed = performance.now() - started;
          if (summary.failed > 0) throw new Error(`${summary.failed} of ${executions} executions failed with authorisation ${mode}: ${JSON.stringify(summary.errors)}`);
          if (round > 0) perSecond[mode].push((executions / elapsed) * 1000); // round 0 warms up
        } finally {
          await cloud.close();
        }
      }
    }
    const off = median(perSecond.off);
    const on = median(perSecond.on);
    figures.push({ stack: name, offPerSecond: off, onPerSecond: on, ratio: on / off });
    print(
      `${`${name} (${stack.model.routing.kind})`.padEnd(20)} off ${off.toFixed(1).padStart(7)} executions/s   on ${on.toFixed(1).padStart(7)} executions/s   on/off ${(on / off).toFixed(2)}`,
    );
  }
  return figures;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
