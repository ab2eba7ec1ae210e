// Finds (or builds) the Pulumi CLI and runs it offline; shared by `npm run pulumi` and the engine tests.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { EngineSetupError, cachedCliIsUsable, ensureCli, findGo, installLanguageHostLauncher } from "./build-cli";
import { PULUMI_VERSION, cachedCliPath, stackStatePath } from "./paths";

export interface CliLocation {
  path: string;
  source: "cache" | "path";
  version: string;
}

/** A usable CLI without building anything: the cached build, else `pulumi` on PATH. */
export function findCli(env: NodeJS.ProcessEnv = process.env): CliLocation | undefined {
  if (cachedCliIsUsable(env)) {
    installLanguageHostLauncher(env);
    return { path: cachedCliPath(env), source: "cache", version: `v${PULUMI_VERSION}` };
  }
  const onPath = spawnSync("pulumi", ["version"], { encoding: "utf8", env: { ...env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
  if (onPath.status === 0) return { path: "pulumi", source: "path", version: onPath.stdout.trim() };
  return undefined;
}

/** The cached build, built now when Go is here; else `pulumi` on PATH; else one line on what to install. */
export async function locateOrBuildCli(env: NodeJS.ProcessEnv = process.env): Promise<CliLocation> {
  if (cachedCliIsUsable(env) || findGo(env)) {
    return { path: await ensureCli({ env }), source: "cache", version: `v${PULUMI_VERSION}` };
  }
  const found = findCli(env);
  if (found) return found;
  throw new EngineSetupError(
    "no Pulumi CLI: install Go 1.25+ (https://go.dev/dl/) so that 'npm run pulumi' can build v" +
      `${PULUMI_VERSION} from source, or install the Pulumi CLI (https://www.pulumi.com/docs/install/)`,
  );
}

/** What the wrapper needs to know of a Pulumi command line. */
export interface ParsedArgs {
  command?: string;
  stack?: string;
}

const FLAGS_WITH_VALUES = new Set(["--stack", "-s", "--cwd", "-C", "--config-file", "--color", "--tracing", "--logflow", "-v", "--verbose", "--profiling", "--memprofilerate"]);

export function parseArgs(args: string[]): ParsedArgs {
  const parsed: ParsedArgs = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") break;
    if (arg === "--stack" || arg === "-s") parsed.stack = args[i + 1];
    else if (arg.startsWith("--stack=")) parsed.stack = arg.slice("--stack=".length);
    if (FLAGS_WITH_VALUES.has(arg)) {
      i++;
      continue;
    }
    if (!arg.startsWith("-") && parsed.command === undefined) parsed.command = arg;
  }
  return parsed;
}

/** Commands that work on a stack's config or resources, for which the wrapper creates a missing local stack. */
const STACK_COMMANDS = new Set(["preview", "pre", "up", "update", "config", "refresh"]);

/** `pulumi stack init <stack>` when the command needs a stack the local backend does not have yet. */
export function needsStackInit(args: string[], backendDir: string, project?: string): string | undefined {
  const { command, stack } = parseArgs(args);
  if (!command || !stack || !STACK_COMMANDS.has(command)) return undefined;
  return fs.existsSync(stackStatePath(stack, backendDir, project)) ? undefined : stack;
}

/** The project folder a command runs in: `-C`/`--cwd` (relative to where the wrapper runs), else `fallback`. */
export function projectFolder(args: string[], fallback: string, cwd: string = process.cwd()): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") break;
    if ((arg === "-C" || arg === "--cwd") && args[i + 1] !== undefined) return path.resolve(cwd, args[i + 1]);
    if (arg.startsWith("--cwd=")) return path.resolve(cwd, arg.slice("--cwd=".length));
  }
  return fallback;
}

/** Flags whose value is a path the user wrote relative to where they ran the wrapper (the CLI would read it from -C). */
const PATH_FLAGS = ["--policy-pack", "--policy-pack-config", "--config-file"];

/** With `-C <folder>`, path flags made absolute, so that `--policy-pack ./policy-pack` means this checkout's pack. */
export function withAbsolutePaths(args: string[], cwd: string = process.cwd()): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const flag = PATH_FLAGS.find((f) => arg === f || arg.startsWith(`${f}=`));
    if (!flag) {
      out.push(arg);
    } else if (arg === flag && args[i + 1] !== undefined) {
      out.push(flag, path.resolve(cwd, args[++i]));
    } else {
      out.push(`${flag}=${path.resolve(cwd, arg.slice(flag.length + 1))}`);
    }
  }
  return out;
}

/** `stack rm` deletes the stack's config file unless told not to; here that file is tracked in git. */
export function withSafeDefaults(args: string[]): string[] {
  const positional = args.filter((a) => !a.startsWith("-"));
  if (positional[0] === "stack" && positional[1] === "rm" && !args.includes("--preserve-config")) return [...args, "--preserve-config"];
  return args;
}

/** The stack `stack rm` removes (its offline salt goes with it). */
export function removedStack(args: string[]): string | undefined {
  const positional = args.filter((a, i) => !a.startsWith("-") && !FLAGS_WITH_VALUES.has(args[i - 1] ?? ""));
  if (positional[0] !== "stack" || positional[1] !== "rm") return undefined;
  return parseArgs(args).stack ?? positional[2];
}
