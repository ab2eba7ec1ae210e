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

/**
 * Parses a command's flags (no positionals): one-line usage errors, `--help` wins over any other mistake, and path
 * options resolved from the user's folder. Commands without a stack (catalog) use it alone.
 */
export function parseFlags(argv: string[], options: Options, usage = ""): CommonArgs["values"] {
  const nodeOptions = Object.fromEntries(Object.entries(options).map(([name, { path: _path, ...option }]) => [name, option]));
  let values: CommonArgs["values"];
  let tokens: NonNullable<ReturnType<typeof parseArgs>["tokens"]>;
  try {
    ({ values, tokens } = parseArgs({ args: argv, options: nodeOptions, strict: true, allowPositionals: false, tokens: true }));
  } catch (err) {
    // --help wins over every other mistake on the line, as users expect.
    if (argv.includes("--help") || argv.includes("-h")) throw new HelpRequested(usage);
    // Node's messages run over several lines ("...ambiguous.\nDid you forget..."): the first says what is wrong.
    const [first, ...rest] = (err as Error).message.split("\n");
    const hint = rest.find((line) => line.includes("=-"))
      ? ` (a value starting with '-' goes after '=', e.g. ${/'(--[\w-]+=-XYZ)'/.exec(rest.join(" "))?.[1] ?? "--flag=-1"})`
      : "";
    throw usageError(clip(`${first}${hint}`, 200), usage);
  }
  if (values.help === true) throw new HelpRequested(usage);
  // A flag that takes one value, given twice, is a mistake the user should hear about, not a silent last-one-wins.
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== "option" || options[token.name]?.multiple || options[token.name]?.type === "boolean") continue;
    if (seen.has(token.name)) throw usageError(`--${token.name} is given more than once; give it once`, usage);
    seen.add(token.name);
  }
  for (const [name, option] of Object.entries(options)) {
    const value = values[name];
    if (typeof value === "string" && isPathOption(name, option)) values[name] = resolveUserPath(value);
  }
  return values;
}

/** A usage error with the command's usage line after it. */
export function usageError(message: string, usage = ""): UsageError {
  return new UsageError(`${message}${usage ? `\nusage: ${firstLine(usage)} (--help for more)` : ""}`);
}

/** `defaultStack`: the stack when `--stack` is not given; without it, `--stack` is required. */
export function parseCommonArgs(argv: string[], extra: Options = {}, usage = "", defaultStack?: string): CommonArgs {
  const values = parseFlags(argv, { ...COMMON, ...extra }, usage);
  const stack = (values.stack as string | undefined)?.trim() || defaultStack;
  if (!stack) throw usageError("--stack <name> is required (e.g. --stack dev)", usage);
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

/** The signals every CLI handles alike: Ctrl-C, a kill, a closed terminal. */
const STOP_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
/** How long a command that stops gracefully (serve) gets before the exit is forced. */
const GRACE_MS = 5000;
/** Signals closer together than this are one signal delivered twice, not a second request to stop. */
const SAME_SIGNAL_MS = 250;
let gracefulStop: ((signal: NodeJS.Signals) => void) | undefined;

/** Resolves on the first SIGINT, SIGTERM or SIGHUP, for a command that stops on its own (serve); a second one exits. */
export function whenInterrupted(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    gracefulStop = resolve;
  });
}

/**
 * SIGINT, SIGTERM and SIGHUP end a CLI the same way: a command waiting in whenInterrupted() is told and gets a grace
 * period; any other exits at once (exit code 130). Exit handlers remove the local cloud's temp folders
 * (local/stand-ins/temp-dir.ts); the servers are in-process and end with it. A second signal forces the exit.
 */
function handleStopSignals(): void {
  let received = 0;
  let lastAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // One Ctrl-C can arrive twice: from the terminal and forwarded by the bin's launcher (bedrock-sfn.js).
    const now = Date.now();
    if (received > 0 && now - lastAt < SAME_SIGNAL_MS) return;
    lastAt = now;
    received++;
    if (received === 1 && gracefulStop) {
      process.stderr.write(`\n${signal}: stopping (send it again to force)\n`);
      gracefulStop(signal);
      setTimeout(() => process.exit(130), GRACE_MS).unref();
      return;
    }
    process.exit(130);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
}

/** Runs a CLI's main: user errors print one clear message (exit 2), never a stack trace; set DEBUG for one. */
export function runCli(main: () => Promise<number>): void {
  // The AWS SDK warns on every client that Node 20 support ends in 2027; the README says so once instead.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  handleStopSignals();
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
