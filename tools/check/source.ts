// Reads one input file of `bedrock-sfn check` and says what it is: a CloudFormation/SAM/CDK template (YAML or JSON),
// a Terraform plan (`terraform show -json`), or a bare IAM policy. YAML goes through js-yaml with CloudFormation's
// short-form tags as custom types (each becomes its long form): about a tenth of the `yaml` package's CPU on a large
// template (tools/bench/check.ts). A template with anchors goes through the `yaml` package instead, whose alias limit
// refuses aliases that expand exponentially (js-yaml shares them, and walking the result would not end).
import * as fs from "node:fs";
import * as jsyaml from "js-yaml";
import { type Tags, LineCounter, isMap, isScalar, parseDocument } from "yaml";
import type { InputResource } from "../shared/evaluate-pack";
import { BedrockSfnError } from "../../src/core/errors";

export type SourceKind = "cloudformation" | "terraform" | "policy";
export type Language = "yaml" | "json" | "hcl";

export interface Source {
  file: string;
  kind: SourceKind;
  /** The language --fix answers in. */
  language: Language;
  value: Record<string, unknown>;
  /** Line of a key under the template's Resources (YAML and JSON templates). */
  resourceLine(id: string): number | undefined;
}

/** Pack resources read from one file, each with where it is written. */
export interface CheckInput {
  resources: InputResource[];
  /** Resource name -> the line it is declared on, and the name the user knows it by. */
  locations: Map<string, { line?: number; label: string }>;
  /** What the reader assumed or could not read (DefinitionUri, SAM policy templates, Fn::If). */
  notes: { message: string; line?: number }[];
  /** The Region the resources are deployed in (from --region or the file itself). */
  region: string;
}

/** Short form -> long form. `!GetAtt a.b` stays a string; the resolver splits it. */
const SHORT_FORMS: Record<string, string> = {
  "!Ref": "Ref",
  "!Sub": "Fn::Sub",
  "!GetAtt": "Fn::GetAtt",
  "!Join": "Fn::Join",
  "!If": "Fn::If",
  "!Select": "Fn::Select",
  "!Split": "Fn::Split",
  "!FindInMap": "Fn::FindInMap",
  "!ImportValue": "Fn::ImportValue",
  "!Base64": "Fn::Base64",
  "!GetAZs": "Fn::GetAZs",
  "!Cidr": "Fn::Cidr",
  "!Equals": "Fn::Equals",
  "!And": "Fn::And",
  "!Or": "Fn::Or",
  "!Not": "Fn::Not",
  "!Condition": "Condition",
  "!ToJsonString": "Fn::ToJsonString",
  "!Transform": "Fn::Transform",
};

const CLOUDFORMATION_TAGS: Tags = Object.entries(SHORT_FORMS).flatMap(([tag, long]) => [
  { tag, resolve: (text: string) => ({ [long]: text }) },
  { tag, collection: "seq" as const, resolve: (seq: { toJSON(): unknown }) => ({ [long]: seq.toJSON() }) },
  { tag, collection: "map" as const, resolve: (map: { toJSON(): unknown }) => ({ [long]: map.toJSON() }) },
]) as unknown as Tags;

// YAML 1.2 core types, as the yaml package reads by default: `2012-10-17` stays a string (1.1 timestamps would not).
const CLOUDFORMATION_SCHEMA = jsyaml.CORE_SCHEMA.extend(
  Object.entries(SHORT_FORMS).flatMap(([tag, long]) =>
    (["scalar", "sequence", "mapping"] as const).map((kind) => new jsyaml.Type(tag, { kind, construct: (data: unknown) => ({ [long]: data ?? (kind === "scalar" ? "" : data) }) })),
  ),
);

