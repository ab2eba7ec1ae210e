// Small helpers for benchmarks: figures are printed, never asserted.
export interface Timing {
  runs: number;
  totalMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export async function time(runs: number, fn: (i: number) => unknown | Promise<unknown>): Promise<Timing> {
  const samples: number[] = [];
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  const totalMs = performance.now() - start;
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { runs, totalMs, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), maxMs: samples[samples.length - 1] };
}

export function report(label: string, t: Timing, unit = "op"): void {
  const perSecond = (t.runs / t.totalMs) * 1000;
  console.log(
    `${label.padEnd(48)} ${t.runs.toString().padStart(6)} ${unit}s  ${perSecond.toFixed(1).padStart(10)} ${unit}/s  p50 ${t.p50Ms.toFixed(3)} ms  p95 ${t.p95Ms.toFixed(3)} ms`,
  );
}

/** CPU figures (ms, user + system) that a bench child process prints as one JSON object on stdout. */
export type ChildCpu = Record<string, number>;

/** Runs `node <args>` afresh `runs` times and returns each run's printed figures. */
export function freshProcessRuns(args: string[], runs: number, env: NodeJS.ProcessEnv = process.env): ChildCpu[] {
  // Required lazily: this module is also loaded by benchmarks that never start a child.
  const { execFileSync } = require("node:child_process") as typeof import("node:child_process");
  return Array.from({ length: runs }, () => JSON.parse(execFileSync(process.execPath, args, { encoding: "utf8", env })) as ChildCpu);
}

/** The median of one figure over runs. */
export function medianOf(samples: ChildCpu[], key: string): number {
  const sorted = samples.map((s) => s[key]).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
