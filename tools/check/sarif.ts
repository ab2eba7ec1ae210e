// SARIF 2.1.0 for code scanning (GitHub and others): one rule per pack policy, with its description and metadata;
// one result per finding, located at the file and line where the source gives one.
import { policies } from "../../policy-pack/policies";
import type { CheckFinding, CheckNote } from "./judge";

const SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

export function sarifReport(findings: CheckFinding[], notes: CheckNote[]): string {
  const rules = policies.map((p) => ({
    id: p.name,
    name: p.name,
    shortDescription: { text: firstSentence(p.description ?? p.name) },
    fullDescription: { text: p.description ?? p.name },
    ...(p.remediationSteps ? { help: { text: p.remediationSteps } } : {}),
    defaultConfiguration: { level: p.enforcementLevel === "advisory" ? "warning" : "error" },
    properties: { tags: p.tags ?? [], ...(p.severity ? { severity: p.severity } : {}) },
  }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = findings.map((f) => ({
    ruleId: f.policy,
    ...(index.has(f.policy) ? { ruleIndex: index.get(f.policy) } : {}),
    level: f.level === "mandatory" ? "error" : "warning",
    message: { text: f.resource ? `${f.resource}: ${f.message}` : f.message },
    locations: [location(f.file, f.line)],
  }));
  const notifications = notes.map((n) => ({ level: "note", message: { text: n.message }, locations: [location(n.file, n.line)] }));
  const log = {
    $schema: SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "bedrock-sfn check", rules } },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}

function location(file: string, line?: number) {
  return { physicalLocation: { artifactLocation: { uri: file.split("\\").join("/") }, ...(line !== undefined ? { region: { startLine: line } } : {}) } };
}

function firstSentence(text: string): string {
  const end = text.indexOf(". ");
  return end === -1 ? text : text.slice(0, end + 1);
}
