// What a policy found, before it is handed to CrossGuard: a violation at the policy's own enforcement level,
// or a note (cannot judge: unknown during preview, unsupported IAM feature) that is always advisory.
import type { ReportViolation } from "@pulumi/policy";

export interface Finding {
  /** `limit`: a part the pack could not judge within its work bound; mandatory unless configured ("beyondLimits"). */
  kind: "violation" | "note" | "limit";
  message: string;
  /** For stack policies: the resource the finding is about. */
  urn?: string;
}

export const violation = (message: string, urn?: string): Finding => ({ kind: "violation", message, urn });
export const note = (message: string, urn?: string): Finding => ({ kind: "note", message, urn });
export const limit = (message: string, urn?: string): Finding => ({ kind: "limit", message, urn });

/**
 * Reports findings. @pulumi/policy's reportViolation also takes an object {message, urn, enforcementLevel}
 * (see its server.ts makeReportViolationFun); notes use it to stay advisory, so that "cannot judge" never blocks
 * a deployment while a real violation still does.
 */
export function reportFindings(findings: Finding[], reportViolation: ReportViolation, limitLevel: "mandatory" | "advisory" = "mandatory"): void {
  // Always the object form: given a string, @pulumi/policy puts the policy's long description before the message,
  // and the line that says what to do would be buried. The description stays in the diagnostic's own field.
  const report = reportViolation as unknown as (info: { message: string; urn?: string; enforcementLevel?: string }) => void;
  for (const finding of capped(findings)) {
    if (finding.kind === "violation") report({ message: finding.message, ...(finding.urn ? { urn: finding.urn } : {}) });
    else if (finding.kind === "limit") report({ message: `not judged: ${finding.message}`, ...(finding.urn ? { urn: finding.urn } : {}), enforcementLevel: limitLevel });
    else report({ message: `cannot judge: ${finding.message}`, ...(finding.urn ? { urn: finding.urn } : {}), enforcementLevel: "advisory" });
  }
}

/** Findings of one kind shown per resource; a document with thousands of statements must not flood the preview. */
const MAX_FINDINGS_PER_RESOURCE = 25;

/** The first findings of each kind per resource, then one line that says how many more there are. */
function capped(findings: Finding[]): Finding[] {
  const counts = new Map<string, number>();
  const out: Finding[] = [];
  for (const finding of findings) {
    const key = `${finding.kind}|${finding.urn ?? ""}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    if (n <= MAX_FINDINGS_PER_RESOURCE) out.push(finding);
  }
  for (const [key, n] of counts) {
    if (n <= MAX_FINDINGS_PER_RESOURCE) continue;
    const [kind, urn] = [key.slice(0, key.indexOf("|")), key.slice(key.indexOf("|") + 1)];
    const more = n - MAX_FINDINGS_PER_RESOURCE;
    const message = `Fix the ${MAX_FINDINGS_PER_RESOURCE} findings above first: ${more} more of the same kind are not shown.`;
    out.push(kind === "violation" ? violation(message, urn || undefined) : note(`${more} more notes are not shown`, urn || undefined));
  }
  return out;
}

/** A message whose first line says what to do, with the reasoning below it. */
export function fixFirst(fix: string, detail: string): string {
  return `${fix}\n  Why: ${detail}`;
}

/** Formats a list of ARNs one per line, indented under a message. */
export function arnList(arns: string[]): string {
  return arns.map((a) => `\n    ${a}`).join("");
}

/**
 * Runs a policy's analysis; an unexpected error becomes an advisory note naming the resource instead of
 * failing the whole preview (the engine would otherwise stop with a gRPC error and a stack trace).
 */
export function safely(what: string, analyse: () => Finding[]): Finding[] {
  try {
    return analyse();
  } catch (e) {
    if (e instanceof RangeError) return [note(`${what} is nested too deeply to be judged (${e.message}); flatten it`)];
    return [note(`${what} could not be analysed (${e instanceof Error ? e.message : String(e)}); please report this as a bug of the policy pack`)];
  }
}

/** Runs one check per part (document, statement, state machine): a part that cannot be judged never hides the others. */
export function eachSafely<T>(parts: T[], what: (part: T) => string, analyse: (part: T) => Finding[]): Finding[] {
  return parts.flatMap((part) => safely(what(part), () => analyse(part)));
}