/** An anchor (`&name`) where YAML allows one: a value's start, after a key, a dash or a flow bracket. */
const ANCHOR = /(?:^|[\s[{,:-])&[^\s,[\]{}]+/m;

/** An unreadable input: one line naming the file and what is wrong (the CLI exits 2). */
function unreadable(file: string, what: string): BedrockSfnError {
  return new BedrockSfnError("input", `${file}: ${what}`);
}

export function readSource(file: string): Source {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw unreadable(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) return fromJson(file, text);
  return fromYaml(file, text);
}

function fromJson(file: string, text: string): Source {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw unreadable(file, `is not valid JSON (${(e as Error).message})`);
  }
  const kind = kindOf(file, value);
  let lines: Map<string, number> | undefined;
  const resourceLine = (id: string) => {
    lines ??= jsonKeyLines(text);
    return lines.get(id);
  };
  return { file, kind, language: kind === "terraform" ? "hcl" : "json", value: value as Record<string, unknown>, resourceLine };
}

function fromYaml(file: string, text: string): Source {
  if (ANCHOR.test(text)) return fromYamlWithAliases(file, text);
  let value: unknown;
  try {
    // json: a repeated key keeps its last value, as the yaml package's uniqueKeys: false does.
    value = jsyaml.load(text, { schema: CLOUDFORMATION_SCHEMA, json: true, filename: file });
  } catch (e) {
    const error = e as { mark?: { line: number }; reason?: string; message: string };
    throw unreadable(file, `is not valid YAML (line ${error.mark ? error.mark.line + 1 : "?"}: ${(error.reason ?? error.message).split("\n")[0]})`);
  }
  const kind = kindOf(file, value);
  let lines: Map<string, number> | undefined;
  const resourceLine = (id: string) => {
    lines ??= yamlResourceLines(text);
    return lines.get(id);
  };
  return { file, kind, language: "yaml", value: value as Record<string, unknown>, resourceLine };
}

/**
 * The line of each key directly under a top-level `Resources:` key of a block-style YAML template, in one linear
 * scan (js-yaml keeps no positions): the first indented key line sets the indentation of the resources' keys.
 */
function yamlResourceLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const all = text.split("\n");
  const start = all.findIndex((line) => /^Resources\s*:\s*(#.*)?$/.test(line));
  if (start === -1) return lines;
  let indent: string | undefined;
  for (let i = start + 1; i < all.length; i++) {
    const line = all[i];
    if (/^\S/.test(line) && !line.startsWith("#")) break;
    const m = /^(\s+)(?:"([^"]+)"|'([^']+)'|([^\s#:'"][^:#]*?))\s*:(?:\s|$)/.exec(line);
    if (!m) continue;
    indent ??= m[1];
    if (m[1] !== indent) continue;
    const key = m[2] ?? m[3] ?? m[4];
    if (!lines.has(key)) lines.set(key, i + 1);
  }
  return lines;
}

function fromYamlWithAliases(file: string, text: string): Source {
  const counter = new LineCounter();
  const doc = parseDocument(text, { customTags: CLOUDFORMATION_TAGS, lineCounter: counter, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const [first] = doc.errors;
    throw unreadable(file, `is not valid YAML (line ${first.linePos?.[0].line ?? "?"}: ${first.message.split("\n")[0]})`);
  }
  let value: unknown;
  try {
    // yaml's default alias limit stands: aliases that expand exponentially are refused, not followed.
    value = doc.toJS();
  } catch (e) {
    throw unreadable(file, `cannot be read as YAML (${(e as Error).message.split("\n")[0]})`);
  }
  const kind = kindOf(file, value);
  const lines = new Map<string, number>();
  const resources = isMap(doc.contents) ? doc.contents.get("Resources", true) : undefined;
  if (isMap(resources)) {
    for (const pair of resources.items) {
      if (isScalar(pair.key) && pair.key.range) lines.set(String(pair.key.value), counter.linePos(pair.key.range[0]).line);
    }
  }
  return { file, kind, language: "yaml", value: value as Record<string, unknown>, resourceLine: (id) => lines.get(id) };
}

function kindOf(file: string, value: unknown): SourceKind {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw unreadable(file, "is not a CloudFormation/SAM template, a Terraform plan or an IAM policy (its top level is not an object)");
  }
  const v = value as Record<string, unknown>;
  if ("planned_values" in v || ("format_version" in v && "terraform_version" in v)) return "terraform";
  if ("Resources" in v || "AWSTemplateFormatVersion" in v || "Transform" in v) return "cloudformation";
  if ("Statement" in v) return "policy";
  throw unreadable(
    file,
    "is not a CloudFormation/SAM template (no Resources), a Terraform plan (no planned_values; use `terraform show -json plan.out`) or an IAM policy (no Statement)",
  );
}

/**
 * The line of each key written `"key": {` after the template's `"Resources"` key, first occurrence: JSON.parse keeps
 * no positions, and one scan is linear (a search per resource would be quadratic on a large template).
 */
function jsonKeyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const from = text.indexOf('"Resources"');
  if (from === -1) return lines;
  const key = /"((?:[^"\\\n]|\\.)*)"\s*:\s*\{/g;
  key.lastIndex = from;
  let line = 1;
  let at = 0;
  for (let m = key.exec(text); m !== null; m = key.exec(text)) {
    for (let i = text.indexOf("\n", at); i !== -1 && i < m.index; i = text.indexOf("\n", i + 1)) {
      line++;
      at = i + 1;
    }
    if (!lines.has(m[1])) lines.set(m[1], line);
  }
  return lines;
}
