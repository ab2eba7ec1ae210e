// How the local and invoke CLIs show a run: a short readable account, or one JSON document.

import type { NormalisedResponse } from "../../../src/bedrock/families";
import type { ExecutionOutcome } from "../../../src/workflow/contract";
import type { WorkflowRun } from "../runners/execution";

/** Any run the CLIs show: a local one (with the states it entered) or a deployed one. */
export type ReportedRun = ExecutionOutcome & { status: WorkflowRun["status"]; states?: string[] };

/** `{status, output, states}` (states when known), plus `error`/`cause` on failure and `response` when fetched from S3. */
export function jsonDocument(run: ReportedRun): Record<string, unknown> {
  return {
    status: run.status,
    output: run.output ?? null,
    ...(run.states ? { states: run.states } : {}),
    ...(run.error !== undefined ? { error: run.error, cause: run.cause ?? "" } : {}),
    ...(run.response ? { response: run.response } : {}),
  };
}

/** The answer's text, or the error and its cause, with the path through the workflow. */
export function readableReport(run: ReportedRun, heading: string[] = []): string {
  const lines = [...heading];
  if (run.states?.length) lines.push(`states: ${run.states.join(" -> ")}`);
  if (run.status === "FAILED") {
    lines.push(`FAILED: ${run.error ?? "unknown error"}`, `cause: ${run.cause || "(none given)"}`);
    return lines.join("\n");
  }
  lines.push("SUCCEEDED");
  const answer = run.response ?? textOutput(run.output);
  if (answer) {
    lines.push("", answer.text, "");
    const usage = answer.usage ? `tokens in ${answer.usage.inputTokens ?? "?"} / out ${answer.usage.outputTokens ?? "?"}` : undefined;
    lines.push([answer.stopReason ? `stop reason: ${answer.stopReason}` : undefined, usage].filter(Boolean).join(", "));
  } else {
    lines.push(JSON.stringify(run.output, null, 2));
  }
  const s3Uri = (run.output as { outputS3Uri?: string } | undefined)?.outputS3Uri;
  if (s3Uri) lines.push(`response read back from ${s3Uri}`);
  return lines.join("\n");
}

function textOutput(output: unknown): Pick<NormalisedResponse, "text" | "stopReason" | "usage"> | undefined {
  const candidate = output as Partial<NormalisedResponse> | undefined;
  return candidate && typeof candidate.text === "string"
    ? { text: candidate.text, stopReason: candidate.stopReason ?? null, usage: candidate.usage ?? { inputTokens: null, outputTokens: null } }
    : undefined;
}
