// Runs the Pulumi program offline under Pulumi's mock engine with a stack's config, and returns what it
// would create: each resource's type, name and resolved inputs, and the stack outputs.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { CONFIG_KEYS, PROJECT } from "../../../stack/settings";
import { clip, summariseList } from "../../../src/bedrock/text";
import { unknownConfigKeys } from "../../../stack/keys";
import { checkSettings } from "../../../stack/check";
import { readSettings } from "../../../stack/settings";
import { offlineMocks } from "../../shared/mocks";
import { BedrockSfnError } from "../../../src/core/errors";
import type { RecordedResource } from "../../shared/recorded-resources";

/** A resource the mock engine registered: the one recorded-resource shape the pack's evaluateResources judges. */
export type SynthResource = RecordedResource;

export interface SynthResult {
  stack: string;
  /** One-line notes for stderr: secrets shown as placeholders, IDs the bundled lists do not know. */
  notes?: string[];
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
export class StackConfigError extends BedrockSfnError {
  constructor(message: string) {
    super("config", message);
  }
}

export const PROJECT_DIR = path.resolve(__dirname, "..", "..", "..");

function stackNames(projectDir = PROJECT_DIR): string[] {
  return fs
    .readdirSync(projectDir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort();
}

/** The stack file's config merged with overrides, values as the CLI hands them to the program (strings). */
export function stackConfig(stack: string, overrides: Record<string, string> = {}, projectDir = PROJECT_DIR, notes: string[] = []): Record<string, string> {
  const fileName = `Pulumi.${stack}.yaml`;
  const file = path.join(projectDir, fileName);
  if (!/^[\w.-]+$/.test(stack) || !fs.existsSync(file)) {
    throw new StackConfigError(`stack '${clip(stack, 40)}' has no Pulumi.${clip(stack, 40)}.yaml; stacks: ${summariseList(stackNames(projectDir))}`);
  }
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...readStackFile(file, fileName), ...overrides })) {
    config[key] = isSecret(value) ? secretPlaceholder(key, fileName, notes) : typeof value === "string" ? value : JSON.stringify(value);
  }
  const unknown = unknownConfigKeys(Object.keys(config), `${fileName} or --config`);
  if (unknown) throw new StackConfigError(unknown);
  return config;
}

function readStackFile(file: string, fileName: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, "utf8")) ?? {};
  } catch (err) {
    // The yaml package reports positions as linePos [{line, col}]; its message repeats the offending source.
    const e = err as { linePos?: { line: number; col: number }[]; code?: string; message?: string };
    const at = e.linePos?.[0] ? `:${e.linePos[0].line}:${e.linePos[0].col}` : "";
    const reason = (e.message ?? String(err)).split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new StackConfigError(`${fileName}${at}: not valid YAML: ${clip(reason, 160)}`);
  }
  const config = (doc as { config?: unknown } | null)?.config ?? {};
  if (typeof doc !== "object" || doc === null || Array.isArray(doc) || typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new StackConfigError(`${fileName}: expected a mapping with a 'config:' mapping of key: value pairs`);
  }
  return config as Record<string, unknown>;
}

// `pulumi config set --secret` writes {secure: <ciphertext>}; only the Pulumi CLI can decrypt it.
function isSecret(value: unknown): value is { secure: string } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

/** Free-text keys may stand in as a placeholder offline; a secret model ID or Region cannot. */
const PLACEHOLDER_KEYS = new Set([CONFIG_KEYS.systemPrompt]);

function secretPlaceholder(key: string, fileName: string, notes: string[]): string {
  if (!PLACEHOLDER_KEYS.has(key)) {
    throw new StackConfigError(
      `${clip(key, 60)} is a secret in ${fileName}; its value is not available offline (only the Pulumi CLI decrypts it): give it with --config ${clip(key, 60)}=<value>`,
    );
  }
  notes.push(`note: ${key} is a secret in ${fileName}; its value is not available offline, so the output shows ${SECRET_PLACEHOLDER}`);
  return SECRET_PLACEHOLDER;
}

/** What an offline tool shows instead of a secret's value. */
export const SECRET_PLACEHOLDER = "[secret: not available offline]";

/** Runs the program under mocks. Safe to call repeatedly in one process (each call resets the mock engine). */
export async function synthesize(options: SynthOptions): Promise<SynthResult> {
  const notes: string[] = [];
  const config = stackConfig(options.stack, options.overrides, options.projectDir, notes);
  // The program checks the same settings; run here first so its notes reach stderr, not the mock engine's stdout.
  // Bad config is left for the program to report, as `pulumi up` would.
  try {
    notes.push(
      ...checkSettings(
        readSettings((key) => config[key]),
        options.projectDir ?? PROJECT_DIR,
      ),
    );
  } catch {}
  const resources: SynthResource[] = [];
  const mocks = offlineMocks(config["aws:region"] ?? "us-east-1", (r) => resources.push(r), !options.withoutComputedOutputs);
  await pulumi.runtime.setMocks(mocks, PROJECT, options.stack, true);
  pulumi.runtime.setAllConfig(config);
  // The program runs in a stack, as under `pulumi up`: the stack's outputs are what it exports, resolved, and a
  // stack transformation sees every resource it constructs (to read back each one's URN).
  const constructed: pulumi.Resource[] = [];
  const run = pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      constructed.push(args.resource);
      return undefined;
    });
    // Loaded after the mocks so the program's resources register with the mock engine.
    const { program } = require("../../../stack/program") as typeof import("../../../stack/program");
    return program();
  });
  // A resource's URN is known once its registration is done: awaiting them all leaves nothing in flight.
  const { outputs, urns } = await failingLikePulumi(async () => {
    const result = { outputs: await run, urns: await Promise.all(constructed.map((r) => knownValue(r.urn))) };
    // The stack's own last calls (its outputs) drain too, as the runner does before it exits.
    await pulumi.runtime.disconnect();
    return result;
  });
  attachUrns(resources, urns);
  // A definition of your own exports its notes (what `pulumi up` logs); offline they go to stderr with the rest.
  const own = (outputs as Record<string, unknown> | undefined)?.notes;
  if (Array.isArray(own)) notes.push(...own.filter((note): note is string => typeof note === "string"));
  return { stack: options.stack, notes, config, resources, outputs: (outputs ?? {}) as Record<string, unknown> };
}

/**
 * An error in an apply (a model the catalog cannot route, say) fails the registrations that depend on it and
 * surfaces as an unhandled rejection, never settling the stack's outputs; Pulumi's Node.js runner ends the
 * program with the first such error, and so does this.
 */
async function failingLikePulumi<T>(work: () => Promise<T>): Promise<T> {
  let fail: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const onRejection = (error: unknown) => fail(withoutSerializingPrefix(error));
  process.on("unhandledRejection", onRejection);
  try {
    return await Promise.race([work(), failed]);
  } finally {
    // Registrations failing after the first error are the same error: they still end here, not in the caller.
    setTimeout(() => process.off("unhandledRejection", onRejection), 1000).unref();
  }
}

/** The SDK prefixes an error thrown while an input is serialized with where it was; the user's error is the rest. */
function withoutSerializingPrefix(error: unknown): unknown {
  if (error instanceof Error) error.message = error.message.replace(/^(error serializing property "[^"]*": )+/, "");
  return error;
}

/** The value of an output that is always known (a URN). */
function knownValue<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

// URNs end `<parent types>$<type>::<name>`; a name is unique per type within the stack here.
function attachUrns(resources: SynthResource[], urns: string[]): void {
  for (const resource of resources) resource.urn = urns.find((urn) => urn.endsWith(`$${resource.type}::${resource.name}`));
}
