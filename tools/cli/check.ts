// bedrock-sfn check [--region R] [--account A] [--format text|json|sarif] [--parameter K=V]... [--fix] FILE...
// The policy pack's rules over CloudFormation/SAM/CDK templates, Terraform plans and bare IAM policies.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { BedrockSfnError } from "../../src/core/errors";
import { REGION_NAME } from "../../src/bedrock/regions";
import { type FileResult, checkFile } from "../check/check";
import { fixReport } from "../check/fix";
import type { CheckFinding, CheckNote } from "../check/judge";
import { jsonReport, textReport } from "../check/report";
import { sarifReport } from "../check/sarif";
import { HelpRequested, resolveUserPath, runCli, usageError } from "./lib/args";

const USAGE =
  "bedrock-sfn check [--region <region>] [--account <id>] [--format text|json|sarif] [--parameter <key>=<value>]... [--fix] FILE...\n" +
  "  FILE: a template, a plan, a policy, or a folder such as cdk.out (its *.template.json files).\n" +
  "  Judges the IAM roles and Step Functions state machines of each file with the policy pack's rules: CloudFormation and SAM\n" +
  "  templates (YAML or JSON), CDK output (cdk.out/*.template.json), Terraform plans (terraform show -json plan.out), IAM policies.\n" +
  "  --region <region>        the Region the template deploys to (AWS::Region); a Terraform plan's provider Region wins (default us-east-1)\n" +
  "  --account <id>           the 12-digit account (AWS::AccountId; default 000000000000)\n" +
  "  --format <f>             text (default), json ({findings: [...]}) or sarif (SARIF 2.1.0 for code scanning)\n" +
  "  --parameter <key>=<v>    a template parameter's value (repeatable; parameters default to their Default)\n" +
  "  --fix                    also print the statements each broken role needs, in the file's language (YAML, JSON policy, HCL)\n" +
  "  --help, -h               this help\n" +
  "  Exit 0 when no finding is mandatory, 1 when one is, 2 on bad usage or an unreadable file.";

const FORMATS = ["text", "json", "sarif"] as const;

export async function main(argv: string[] = process.argv.slice(2), stdout: (text: string) => void = (t) => void process.stdout.write(t)): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    if (argv.includes("--help") || argv.includes("-h")) throw new HelpRequested(USAGE);
    throw usageError((e as Error).message.split("\n")[0], USAGE);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new HelpRequested(USAGE);
  const format = values.format ?? "text";
  if (!(FORMATS as readonly string[]).includes(format)) throw usageError(`--format '${format}' is not a format; use one of ${FORMATS.join(", ")}`, USAGE);
  if (values.region !== undefined && !REGION_NAME.test(values.region)) throw usageError(`--region '${values.region}' is not a Region name (e.g. us-east-1)`, USAGE);
  if (values.account !== undefined && !/^\d{12}$/.test(values.account)) throw usageError(`--account '${values.account}' is not a 12-digit account ID`, USAGE);
  const parameters: Record<string, string> = {};
  for (const pair of values.parameter ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw usageError(`--parameter '${pair}' must be <key>=<value>, e.g. --parameter Stage=prod`, USAGE);
    parameters[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  if (positionals.length === 0) throw usageError("give at least one FILE to check", USAGE);
  const files = positionals.flatMap(templatesIn);

  const results: FileResult[] = [];
  for (const file of files) {
    results.push(await checkFile(resolveUserPath(file), { region: values.region, account: values.account, parameters }));
  }
  // Findings name the file as the user typed it: CI tools match SARIF locations against the repository's paths.
  const findings: CheckFinding[] = results.flatMap((r, i) => r.findings.map((f) => ({ ...f, file: files[i] })));
  const notes: CheckNote[] = results.flatMap((r, i) => r.notes.map((n) => ({ ...n, file: files[i] })));
  if (format === "json") stdout(`${jsonReport(findings, notes)}\n`);
  else if (format === "sarif") stdout(`${sarifReport(findings, notes)}\n`);
  else stdout(`${textReport(findings, notes, results.length)}\n`);
  if (values.fix) {
    const fixes = results.map((r, i) => fixReport(r, files[i])).filter((f) => f !== "");
    // In json/sarif mode stdout is one document: the snippets go to stderr.
    const out = format === "text" ? stdout : (t: string) => void process.stderr.write(t);
    out(fixes.length > 0 ? `\n${fixes.join("\n\n")}\n` : "\n--fix: nothing to add\n");
  }
  return findings.some((f) => f.level === "mandatory") ? 1 : 0;
}

/** A folder such as cdk.out stands for the CloudFormation templates in it (`*.template.json`), as `cdk synth` writes them. */
function templatesIn(file: string): string[] {
  const full = resolveUserPath(file);
  if (!fs.statSync(full, { throwIfNoEntry: false })?.isDirectory()) return [file];
  const templates = fs
    .readdirSync(full)
    .filter((name) => name.endsWith(".template.json"))
    .sort()
    .map((name) => path.join(file, name));
  if (templates.length === 0) throw new BedrockSfnError("input", `${file}: a folder without *.template.json files (give the template files, or a cdk.out folder)`);
  return templates;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      region: { type: "string" },
      account: { type: "string" },
      format: { type: "string" },
      parameter: { type: "string", multiple: true },
      fix: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}

if (require.main === module) runCli(() => main());
