// The local Distributed Map (batch = map): throughput at MaxConcurrency 1, 10 and 100 against a Bedrock stand-in with a
// fixed latency, as items/s and as a ratio to the ideal (concurrency / latency); and the peak RSS of a whole map of
// 10,000 and of 100,000 items (a child process each), as a ratio. Asserts nothing; docs/batch.md records a run.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { synthesize } from "../cli/lib/synth";
import { cloudStackFrom } from "../local/cloud/cloud-stack";
import { mapCloudOf, runDistributedMap, uploadItems, type MapCloud } from "../local/cloud/distributed-map";
import { startLocalCloud } from "../local/cloud/local-cloud";

const MODEL = "apac.anthropic.claude-sonnet-4-20250514-v1:0";

export interface MapBenchOptions {
  /** Stand-in latency of every Bedrock call, in milliseconds. */
  latencyMs?: number;
  /** [MaxConcurrency, items] pairs. */
  throughput?: [number, number][];
  /** Item counts of the memory runs. */
  memory?: number[];
  print?: (line: string) => void;
}

export interface MapThroughput {
  concurrency: number;
  items: number;
  perSecond: number;
  ratioToIdeal: number;
}

function jsonl(items: number): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-map-")), "items.jsonl");
  const out = fs.openSync(file, "w");
  for (let i = 0; i < items; i++) fs.writeSync(out, `${JSON.stringify({ prompt: `benchmark ticket ${i}: summarise the customer's request in one line` })}\n`);
  fs.closeSync(out);
  return file;
}

/** One map of `items` lines at `concurrency`; `noopChildren` measures the map alone (reader, slots, spool, upload). */
async function runMap(concurrency: number, items: number, latencyMs: number, noopChildren = false) {
  const stack = cloudStackFrom(
    await synthesize({ stack: "dev", overrides: { "bedrock-sfn:modelId": MODEL, "bedrock-sfn:batch": "map", "bedrock-sfn:batchMaxConcurrency": String(concurrency) } }),
  );
  const cloud = await startLocalCloud({ stack, recordCalls: false, faults: { latencyMs } });
  const file = jsonl(items);
  try {
    await uploadItems(cloud.s3Client, stack.payloadBucket, "input/bench/items.jsonl", file);
    const base = mapCloudOf(cloud);
    const map: MapCloud = noopChildren ? { ...base, run: async (options) => ({ status: "SUCCEEDED", output: { text: "ok", item: options.input }, states: [] }) } : base;
    const started = performance.now();
    const report = await runDistributedMap(map, {
      definition: stack.definition,
      input: { itemsKey: "input/bench/items.jsonl" },
      stateMachineArn: stack.stateMachineArn,
      executionName: "bench",
      timeScale: 0.001,
    });
    return { report, seconds: (performance.now() - started) / 1000 };
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    await cloud.close();
  }
}

export async function main(options: MapBenchOptions = {}): Promise<{ throughput: MapThroughput[]; memory: { items: number; maxRssMb: number }[] }> {
  const print = options.print ?? ((line: string) => console.log(line));
  const latencyMs = options.latencyMs ?? 1000;
  // Concurrency 1 at 1 s a call would take hours for 10,000 items: fewer items there (the ratio does not depend on the count).
  const plan = options.throughput ?? [
    [1, 20],
    [10, 400],
    [100, 10_000],
  ];
  print(`local Distributed Map: Bedrock stand-in latency ${latencyMs} ms; ideal = MaxConcurrency / latency`);
  const throughput: MapThroughput[] = [];
  for (const [concurrency, items] of plan) {
    const { report, seconds } = await runMap(concurrency, items, latencyMs);
    const perSecond = report.succeeded / seconds;
    const ideal = concurrency / (latencyMs / 1000);
    throughput.push({ concurrency, items, perSecond, ratioToIdeal: perSecond / ideal });
    print(
      `  MaxConcurrency ${String(concurrency).padStart(3)}: ${items} items, ${report.status}, ${perSecond.toFixed(1)} items/s, ` +
        `${(perSecond / ideal).toFixed(2)} of ideal (${ideal.toFixed(1)}/s); peak children ${report.peakConcurrency}${report.failed ? `; failed ${JSON.stringify(report.errors)}` : ""}`,
    );
  }
  // Memory: each size in its own process, so one peak does not hide the other.
  const memory = (options.memory ?? [10_000, 100_000]).map((items) => {
    // The child loads this file through ts-node itself (not process.execArgv, which may hold an -e script).
    const args = ["--conditions=bedrock-sfn-source", "--require", "ts-node/register/transpile-only", __filename, "--memory-child", String(items)];
    const out = execFileSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return { items, maxRssMb: Number(/maxRssMb=([\d.]+)/.exec(out)?.[1]) };
  });
  for (const m of memory) print(`  peak RSS, ${m.items} items (map alone, no-op children at MaxConcurrency 1000): ${m.maxRssMb.toFixed(1)} MB`);
  if (memory.length === 2) print(`  peak RSS ratio ${memory[1].items}/${memory[0].items} items: ${(memory[1].maxRssMb / memory[0].maxRssMb).toFixed(2)}`);
  return { throughput, memory };
}

if (require.main === module && process.argv[2] === "--memory-child") {
  runMap(1000, Number(process.argv[3]), 0, true).then(
    ({ report }) => {
      if (report.status !== "SUCCEEDED") throw new Error(`${report.error}: ${report.cause}`);
      console.log(`maxRssMb=${process.resourceUsage().maxRSS / 1024}`);
      process.exit(0);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
