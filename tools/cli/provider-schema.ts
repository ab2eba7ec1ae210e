// Run by `npm run build` (and `npm run provider:schema`): writes provider/schema.ts (not tracked), the declarations from which @pulumi/pulumi's component
// provider host infers the Pulumi package schema (bedrock-sfn:index:BedrockStateMachine, ...). It is derived from
// the components' own args interfaces and classes (their names, docs and types), so the schema cannot drift from
// the TypeScript API; generated at build, it adds no file to touch when an argument is added.
//
// Why a derived file instead of pointing the analyzer at components/: the analyzer needs a constructor parameter
// named `args` typed by an interface, supports no union but `T | undefined` and enums, and turns a resource-typed
// member (aws.iam.Role) into a reference to the aws package's schema, which a YAML or Go consumer would then need
// (the Go SDK of @pulumi/aws 7 too). And it type-checks everything its tsconfig reaches: with @pulumi/aws in reach
// that is over a minute on 2 cores; these declarations reach only @pulumi/pulumi.
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..", "..");
export const PROVIDER_SCHEMA_FILE = path.join(ROOT, "provider", "schema.ts");

/** The components served, the file of each, and its args interface. */
const COMPONENTS = [
  { name: "BedrockStateMachine", file: "components/bedrock-state-machine.ts", args: "BedrockStateMachineArgs" },
  { name: "PayloadBucket", file: "components/payload-bucket.ts", args: "PayloadBucketArgs" },
  { name: "ApiFrontDoor", file: "components/api-front-door.ts", args: "ApiFrontDoorArgs" },
] as const;

/** Object types that args use, declared in the facade too (each becomes a schema type). */
const OBJECT_TYPES = [{ file: "src/workflow/options.ts", name: "GuardrailOptions" }] as const;

/** String-literal unions: a plain string in the schema (the component checks the choice, in one line naming them). */
const CHOICE_TYPES = new Set(["WorkflowType", "BatchMode", "QueryLanguage", "LogLevel", "RoutingSource", "ModelFamily", "ApiAuth", "GuardrailTrace"]);

/** Unions of a string and an object: the schema takes the JSON text, which the component accepts as well. */
const JSON_TEXT: Record<string, string> = {
  "string | Record<string, unknown>": "string",
  "(PolicyDocument | string)[]": "string[]",
};

/** What the analyzer takes: primitives, arrays, string maps, pulumi.Input/Output of those, the declared object types. */
const SUPPORTED = /^[\w.<>[\], ]+$/;

function mapType(text: string, where: string): string {
  let mapped = JSON_TEXT[text] ?? text;
  mapped = mapped.replace(/\b[A-Z]\w*\b/g, (name) => (CHOICE_TYPES.has(name) ? "string" : name));
  const names = [...mapped.replace(/\bpulumi\.(Input|Output)\b/g, "").matchAll(/\b[A-Z]\w*\b/g)]
    .map((m) => m[0])
    .filter((n) => n !== "Record" && !OBJECT_TYPES.some((o) => o.name === n));
  if (!SUPPORTED.test(mapped) || names.length > 0) {
    throw new Error(`${where}: type '${text}' has no Pulumi schema form; map it in tools/cli/provider-schema.ts`);
  }
  return mapped;
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), "utf8"), ts.ScriptTarget.ES2022, true);
}

/** The JSDoc block written right before a node, as written. */
function docOf(node: ts.Node, source: ts.SourceFile): string {
  const ranges = ts.getLeadingCommentRanges(source.text, node.getFullStart()) ?? [];
  const doc = ranges.filter((r) => source.text.startsWith("/**", r.pos)).pop();
  return doc ? source.text.slice(doc.pos, doc.end) : "";
}

function indent(doc: string, pad: string): string {
  return doc
    .split("\n")
    .map((line) => `${pad}${line.trim().startsWith("*") ? ` ${line.trim()}` : line.trim()}`)
    .join("\n");
}

function find<T extends ts.Node>(source: ts.SourceFile, test: (node: ts.Node) => node is T, name: string): T {
  const found = source.statements.find((s) => test(s) && (s as unknown as { name?: ts.Identifier }).name?.text === name);
  if (!found) throw new Error(`${source.fileName}: no ${name}`);
  return found as unknown as T;
}

function interfaceText(source: ts.SourceFile, name: string): string {
  const decl = find(source, ts.isInterfaceDeclaration, name);
  const members = decl.members.filter(ts.isPropertySignature).map((member) => {
    const prop = member.name.getText(source);
    const type = mapType(member.type!.getText(source), `${name}.${prop}`);
    const doc = docOf(member, source);
    return `${doc ? `${indent(doc, "  ")}\n` : ""}  ${prop}${member.questionToken ? "?" : ""}: ${type};`;
  });
  const doc = docOf(decl, source);
  return `${doc ? `${indent(doc, "")}\n` : ""}export interface ${name} {\n${members.join("\n")}\n}`;
}

/** The class's outputs: its `pulumi.Output<...>` members of a schema form (resource-typed members are left out). */
function classText(source: ts.SourceFile, name: string, args: string): string {
  const decl = find(source, ts.isClassDeclaration, name);
  const outputs = decl.members.filter(ts.isPropertyDeclaration).flatMap((member) => {
    const text = member.type?.getText(source) ?? "";
    const inner = /^pulumi\.Output<(.+)>$/.exec(text)?.[1];
    if (!inner) return [];
    const optional = / \| undefined$/.test(inner);
    let mapped: string;
    try {
      mapped = mapType(inner.replace(/ \| undefined$/, ""), `${name}.${member.name.getText(source)}`);
    } catch {
      return []; // Structured outputs (the resolved model, a definition's analysis) stay TypeScript-only.
    }
    const doc = docOf(member, source);
    return [`${doc ? `${indent(doc, "  ")}\n` : ""}  readonly ${member.name.getText(source)}${optional ? "?" : ""}: pulumi.Output<${mapped}>;`];
  });
  const doc = docOf(decl, source);
  return [
    `${doc ? `${indent(doc, "")}\n` : ""}export declare class ${name} extends pulumi.ComponentResource {`,
    ...outputs,
    `  constructor(name: string, args: ${args}, opts?: pulumi.ComponentResourceOptions);`,
    "}",
  ].join("\n");
}

/** The text of provider/schema.ts. */
export function providerSchemaSource(): string {
  const parts = [
    "// Generated by `npm run build` (tools/cli/provider-schema.ts) from the components' args interfaces and\n" +
      "// classes: do not edit. @pulumi/pulumi's component provider host infers the Pulumi package schema from it.\n" +
      'import type * as pulumi from "@pulumi/pulumi";',
  ];
  for (const object of OBJECT_TYPES) parts.push(interfaceText(parse(object.file), object.name));
  for (const component of COMPONENTS) {
    const source = parse(component.file);
    parts.push(interfaceText(source, component.args), classText(source, component.name, component.args));
  }
  return `${parts.join("\n\n")}\n`;
}

if (require.main === module) {
  const text = providerSchemaSource();
  const before = fs.existsSync(PROVIDER_SCHEMA_FILE) ? fs.readFileSync(PROVIDER_SCHEMA_FILE, "utf8") : "";
  if (text !== before) fs.writeFileSync(PROVIDER_SCHEMA_FILE, text);
  // stderr: `npm pack --json` runs this through prepare, and its stdout must stay one JSON document.
  process.stderr.write(`provider/schema.ts: ${text === before ? "up to date" : "written"}\n`);
}
