// The language hosts of the other Pulumi languages the offline engine runs, built next to the cached CLI (where the
// engine looks for bundled plugins), once per machine, under a lock: YAML from the Go module proxy, Go from this
// project's own stand-in (tools/engine/go-host).
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EngineSetupError, type Log, acquireLock, findGo, formatDuration, run, stderrLog } from "./build-cli";
import { GO_HOST, GO_RELEASE_FLAGS, PULUMI_VERSION, YAML_HOST, cacheDir, cachedHostPath } from "./paths";

interface HostBuild {
  binary: string;
  /** What the record must say for the cached binary to be reused (a version, or a hash of the sources). */
  key: string;
  /** One line for the log: what is being built and how long it may take. */
  announce: string;
  /** Compiles the host into `output`, in the scratch folder `work`. */
  compile(work: string, output: string, env: NodeJS.ProcessEnv, log: Log): Promise<void>;
}

interface HostRecord {
  key?: string;
  version?: string;
}

/** The record of a language host's build, next to the CLI's build.json. */
function hostRecordPath(binary: string, env: NodeJS.ProcessEnv): string {
  return path.join(cacheDir(env), `${binary}.build.json`);
}

function recordedKey(binary: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(hostRecordPath(binary, env), "utf8")) as HostRecord;
    return record.key ?? record.version;
  } catch {
    return undefined;
  }
}

function isBuilt(host: HostBuild, env: NodeJS.ProcessEnv): boolean {
  return fs.existsSync(cachedHostPath(host.binary, env)) && recordedKey(host.binary, env) === host.key;
}

async function ensureHost(host: HostBuild, options: { env?: NodeJS.ProcessEnv; log?: Log }): Promise<string> {
  const env = options.env ?? process.env;
  const log = options.log ?? stderrLog;
  const binary = cachedHostPath(host.binary, env);
  if (isBuilt(host, env)) return binary;
  if (!findGo(env)) throw new EngineSetupError(`no ${host.binary} built yet (${binary}) and no Go toolchain to build it: install Go 1.25+ and rerun`);
  const release = await acquireLock(path.join(path.dirname(cacheDir(env)), `${host.binary}.lock`), log);
  try {
    if (isBuilt(host, env)) return binary;
    const started = Date.now();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `bedrock-sfn-${host.binary}-`));
    const goEnv = { ...env, CGO_ENABLED: "0", GOFLAGS: env.GOFLAGS ?? "-buildvcs=false" };
    try {
      log(host.announce);
      const output = path.join(work, host.binary);
      await host.compile(work, output, goEnv, log);
      fs.mkdirSync(path.dirname(binary), { recursive: true });
      // Rename within the cache folder so that a reader never sees a half-written binary.
      const staged = path.join(path.dirname(binary), `.${host.binary}-${process.pid}`);
      fs.copyFileSync(output, staged);
      fs.chmodSync(staged, 0o755);
      fs.renameSync(staged, binary);
      const seconds = Math.round((Date.now() - started) / 1000);
      const record = { key: host.key, seconds, builtAt: new Date().toISOString(), cores: os.cpus().length };
      fs.writeFileSync(hostRecordPath(host.binary, env), `${JSON.stringify(record, null, 2)}\n`);
      log(`built ${binary} in ${formatDuration(seconds)}`);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
    return binary;
  } finally {
    release();
  }
}

/**
 * YAML: `pulumi-language-yaml` from the Go module proxy, compiled against the Pulumi SDK it requires (about as long
 * as the CLI the first time: paths.ts YAML_HOST says why).
 */
const yamlHost: HostBuild = {
  binary: YAML_HOST.binary,
  key: YAML_HOST.version,
  announce: `building the YAML language host v${YAML_HOST.version} from the Go module proxy (first use on this machine, once)`,
  async compile(work, output, env, log) {
    fs.writeFileSync(path.join(work, "go.mod"), "module bedrock-sfn/pulumi-yaml-build\n\ngo 1.25\n");
    fs.writeFileSync(path.join(work, "tools.go"), `//go:build tools\npackage build\n\nimport _ "${YAML_HOST.package}"\n`);
    await run("go", ["get", `${YAML_HOST.module}@v${YAML_HOST.version}`], work, env, log);
    await run("go", ["mod", "tidy", "-e"], work, env, log);
    log("compiling (go build)");
    await run("go", ["build", "-v", "-trimpath", "-o", output, YAML_HOST.package], work, env, log, true);
  },
};

/** A hash of the Go host's sources (go.mod, go.sum, *.go): a change to any of them rebuilds it. */
function goHostSourceHash(source: string = GO_HOST.source): string {
  const hash = createHash("sha256");
  const files = fs.readdirSync(source).filter((name) => name === "go.mod" || name === "go.sum" || name.endsWith(".go"));
  for (const name of files.sort())
    hash
      .update(`${name}\0`)
      .update(fs.readFileSync(path.join(source, name)))
      .update("\0");
  return hash.digest("hex").slice(0, 16);
}

/**
 * Go: this project's stand-in, built from its own module (go.sum tracked) against pkg/v3 v3.248.0, with the CLI's
 * flags, so that Go's build cache serves what the CLI build compiled.
 */
function goHost(): HostBuild {
  return {
    binary: GO_HOST.binary,
    key: goHostSourceHash(),
    announce: "building the Go language host (tools/engine/go-host; seconds once the CLI is built, minutes before)",
    async compile(_work, output, env, log) {
      await run("go", ["build", "-v", ...GO_RELEASE_FLAGS, "-ldflags", `-X main.version=${PULUMI_VERSION}`, "-o", output, "."], GO_HOST.source, env, log, true);
    },
  };
}

/** True when the YAML language host is built, of the pinned version. */
export function cachedYamlHostIsUsable(env: NodeJS.ProcessEnv = process.env): boolean {
  return isBuilt(yamlHost, env);
}

/** True when the Go language host is built from the sources in this checkout. */
export function cachedGoHostIsUsable(env: NodeJS.ProcessEnv = process.env): boolean {
  return isBuilt(goHost(), env);
}

export function ensureYamlHost(options: { env?: NodeJS.ProcessEnv; log?: Log } = {}): Promise<string> {
  return ensureHost(yamlHost, options);
}

export function ensureGoHost(options: { env?: NodeJS.ProcessEnv; log?: Log } = {}): Promise<string> {
  return ensureHost(goHost(), options);
}
