// `npm run pulumi -- <args>`: the real Pulumi CLI (built from source on first use), offline. State goes to the
// gitignored `.pulumi-local/` file backend, secrets use a fixed passphrase, and AWS is the local provider
// stand-in (tools/engine/aws/): nothing reaches AWS. With the Pulumi CLI and AWS credentials, run plain `pulumi`.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { EngineSetupError } from "./build-cli";
import { locateOrBuildCli, needsStackInit, parseArgs, removedStack, withSafeDefaults } from "./cli";
import { installAwsStandIn } from "./aws/plugin-install";
import { engineEnv } from "./environment";
import { guardStackFiles } from "./offline-salt";
import { PROJECT_ROOT, localBackendDir } from "./paths";

async function main(args: string[]): Promise<number> {
  const backendDir = localBackendDir();
  fs.mkdirSync(backendDir, { recursive: true });
  const env = engineEnv({ backendDir });
  installAwsStandIn(env.PULUMI_HOME!);
  const cli = await locateOrBuildCli(env);
  if (cli.source === "path") process.stderr.write(`[pulumi] using ${cli.version} from PATH (no Go to build the pinned version)\n`);
  // Only `pulumi config ...` is meant to change Pulumi.<stack>.yaml; anything else leaves the tracked files as they were.
  const release = guardStackFiles(PROJECT_ROOT, path.join(backendDir, "salts"), parseArgs(args).command === "config");
  let code = 1;
  try {
    if (usesProjectPolicyPack(args)) await buildProjectPolicyPack();
    code = await runCli(cli.path, withSafeDefaults(args), env, backendDir);
    return code;
  } finally {
    release();
    const removed = removedStack(args);
    if (code === 0 && removed) fs.rmSync(path.join(backendDir, "salts", removed), { force: true });
  }
}

const PROJECT_PACK = path.join(PROJECT_ROOT, "policy-pack");

/** `--policy-pack ./policy-pack` (or `=`): this repository's pack, which the CLI runs as its bundle (dist/index.js). */
function usesProjectPolicyPack(args: string[]): boolean {
  return args.some((arg, i) => {
    const value = arg === "--policy-pack" ? args[i + 1] : arg.startsWith("--policy-pack=") ? arg.slice("--policy-pack=".length) : undefined;
    return value !== undefined && path.resolve(value) === PROJECT_PACK;
  });
}

/** Rebuilds the pack's bundle (esbuild, well under a second) so the preview judges with the sources as they are. */
async function buildProjectPolicyPack(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { build } = require(path.join(PROJECT_PACK, "build.js")) as { build: () => Promise<unknown> };
  await build();
}

async function runCli(cli: string, args: string[], env: NodeJS.ProcessEnv, backendDir: string): Promise<number> {
  const stack = needsStackInit(args, backendDir);
  if (stack) {
    const init = spawnSync(cli, ["stack", "init", stack, "--non-interactive"], { cwd: PROJECT_ROOT, env, encoding: "utf8" });
    if (init.status !== 0) {
      process.stderr.write(init.stderr || init.stdout);
      return init.status ?? 1;
    }
    process.stderr.write(`[pulumi] created the local stack '${stack}' in ${backendDir}\n`);
  }

  const child = spawn(cli, args, { cwd: process.cwd(), env, stdio: "inherit" });
  // Ctrl-C reaches the CLI from the terminal already (a second one would force-stop it): only relay SIGTERM.
  process.on("SIGINT", () => undefined);
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  return new Promise((resolve) => {
    child.on("error", (error) => {
      process.stderr.write(`error: cannot run ${cli}: ${error.message}\n`);
      resolve(1);
    });
    child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`error: ${error instanceof EngineSetupError ? error.message : error.stack}\n`);
    process.exit(1);
  },
);
