// `npm run pulumi -- <args>`: the real Pulumi CLI (built from source on first use), offline. State goes to a file
// backend in the engine's home outside the checkout (engine/paths.ts localBackendDir), secrets use a fixed passphrase
// whose salt stays there too (engine/offline-salt.ts), and AWS is the local provider stand-in (engine/aws/): nothing
// reaches AWS and no tracked file is written, except by `config set/rm`. With the Pulumi CLI and AWS credentials, run plain `pulumi`.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { EngineSetupError } from "./build-cli";
import { ensureGoHost, ensureYamlHost } from "./build-hosts";
import { locateOrBuildCli, needsStackInit, parseArgs, projectFolder, removedStack, withAbsolutePaths, withSafeDefaults } from "./cli";
import { installAwsStandIn } from "./aws/plugin-install";
import { engineEnv } from "./environment";
import { CONFIG_FILE_COMMANDS, StackUsageError, checkStackKnown, knownStacks, removeOfflineSalt, scratchProjectForInit, stackConfigCopy } from "./offline-salt";
import { PROJECT_ROOT, localBackendDir, projectBackendDir } from "./paths";

async function main(given: string[]): Promise<number> {
  // `-C <folder>`: any Pulumi project (TypeScript, YAML, Go), with its own state folder; else this checkout's stack.
  const projectDir = projectFolder(given, PROJECT_ROOT);
  const ownProject = projectDir === PROJECT_ROOT;
  const args = ownProject ? given : withAbsolutePaths(given);
  const { command, stack } = parseArgs(args);
  const ownConfigFile = args.some((arg) => arg === "--config-file" || arg.startsWith("--config-file="));
  const usesConfigFile = command !== undefined && CONFIG_FILE_COMMANDS.has(command) && !ownConfigFile;
  // Checked before anything is created: a typo in --stack must not leave a stack or a file behind.
  if (usesConfigFile && !stack) {
    throw new StackUsageError(`'${command}' needs --stack <name> with the offline engine; known stacks: ${knownStacks(projectDir).join(", ") || "none"}`);
  }
  // This checkout's stacks are its tracked Pulumi.<stack>.yaml files: another name is a typo. Another project
  // folder may keep its settings in the program (YAML) and have no stack file.
  if (usesConfigFile && stack && ownProject) checkStackKnown(PROJECT_ROOT, stack);

  // State, PULUMI_HOME and the offline salts live in the engine's home, never in the checkout (engine/paths.ts):
  // one folder per project folder, so that stacks and salts of the same name never meet.
  const stateDir = ownProject ? localBackendDir() : projectBackendDir(projectDir);
  try {
    fs.mkdirSync(stateDir, { recursive: true });
  } catch (error) {
    throw new StackUsageError(
      `cannot create the offline engine's state folder ${stateDir}: ${(error as NodeJS.ErrnoException).code}; set BEDROCK_SFN_STATE_DIR to a writable absolute folder`,
    );
  }
  const env = engineEnv({ backendDir: stateDir });
  installAwsStandIn(env.PULUMI_HOME!);
  const cli = await locateOrBuildCli(env);
  if (cli.source === "path") process.stderr.write(`[pulumi] using ${cli.version} from PATH (no Go to build the pinned version)\n`);
  // A YAML or Go program needs its language host beside the CLI: built on first use, as the CLI is.
  const runtime = ownProject || cli.source !== "cache" ? undefined : projectRuntime(projectDir);
  if (runtime === "yaml") await ensureYamlHost({ env });
  if (runtime === "go") await ensureGoHost({ env });

  const init = stack ? needsStackInit(args, stateDir, projectName(projectDir)) : undefined;
  if (init) {
    const scratch = scratchProjectForInit(projectDir, stateDir);
    const code = await runCli(cli.path, ["stack", "init", init, "--non-interactive"], env, scratch.dir);
    scratch.takeSalt(init);
    if (code !== 0) return code;
    process.stderr.write(`[pulumi] created the local stack '${init}' in ${stateDir}\n`);
  }

  let cliArgs = withSafeDefaults(args);
  const copy = usesConfigFile && stack ? stackConfigCopy(projectDir, stateDir, stack) : undefined;
  if (copy) cliArgs = [...cliArgs, "--config-file", copy.file];
  let code = 1;
  try {
    if (usesProjectPolicyPack(args)) await buildProjectPolicyPack();
    code = await runCli(cli.path, cliArgs, env, process.cwd());
    return code;
  } finally {
    // Only `config` is meant to change Pulumi.<stack>.yaml; every other command leaves the tracked files unread-into.
    copy?.finish(code === 0 && command === "config");
    const removed = removedStack(args);
    if (code === 0 && removed) removeOfflineSalt(stateDir, removed);
  }
}

