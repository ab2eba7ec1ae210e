// Runs the Pulumi program offline under Pulumi's mock engine with a stack's config, and returns what it
// would create: each resource's type, name and resolved inputs, and the stack outputs.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { CONFIG_KEYS, PROJECT } from "../../config/settings";
import { offlineMocks } from "./mocks";

export interface SynthResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** The resource's URN under the mock engine: its type chain shows where it sits in the component tree. */
  urn?: string;
}

export interface SynthResult {
  stack: string;
  config: Record<string, string>;
  resources: SynthResource[];
  outputs: Record<string, unknown>;
}

export interface SynthOptions {
  stack: string;
  overrides?: Record<string, string>;
  /** Folder holding Pulumi.<stack>.yaml; the project root by default. */
  projectDir?: string;
  /** Answer like a first preview: resources report no computed outputs (see offlineMocks). */
  withoutComputedOutputs?: boolean;
}

/** A stack name or config key the project does not have. */
export class StackConfigError extends Error {
  override name = "StackConfigError";
}

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

export function stackNames(projectDir = PROJECT_DIR): string[] {
  return fs
    .readdirSync(projectDir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort();
}

/** The stack file's config merged with overrides, values as the CLI hands them to the program (strings). */
export function stackConfig(stack: string, overrides: Record<string, string> = {}, projectDir = PROJECT_DIR): Record<string, string> {
  const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
  if (!/^[\w.-]+$/.test(stack) || !fs.existsSync(file)) {
    throw new StackConfigError(`stack '${stack}' has no Pulumi.${stack}.yaml; stacks: ${stackNames(projectDir).join(", ")}`);
  }
  const doc = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...(doc.config ?? {}), ...overrides })) {
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  const known = new Set(Object.values(CONFIG_KEYS));
  const unknown = Object.keys(config).filter((k) => k.startsWith(`${PROJECT}:`) && !known.has(k));
  if (unknown.length) {
    throw new StackConfigError(`unknown config key ${unknown.map((k) => `'${k}'`).join(", ")}; valid keys: ${[...known].join(", ")}`);
  }
  return config;
}

/** Runs the program under mocks. Safe to call repeatedly in one process (each call resets the mock engine). */
export async function synthesize(options: SynthOptions): Promise<SynthResult> {
  const config = stackConfig(options.stack, options.overrides, options.projectDir);
  const resources: SynthResource[] = [];
  const mocks = offlineMocks(config["aws:region"] ?? "us-east-1", (r) => resources.push(r), !options.withoutComputedOutputs);
  await pulumi.runtime.setMocks(mocks, PROJECT, options.stack, true);
  pulumi.runtime.setAllConfig(config);
  // Loaded after the mocks so the program's resources register with the mock engine.
  const { program } = require("../../program") as typeof import("../../program");
  const outputs = await resolveOutputs(program() as Record<string, unknown>);
  // Registrations that no output depends on may still be in flight.
  await settle();
  attachUrns(resources);
  return { stack: options.stack, config, resources, outputs };
}

async function resolveOutputs(exports: Record<string, unknown>): Promise<Record<string, unknown>> {
  const entries = await Promise.all(
    Object.entries(exports).map(async ([key, value]) => [key, await valueOf(value)] as const),
  );
  return Object.fromEntries(entries);
}

/** An output's value; undefined where the engine would show it as unknown (as in a first preview). */
async function valueOf(value: unknown): Promise<unknown> {
  if (!pulumi.Output.isInstance(value)) return value;
  const output = value as unknown as { isKnown: Promise<boolean>; promise(): Promise<unknown> };
  return (await output.isKnown) ? output.promise() : undefined;
}

function attachUrns(resources: SynthResource[]): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as { getRegisteredResources?(): Map<string, unknown> };
  const urns = [...(monitor.getRegisteredResources?.().keys() ?? [])];
  for (const resource of resources) {
    resource.urn = urns.find((urn) => urn.endsWith(`${resource.type}::${resource.name}`));
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}
