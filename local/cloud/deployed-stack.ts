// What the offline real engine deployed, read from Pulumi's own checkpoint (the local backend's stack file):
// `<project>/.pulumi-local/.pulumi/stacks/<project>/<stack>.json`, resources under `checkpoint.latest.resources[]`.
// `serve` serves this (the role policy and definition as recorded) when it exists, otherwise what synth produces.

import * as fs from "node:fs";
import * as path from "node:path";
import type { SynthesizedStack } from "../local-stack";

export const STACK_RESOURCE_TYPE = "pulumi:pulumi:Stack";

/** A checkpoint that exists but cannot be read; reported as it is, never silently replaced by synth. */
export class CheckpointError extends Error {
  override name = "CheckpointError";
}

interface CheckpointResource {
  urn?: string;
  type?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export function checkpointPath(projectDir: string, project: string, stack: string): string {
  return path.join(projectDir, ".pulumi-local", ".pulumi", "stacks", project, `${stack}.json`);
}

/**
 * The deployed stack as a synth-shaped result (type, name, inputs; outputs of the stack resource), or undefined when
 * nothing is deployed (no file, or a checkpoint without resources: never deployed or destroyed).
 * A resource's recorded outputs win over its inputs: they are what the provider reported after the deploy.
 */
export function readDeployedStack(file: string, config: Record<string, string>): SynthesizedStack | undefined {
  if (!fs.existsSync(file)) return undefined;
  let document: { checkpoint?: { latest?: { resources?: CheckpointResource[] } | null } };
  try {
    document = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new CheckpointError(`the deployed stack's checkpoint ${file} is not JSON (${(error as Error).message})`);
  }
  const resources = document?.checkpoint?.latest?.resources;
  if (resources === undefined || resources === null || resources.length === 0) return undefined;
  if (!Array.isArray(resources)) throw new CheckpointError(`${file}: checkpoint.latest.resources is not a list`);
  const stackResource = resources.find((resource) => resource.type === STACK_RESOURCE_TYPE);
  return {
    config,
    resources: resources
      .filter((resource) => typeof resource.type === "string" && resource.type !== STACK_RESOURCE_TYPE)
      .map((resource) => ({ type: resource.type!, name: nameOf(resource.urn), inputs: { ...(resource.inputs ?? {}), ...plain(resource.outputs) } })),
    outputs: plain(stackResource?.outputs),
  };
}

/** `urn:pulumi:<stack>::<project>::<type chain>::<name>` -> `<name>`. */
function nameOf(urn: string | undefined): string {
  return urn?.split("::").pop() ?? "";
}

// Secret values are ciphertext in a checkpoint; leave them out rather than pass ciphertext on as a value.
function plain(values: Record<string, unknown> | undefined): Record<string, unknown> {
  const SECRET_SIG = "4dabf18193072939515e22adb298388d";
  return Object.fromEntries(Object.entries(values ?? {}).filter(([, value]) => !(value && typeof value === "object" && SECRET_SIG in value)));
}
