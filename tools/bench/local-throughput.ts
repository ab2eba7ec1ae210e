// Throughput of the local runners: N executions of the dev stack's workflow, both query languages,
// against the Bedrock and S3 stand-ins. Prints executions/second and p50/p95 latency; asserts nothing.

import { startLocalEnvironment } from "../local/clients/environment";
import { localStackFrom } from "../local/clients/local-stack";
import { synthesize } from "../cli/lib/synth";

export interface ThroughputOptions {
  stack?: string;
  /** Executions per query language. */
  executions?: number;
  /** Executions in flight at once. */
  concurrency?: number;
  /** Share of Bedrock calls throttled (retried by the workflow with backoff shrunk 1000 times). */
  throttleRate?: number;
  print?: (line: string) => void;
}

export interface ThroughputFigures {
  queryLanguage: string;
  executions: number;
  succeeded: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  bedrockCalls: number;
}

export async function main(options: ThroughputOptions = {}): Promise<ThroughputFigures[]> {
  const executions = options.executions ?? 200;
  const concurrency = options.concurrency ?? 10;
  const print = options.print ?? ((line: string) => console.log(line));
  const figures: ThroughputFigures[] = [];
  print(`local throughput: ${executions} executions per query language, ${concurrency} at a time, throttle rate ${options.throttleRate ?? 0}`);

  for (const queryLanguage of ["JSONata", "JSONPath"]) {
    const synth = await synthesize({ stack: options.stack ?? "dev", overrides: { "bedrock-sfn:queryLanguage": queryLanguage } });
    const stack = localStackFrom(synth);
    const env = await startLocalEnvironment({ payloadBucket: stack.payloadBucket, family: stack.family, faults: { throttleRate: options.throttleRate ?? 0 } });
    try {
      const latencies: number[] = [];
      let succeeded = 0;
      let next = 0;
      const worker = async () => {
        while (next < executions) {
          const index = next++;
          const started = performance.now();
          const run = await env.run({
            definition: stack.definition,
            input: { prompt: `benchmark question ${index}` },
            executionName: `bench-${index}`,
            stateMachineArn: stack.stateMachineArn,
            timeScale: 0.001,
          });
          latencies.push(performance.now() - started);
          if (run.status === "SUCCEEDED") succeeded++;
        }
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: Math.min(concurrency, executions) }, worker));
      const elapsedMs = performance.now() - started;
      const result: ThroughputFigures = {
        queryLanguage,
        executions,
        succeeded,
        perSecond: (executions / elapsedMs) * 1000,
        p50Ms: percentile(latencies, 0.5),
        p95Ms: percentile(latencies, 0.95),
        bedrockCalls: env.bedrock.calls.length,
      };
      figures.push(result);
      print(
        `${queryLanguage.padEnd(8)} ${result.perSecond.toFixed(1).padStart(7)} executions/s   p50 ${result.p50Ms.toFixed(1)} ms   p95 ${result.p95Ms.toFixed(1)} ms   ` +
          `${succeeded}/${executions} succeeded, ${result.bedrockCalls} Bedrock calls`,
      );
    } finally {
      await env.close();
    }
  }
  return figures;
}

function percentile(values: number[], share: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
}

if (require.main === module) {
  main({
    executions: Number(process.env.BENCH_EXECUTIONS ?? 200),
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? 10),
    throttleRate: Number(process.env.BENCH_THROTTLE_RATE ?? 0),
  }).catch((error: unknown) => {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
