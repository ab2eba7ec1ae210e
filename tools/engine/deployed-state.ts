// What the offline engine deployed, read from the stack's checkpoint (Pulumi's own state file in the local file
// backend). The AWS provider stand-in records every resource's inputs and the outputs it computed there, so the
// local cloud can serve a deployed stack's role policies and definition exactly as the engine recorded them.
import * as fs from "node:fs";
import { parseJson } from "../../src/json";
import { BedrockSfnError } from "../../src/core/errors";
import type { RecordedResource } from "../shared/recorded-resources";
import { localBackendDir, stackStatePath } from "./paths";

/** A resource the real engine recorded in a checkpoint: the one recorded-resource shape, with its URN and outputs. */
export type DeployedResource = RecordedResource & { urn: string; outputs: Record<string, unknown> };

/** A checkpoint that exists but cannot be read; reported as it is, never silently replaced by synth. */
export class CheckpointError extends BedrockSfnError {
  constructor(message: string) {
    super("input", message);
  }
}

/** The stack's resources, or undefined when the backend has no such stack (never deployed offline). */
export function readDeployedResources(stack: string, backendDir: string = localBackendDir()): DeployedResource[] | undefined {
  return readCheckpointResources(stackStatePath(stack, backendDir));
}

/** The resources recorded in one checkpoint file (empty when never deployed or destroyed); undefined when there is no file. */
export function readCheckpointResources(file: string): DeployedResource[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let state: { checkpoint?: { latest?: { resources?: Array<Record<string, unknown>> } | null } };
  try {
    state = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(`the deployed stack's checkpoint ${file} is not JSON (${(error as Error).message})`);
  }
  const resources = state?.checkpoint?.latest?.resources ?? [];
  if (!Array.isArray(resources)) throw new CheckpointError(`${file}: checkpoint.latest.resources is not a list`);
  return resources.map((r) => ({
    urn: String(r.urn),
    type: String(r.type),
    name: String(r.urn).split("::").pop() ?? "",
    ...(typeof r.id === "string" && r.id !== "" ? { id: r.id } : {}),
    inputs: (r.inputs as Record<string, unknown>) ?? {},
    outputs: (r.outputs as Record<string, unknown>) ?? {},
  }));
}

export interface DeployedWorkflow {
  stateMachineArn: string;
  type: string;
  definition: unknown;
  roleArn: string;
  /** The inline policies (RolePolicy resources) of the state machine's role, parsed. */
  rolePolicies: unknown[];
}

/** Each state machine of a deployed stack with its role's inline policies. */
export function deployedWorkflows(resources: DeployedResource[]): DeployedWorkflow[] {
  const roles = resources.filter((r) => r.type === "aws:iam/role:Role");
  const policies = resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy");
  return resources
    .filter((r) => r.type === "aws:sfn/stateMachine:StateMachine")
    .map((machine) => {
      const roleArn = String(machine.outputs.roleArn ?? "");
      const role = roles.find((r) => r.outputs.arn === roleArn);
      const roleName = role?.outputs.name ?? role?.id;
      return {
        stateMachineArn: String(machine.outputs.arn ?? machine.id ?? ""),
        type: String(machine.outputs.type ?? "STANDARD"),
        definition: jsonOrValue(machine.outputs.definition),
        roleArn,
        rolePolicies: policies.filter((p) => roleName !== undefined && p.outputs.role === roleName).map((p) => jsonOrValue(p.outputs.policy)),
      };
    });
}

/** A recorded output as JSON where it is JSON text; anything else as it is. */
function jsonOrValue(value: unknown): unknown {
  return typeof value === "string" ? parseJson(value, () => value) : value;
}
