// The findings of `bedrock-sfn check` for people (text: one block per finding) and for scripts (json).
import type { CheckFinding, CheckNote } from "./judge";

export function textReport(findings: CheckFinding[], notes: CheckNote[], files: number): string {
  const blocks = findings.map((f) => {
    const where = f.line !== undefined ? `${f.file}:${f.line}` : f.file;
    const head = `${where}: ${f.level} ${f.policy}${f.resource ? ` (${f.resource})` : ""}`;
    return `${head}\n${f.message
      .split("\n")
      .map((l) => `  ${l}`)
      .join("\n")}`;
  });
  const noteLines = notes.map((n) => `${n.line !== undefined ? `${n.file}:${n.line}` : n.file}: note: ${n.message}`);
  const mandatory = findings.filter((f) => f.level === "mandatory").length;
  const summary =
    findings.length === 0
      ? `no findings in ${files} file${files === 1 ? "" : "s"}`
      : `${findings.length} finding${findings.length === 1 ? "" : "s"} (${mandatory} mandatory, ${findings.length - mandatory} advisory) in ${files} file${files === 1 ? "" : "s"}`;
  return [...blocks, ...(noteLines.length > 0 ? [noteLines.join("\n")] : []), summary].join("\n\n");
}

export function jsonReport(findings: CheckFinding[], notes: CheckNote[]): string {
  return JSON.stringify({ findings, notes }, null, 2);
}