const PROJECT_PACK = path.join(PROJECT_ROOT, "policy-pack");

/** The project's runtime (Pulumi.yaml `runtime`, a name or `{name}`), when it has a readable Pulumi.yaml. */
function projectRuntime(projectDir: string): string | undefined {
  try {
    const runtime = (parseYaml(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { runtime?: unknown } | null)?.runtime;
    return typeof runtime === "string" ? runtime : typeof (runtime as { name?: unknown })?.name === "string" ? (runtime as { name: string }).name : undefined;
  } catch {
    return undefined;
  }
}

/** The project's name (Pulumi.yaml `name`): the folder of its stacks in the file backend. */
function projectName(projectDir: string): string {
  let text: string;
  try {
    text = fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8");
  } catch {
    throw new StackUsageError(`${projectDir} is not a Pulumi project folder: it has no Pulumi.yaml`);
  }
  const name = (parseYaml(text) as { name?: unknown } | null)?.name;
  if (typeof name !== "string" || name === "") throw new StackUsageError(`${path.join(projectDir, "Pulumi.yaml")}: 'name' is missing`);
  return name;
}

/** `--policy-pack ./policy-pack` (or `=`): this repository's pack, which the CLI runs as its bundle (dist/index.js). */
function usesProjectPolicyPack(args: string[]): boolean {
  return args.some((arg, i) => {
    const value = arg === "--policy-pack" ? args[i + 1] : arg.startsWith("--policy-pack=") ? arg.slice("--policy-pack=".length) : undefined;
    return value !== undefined && path.resolve(value) === PROJECT_PACK;
  });
}

/**
 * Rebuilds the pack's bundle (esbuild, well under a second) so the preview judges with the sources as they are. In a
 * read-only checkout the bundle as built is used, said in one line.
 */
async function buildProjectPolicyPack(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { build } = require(path.join(PROJECT_PACK, "build.js")) as { build: () => Promise<unknown> };
  try {
    await build();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? /\b(EROFS|EACCES|EPERM)\b/.exec(String((error as Error).message))?.[1];
    if (code !== "EROFS" && code !== "EACCES" && code !== "EPERM") throw error;
    const bundle = path.join(PROJECT_PACK, "dist", "index.js");
    if (!fs.existsSync(bundle)) throw new StackUsageError(`cannot build the policy pack into ${path.dirname(bundle)}: ${code} (a read-only checkout) and there is no bundle yet`);
    process.stderr.write(`[pulumi] ${path.dirname(bundle)} is not writable (${code}): the policy pack runs as last built\n`);
  }
}

/** How long a stopping CLI gets after the first signal before its process group is killed (a second signal: at once). */
const GRACE_MS = 20_000;

/**
 * Runs the CLI in its own process group. SIGINT, SIGTERM and SIGHUP are handled alike: the first asks the CLI to stop
 * (SIGINT, Pulumi's graceful cancel, which ends its plugins); a second one, or the grace period, kills the group.
 * Whatever is left in the group when the CLI exits is killed too, so no plugin outlives the command.
 */
function runCli(cli: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const child = spawn(cli, args, { cwd, env, stdio: "inherit", detached: true });
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  let signals = 0;
  let grace: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      process.stderr.write(`\n[pulumi] ${signal}: stopping the operation (send it again to force)\n`);
      killGroup("SIGINT");
      grace = setTimeout(() => killGroup("SIGKILL"), GRACE_MS);
    } else {
      killGroup("SIGKILL");
    }
  };
  const handled: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const signal of handled) process.on(signal, onSignal);
  return new Promise((resolve) => {
    child.on("error", (error) => {
      process.stderr.write(`error: cannot run ${cli}: ${error.message}\n`);
      resolve(1);
    });
    child.on("close", (code, signal) => {
      if (grace) clearTimeout(grace);
      killGroup("SIGKILL");
      for (const s of handled) process.off(s, onSignal);
      resolve(signals > 0 ? 130 : (code ?? (signal ? 1 : 0)));
    });
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    const oneLine = error instanceof EngineSetupError || error instanceof StackUsageError;
    process.stderr.write(`error: ${oneLine ? error.message : error.stack}\n`);
    process.exit(error instanceof StackUsageError ? 2 : 1);
  },
);
