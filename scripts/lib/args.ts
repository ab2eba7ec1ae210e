// Command-line parsing shared by synth, local, invoke and start: `--stack`, repeated `--config key=value`, `--json`.
import { ParseArgsConfig, parseArgs } from "node:util";

/** Bad command-line use: the scripts print the message and exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

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
};

/** `defaultStack`: the stack when `--stack` is not given; without it, `--stack` is required. */
export function parseCommonArgs(argv: string[], extra: Options = {}, usage = "", defaultStack?: string): CommonArgs {
  let values: CommonArgs["values"];
  try {
    ({ values } = parseArgs({ args: argv, options: { ...COMMON, ...extra }, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}${usage ? `\nusage: ${usage}` : ""}`);
  }
  const stack = (values.stack as string | undefined) ?? defaultStack;
  if (!stack) throw new UsageError(`--stack <name> is required (e.g. --stack dev)${usage ? `\nusage: ${usage}` : ""}`);
  return { stack, overrides: parseOverrides((values.config as string[] | undefined) ?? []), json: values.json === true, values };
}

/** `key=value` pairs; a key without a namespace gets the project's, as `pulumi config set` does. */
export function parseOverrides(pairs: string[]): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--config '${pair}' must be <key>=<value>, e.g. --config bedrock-sfn:workflowType=EXPRESS`);
    const key = pair.slice(0, eq).trim();
    overrides[key.includes(":") ? key : `bedrock-sfn:${key}`] = pair.slice(eq + 1);
  }
  return overrides;
}

const USER_ERRORS = ["UsageError", "ConfigError", "StackConfigError", "ModelIdError", "RoutingError", "UnsupportedModelError", "DefinitionError"];

/** True for errors that are the user's input, not a bug: they get exit code 2 and no stack trace. */
export function isUserError(err: unknown): boolean {
  const e = err as { name?: string; __pulumiRunError?: boolean } | undefined;
  return !!e && (USER_ERRORS.includes(e.name ?? "") || e.__pulumiRunError === true);
}

/** Runs a CLI's main: user errors print one clear message (exit 2), never a stack trace; set DEBUG for one. */
export function runCli(main: () => Promise<number | void>): void {
  // The AWS SDK warns on every client that Node 20 support ends in 2027; the README says so once instead.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  main().then(
    (code) => process.exit(code ?? 0),
    (err: unknown) => {
      const e = err as Error;
      process.stderr.write(`error: ${e?.message ?? String(err)}\n`);
      if (process.env.DEBUG) process.stderr.write(`${e?.stack}\n`);
      process.exit(isUserError(err) ? 2 : 1);
    },
  );
}
