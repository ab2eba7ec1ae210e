// Builds the Pulumi CLI from the Go module proxy into the version-keyed cache, once per machine, under a lock.
// `pkg/go.mod` has replace directives, so `go install ...@version` refuses; a throwaway module that requires
// `pkg/v3` builds the command instead (a dependency's replace directives are ignored).
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CLI_PACKAGE, GO_BUILD_FLAGS, PULUMI_VERSION, cacheDir, cachedCliPath } from "./paths";

/** Something the build needs is missing or failed; the message is one line a user can act on. */
export class EngineSetupError extends Error {
  override name = "EngineSetupError";
}

export type Log = (line: string) => void;
export const stderrLog: Log = (line) => process.stderr.write(`[pulumi build] ${line}\n`);

/** True when the cached binary exists and reports the expected version. */
export function cachedCliIsUsable(env: NodeJS.ProcessEnv = process.env): boolean {
  const cli = cachedCliPath(env);
  if (!fs.existsSync(cli)) return false;
  const result = spawnSync(cli, ["version"], { encoding: "utf8", env: { ...env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
  return result.status === 0 && result.stdout.trim() === `v${PULUMI_VERSION}`;
}

/**
 * The Node language host next to the cached CLI, where the engine looks for bundled plugins first (so it does not
 * warn about taking it from PATH). The cache is shared by every checkout on the machine, so the launcher names no
 * path inside a project: it runs the project's own launcher (tools/engine/plugins/pulumi-language-nodejs) that
 * engineEnv names in BEDROCK_SFN_LANGUAGE_HOST. A checkout from before tools/ existed sets only BEDROCK_SFN_ROOT
 * and keeps engine/language-host.ts at its root: served too, so that checkouts of either layout share one cache.
 */
const LANGUAGE_HOST_LAUNCHER = `#!/usr/bin/env bash
# The Node.js language host of bedrock-sfn's offline Pulumi build (written by tools/engine/build-cli.ts): it runs
# the language host of the project that started the engine (BEDROCK_SFN_LANGUAGE_HOST, set by 'npm run pulumi').
if [ -n "\${BEDROCK_SFN_LANGUAGE_HOST:-}" ] && [ -x "$BEDROCK_SFN_LANGUAGE_HOST" ]; then
  exec "$BEDROCK_SFN_LANGUAGE_HOST" "$@"
fi
if [ -n "\${BEDROCK_SFN_ROOT:-}" ] && [ -f "$BEDROCK_SFN_ROOT/engine/language-host.ts" ]; then
  exec node --require "$BEDROCK_SFN_ROOT/node_modules/ts-node/register/transpile-only" "$BEDROCK_SFN_ROOT/engine/language-host.ts" "$@"
fi
echo "pulumi-language-nodejs: this Pulumi build runs Node.js programs only through bedrock-sfn's 'npm run pulumi' (BEDROCK_SFN_LANGUAGE_HOST is not set)" >&2
exit 1
`;

/** Writes the language host launcher next to the cached CLI when it is missing or outdated. */
export function installLanguageHostLauncher(env: NodeJS.ProcessEnv = process.env): void {
  const launcher = path.join(path.dirname(cachedCliPath(env)), "pulumi-language-nodejs");
  let current = "";
  try {
    current = fs.readFileSync(launcher, "utf8");
  } catch {
    // Not there yet.
  }
  if (current === LANGUAGE_HOST_LAUNCHER) return;
  const staged = `${launcher}.${process.pid}`;
  fs.writeFileSync(staged, LANGUAGE_HOST_LAUNCHER, { mode: 0o755 });
  fs.renameSync(staged, launcher);
}

/** The `go` binary on PATH, or undefined. */
export function findGo(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const result = spawnSync("go", ["version"], { encoding: "utf8", env });
  return result.status === 0 ? "go" : undefined;
}

/** Returns the cached CLI, building it first when there is none. Progress goes to stderr. */
export async function ensureCli(options: { env?: NodeJS.ProcessEnv; log?: Log } = {}): Promise<string> {
  const env = options.env ?? process.env;
  const log = options.log ?? stderrLog;
  if (cachedCliIsUsable(env)) {
    installLanguageHostLauncher(env);
    return cachedCliPath(env);
  }
  if (!findGo(env)) {
    throw new EngineSetupError(
      `no Pulumi CLI built yet (${cachedCliPath(env)}) and no Go toolchain to build it: install Go 1.25+ (https://go.dev/dl/) and rerun, or install the Pulumi CLI and run plain 'pulumi'`,
    );
  }
  const release = await acquireLock(path.join(path.dirname(cacheDir(env)), `pulumi-v${PULUMI_VERSION}.lock`), log);
  try {
    // Another process may have finished the build while this one waited for the lock.
    if (!cachedCliIsUsable(env)) await build(env, log);
    installLanguageHostLauncher(env);
    return cachedCliPath(env);
  } finally {
    release();
  }
}

async function build(env: NodeJS.ProcessEnv, log: Log): Promise<void> {
  const started = Date.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-pulumi-build-"));
  const goEnv = { ...env, CGO_ENABLED: "0", GOFLAGS: env.GOFLAGS ?? "-buildvcs=false" };
  try {
    log(`building the Pulumi CLI v${PULUMI_VERSION} from the Go module proxy (first use on this machine; about 5 minutes on 2 cores, once)`);
    fs.writeFileSync(path.join(work, "go.mod"), "module bedrock-sfn/pulumi-cli-build\n\ngo 1.25\n");
    fs.writeFileSync(path.join(work, "tools.go"), `//go:build tools\npackage build\n\nimport _ "${CLI_PACKAGE}"\n`);
    log("resolving modules (go get)");
    await run("go", ["get", `github.com/pulumi/pulumi/pkg/v3@v${PULUMI_VERSION}`, `github.com/pulumi/pulumi/sdk/v3@v${PULUMI_VERSION}`], work, goEnv, log);
    // -e: a few test-only modules of the dependency graph are not on the proxy; the CLI does not need them.
    await run("go", ["mod", "tidy", "-e"], work, goEnv, log);
    const output = path.join(work, "pulumi");
    log("compiling (go build)");
    await run("go", ["build", "-v", ...GO_BUILD_FLAGS, "-o", output, CLI_PACKAGE], work, goEnv, log, true);
    const version = spawnSync(output, ["version"], { encoding: "utf8", env: { ...env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
    if (version.stdout?.trim() !== `v${PULUMI_VERSION}`) {
      throw new EngineSetupError(`the built CLI reports version '${version.stdout?.trim()}', expected v${PULUMI_VERSION}`);
    }
    const binDir = path.dirname(cachedCliPath(env));
    fs.mkdirSync(binDir, { recursive: true });
    // Rename within the cache folder so that a reader never sees a half-written binary.
    const staged = path.join(binDir, `.pulumi-${process.pid}`);
    fs.copyFileSync(output, staged);
    fs.chmodSync(staged, 0o755);
    fs.renameSync(staged, cachedCliPath(env));
    const seconds = Math.round((Date.now() - started) / 1000);
    const go = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8", env }).stdout.trim();
    fs.writeFileSync(
      path.join(cacheDir(env), "build.json"),
      `${JSON.stringify({ version: PULUMI_VERSION, go, seconds, builtAt: new Date().toISOString(), cores: os.cpus().length }, null, 2)}\n`,
    );
    log(`built ${cachedCliPath(env)} in ${formatDuration(seconds)}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Runs a Go command; with `countPackages`, turns `go build -v` package lines into a heartbeat instead of a flood. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, log: Log, countPackages = false): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    const started = Date.now();
    let packages = 0;
    const tail: string[] = [];
    child.stderr.setEncoding("utf8");
    let partial = "";
    child.stderr.on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (countPackages && /^[\w.~-]+(\/[\w.~+-]+)*$/.test(line.trim())) packages++;
        else if (line.trim() && !/^go: (downloading|finding|added|upgraded)/.test(line)) tail.push(line);
        if (tail.length > 20) tail.shift();
      }
    });
    const heartbeat = setInterval(() => {
      const elapsed = formatDuration(Math.round((Date.now() - started) / 1000));
      log(countPackages ? `still compiling: ${packages} packages so far (${elapsed})` : `still running 'go ${args[0]}' (${elapsed})`);
    }, 20_000);
    child.on("error", (error) => {
      clearInterval(heartbeat);
      reject(new EngineSetupError(`cannot run '${command}': ${error.message}`));
    });
    child.on("close", (code) => {
      clearInterval(heartbeat);
      if (code === 0) return resolve();
      const detail = tail.filter(Boolean).slice(-5).join(" | ");
      reject(new EngineSetupError(`'go ${args.join(" ")}' failed (exit ${code}): ${detail || "no output"}`));
    });
  });
}

/**
 * A lock directory (mkdir is atomic) holding the owner's pid: concurrent first uses wait for one build instead
 * of compiling twice. A lock whose owner is gone is taken over.
 */
export async function acquireLock(lockDir: string, log: Log): Promise<() => void> {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, "pid"), String(process.pid));
      return () => fs.rmSync(lockDir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = Number(readOr(path.join(lockDir, "pid"), ""));
    if (owner > 0 && !isAlive(owner)) {
      log(`removing a stale build lock left by process ${owner}`);
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!announced) {
      log(`another process${owner > 0 ? ` (pid ${owner})` : ""} is building the CLI; waiting for it (${lockDir})`);
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    return fallback;
  }
}

export function formatDuration(seconds: number): string {
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s` : `${seconds}s`;
}
