// A batch of executions on one local cloud, a few at a time, summed up the way a user asks about a role:
// how many succeeded, which errors the others ended with, and where Bedrock routed the calls.

import type { ExecutionInput } from "../../../src/workflow/contract";
import { runLocalExecution, type LocalExecutionReport } from "../clients/local-run";
import type { LocalCloud } from "./local-cloud";

export const DEFAULT_CONCURRENCY = 4;

export interface BatchOptions {
  /** The built-in contract's input, or any JSON value for a definition of your own. */
  input: ExecutionInput | unknown;
  /** Results for named Task states (`--mock-task`). */
  mockTasks?: Record<string, unknown>;
  runs: number;
  /** Executions in flight at once (default 4). */
  concurrency?: number;
  /** Execution names are `<prefix>-<n>` (default `batch`). */
  namePrefix?: string;
  timeScale?: number;
}

/** The `--json` document of a batch. */
export interface BatchSummary {
  runs: number;
  succeeded: number;
  failed: number;
  /** Error name -> executions that ended with it. */
  errors: Record<string, number>;
  /** Region -> InvokeModel calls routed there (retries included). */
  routedRegions: Record<string, number>;
  /** Region -> calls refused with AccessDeniedException there. */
  accessDeniedRegions: Record<string, number>;
}

export interface BatchResult {
  summary: BatchSummary;
  reports: LocalExecutionReport[];
}

export async function runBatch(cloud: LocalCloud, options: BatchOptions): Promise<BatchResult> {
  const concurrency = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, options.runs));
  const firstCall = cloud.bedrock.calls.length;
  const reports: LocalExecutionReport[] = new Array(options.runs);
  let next = 0;
  const worker = async () => {
    while (next < options.runs) {
      const index = next++;
      reports[index] = await runLocalExecution(cloud.stack, {
        input: options.input,
        executionName: `${options.namePrefix ?? "batch"}-${index + 1}`,
        timeScale: options.timeScale,
        mockTasks: options.mockTasks,
        environment: cloud,
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));

  const errors: Record<string, number> = {};
  for (const report of reports) if (report.status !== "SUCCEEDED") increment(errors, report.error ?? "unknown");
  const routedRegions: Record<string, number> = {};
  const accessDeniedRegions: Record<string, number> = {};
  for (const call of cloud.bedrock.calls.slice(firstCall)) {
    if (!call.routedRegion) continue;
    increment(routedRegions, call.routedRegion);
    if (call.fault === "AccessDeniedException") increment(accessDeniedRegions, call.routedRegion);
  }
  const succeeded = reports.filter((report) => report.status === "SUCCEEDED").length;
  return {
    summary: { runs: options.runs, succeeded, failed: options.runs - succeeded, errors, routedRegions: sorted(routedRegions), accessDeniedRegions: sorted(accessDeniedRegions) },
    reports,
  };
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function sorted(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
