// The outputs of a deployed stack that `npm run invoke` needs, from `pulumi stack output --json` or the Automation API.

import * as fs from "node:fs";
import { isModelFamily, type ModelFamily } from "../../../src/bedrock/families";
import { WORKFLOW_TYPES } from "../../../src/core/defaults";
import { BedrockSfnError } from "../../../src/core/errors";

export interface DeployedStack {
  stateMachineArn: string;
  payloadBucketName: string;
  workflowType: "STANDARD" | "EXPRESS";
  region: string;
  modelId: string;
  /** The request format the deployed workflow uses (stacks deployed before this output existed lack it). */
  modelFamily?: ModelFamily;
}

/** Missing or malformed stack outputs; the CLI reports it as a usage error. */
export class StackOutputsError extends BedrockSfnError {
  constructor(message: string) {
    super("input", message);
  }
}

/** Checks the plain `{name: value}` outputs and names whatever is missing or wrong. */
export function deployedStackFrom(outputs: Record<string, unknown>, source: string): DeployedStack {
  const problems: string[] = [];
  const text = (name: Exclude<keyof DeployedStack, "modelFamily">): string => {
    const value = outputs[name];
    if (typeof value !== "string" || value === "") {
      problems.push(`'${name}' is ${value === undefined ? "missing" : `not a non-empty string (got ${JSON.stringify(value)})`}`);
      return "";
    }
    return value;
  };
  const stack = {
    stateMachineArn: text("stateMachineArn"),
    payloadBucketName: text("payloadBucketName"),
    workflowType: text("workflowType") as DeployedStack["workflowType"],
    region: text("region"),
    modelId: text("modelId"),
    ...(isModelFamily(outputs.modelFamily) ? { modelFamily: outputs.modelFamily } : {}),
  };
  if (stack.workflowType && !(WORKFLOW_TYPES as readonly string[]).includes(stack.workflowType)) {
    problems.push(`'workflowType' is '${stack.workflowType}'; valid values: ${WORKFLOW_TYPES.join(", ")}`);
  }
  if (stack.stateMachineArn && !/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[\w-]+$/.test(stack.stateMachineArn)) {
    problems.push(`'stateMachineArn' '${stack.stateMachineArn}' is not a state machine ARN`);
  }
  if (problems.length > 0) throw new StackOutputsError(`stack outputs from ${source}: ${problems.join("; ")}`);
  return stack;
}

/** Reads a file written by `pulumi stack output --json` (plain `{name: value}`). */
export function readOutputsFile(file: string): DeployedStack {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new StackOutputsError(`cannot read --outputs-file '${file}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StackOutputsError(`--outputs-file '${file}' is not JSON (${(error as Error).message}); write it with: pulumi stack output --json > ${file}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new StackOutputsError(`--outputs-file '${file}' must hold the JSON object that 'pulumi stack output --json' prints`);
  }
  return deployedStackFrom(value as Record<string, unknown>, `'${file}'`);
}

/** Asks the Pulumi CLI, through the Automation API, for the outputs of a stack of the project in `workDir`. */
export async function readOutputsWithAutomation(stackName: string, workDir: string): Promise<DeployedStack> {
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  let outputs: Record<string, { value: unknown }>;
  try {
    const stack = await LocalWorkspace.selectStack({ stackName, workDir });
    outputs = await stack.outputs();
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const alternative = "or pass --outputs-file <file written by 'pulumi stack output --json'>";
    if (/ENOENT/.test(message)) {
      throw new StackOutputsError(`cannot read the outputs of stack '${stackName}': the Pulumi CLI is not installed (not found on PATH); install it, ${alternative}`);
    }
    throw new StackOutputsError(`cannot read the outputs of stack '${stackName}' through the Pulumi CLI: ${lastLine(message)}; ${alternative}`);
  }
  const plain = Object.fromEntries(Object.entries(outputs).map(([name, output]) => [name, output.value]));
  return deployedStackFrom(plain, `stack '${stackName}'`);
}

// The CLI's own complaint (e.g. "no stack named 'dev' found") is the last line of its stderr.
function lastLine(text: string): string {
  return (
    text
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean)
      .pop() ?? text
  );
}
