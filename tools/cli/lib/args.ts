// Command-line parsing shared by synth, local, invoke and start: `--stack`, repeated `--config key=value`, `--json`,
// `--help`/`-h`, and path options resolved from the folder the user stands in.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ParseArgsConfig, parseArgs } from "node:util";
import { clip, clipLines } from "../../../src/bedrock/text";
import { BedrockSfnError, isBedrockSfnError } from "../../../src/core/errors";

/** Bad command-line use: the scripts print the message and exit 2. */
export class UsageError extends BedrockSfnError {
  constructor(message: string) {
    super("usage", message);
  }
}

/** `--help` / `-h`: runCli prints the usage on stdout and exits 0. */
export class HelpRequested extends Error {
  override name = "HelpRequested";
  constructor(readonly usage: string) {
    super(usage);
  }
}

type NodeOption = NonNullable<ParseArgsConfig["options"]>[string];
/** A parseArgs option; `path: true` (or a name ending in `-file`/`-dir`) resolves the value against the user's folder. */
export type Option = NodeOption & { path?: boolean };
type Options = Record<string, Option>;

export interface CommonArgs {
  stack: string;
  overrides: Record<string, string>;
  json: boolean;
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
}

const COMMON: Options = {
  stack: { type: "string", short: "s" },
  config: { type: "string", short: "c", multiple: true },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
};

/**
 * The folder the user ran the command from. `npm run` and `npx` change the working directory to the project
 * root and keep the caller's folder in INIT_CWD.
 */
function userDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.INIT_CWD && path.isAbsolute(env.INIT_CWD) ? env.INIT_CWD : process.cwd();
}

/** A path as the user typed it, made absolute from where they stand. */
export function resolveUserPath(value: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(userDirectory(env), value);
}

const isPathOption = (name: string, option: Option) => option.path === true || /-(file|dir)$/.test(name);

/** `defaultStack`: the stack when `--stack` is not given; without it, `--stack` is required. */
export function parseCommonArgs(argv: string[], extra: Options = {}, usage = "", defaultStack?: string): CommonArgs {
  const options: Options = { ...COMMON, ...extra };
  const nodeOptions = Object.fromEntries(Object.entries(options).map(([name, { path: _path, ...option }]) => [name, option]));
  const withUsage = (message: string) => new UsageError(`${message}${usage ? `\nusage: ${firstLine(usage)} (--help for more)` : ""}`);
  let values: CommonArgs["values"];
  try {
    ({ values } = parseArgs({ args: argv, options: nodeOptions, strict: true, allowPositionals: false }));
  } catch (err) {
    // --help wins over every other mistake on the line, as users expect.
    if (argv.includes("--help") || argv.includes("-h")) throw new HelpRequested(usage);
    throw withUsage(clip((err as Error).message, 200));
  }
  if (values.help === true) throw new HelpRequested(usage);
  for (const [name, option] of Object.entries(options)) {
    const value = values[name];
    if (typeof value === "string" && isPathOption(name, option)) values[name] = resolveUserPath(value);
  }
  const stack = (values.stack as string | undefined)?.trim() || defaultStack;
  if (!stack) throw withUsage("--stack <name> is required (e.g. --stack dev)");
  return { stack, overrides: parseOverrides((values.config as string[] | undefined) ?? []), json: values.json === true, values };
}

function firstLine(text: string): string {
  return text.split("\n")[0];
}

/** `key=value` pairs; a key without a namespace gets the project's, as `pulumi config set` does. */
function parseOverrides(pairs: string[]): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--config '${clip(pair, 60)}' must be <key>=<value>, e.g. --config bedrock-sfn:workflowType=EXPRESS`);
    const key = pair.slice(0, eq).trim();
    overrides[key.includes(":") ? key : `bedrock-sfn:${key}`] = pair.slice(eq + 1);
  }
  return overrides;
}

/** True for errors that are the user's input, not a bug: they get exit code 2 and no stack trace. */
function isUserError(err: unknown): boolean {
  return isBedrockSfnError(err) || pulumi.RunError.isInstance(err);
}

/** Notes for the user (secrets shown as placeholders, unknown model IDs): stderr, so stdout stays pipe-safe. */
export function writeNotes(notes: readonly string[], stderr: (text: string) => void = (t) => void process.stderr.write(t)): void {
  for (const note of notes) stderr(`${clipLines(note)}\n`);
}

/** Runs a CLI's main: user errors print one clear message (exit 2), never a stack trace; set DEBUG for one. */
export function runCli(main: () => Promise<number>): void {
  // The AWS SDK warns on every client that Node 20 support ends in 2027; the README says so once instead.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof HelpRequested) {
        process.stdout.write(`usage: ${err.usage}\n`);
        process.exit(0);
      }
      const e = err as Error;
      // Every line of a user's error stays short: long values and lists are cut where they are built, and here.
      process.stderr.write(`error: ${clipLines(e?.message ?? String(err))}\n`);
      if (process.env.DEBUG) process.stderr.write(`${e?.stack}\n`);
      process.exit(isUserError(err) ? 2 : 1);
    },
  );
}
