// A throwaway copy of the project with its own file backend, so engine tests never touch the developer's stacks,
// each other's, or the tracked stack files (stack init writes a passphrase salt into Pulumi.<stack>.yaml).
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CliLocation, findCli } from "../../../tools/engine/cli";
import { findGo } from "../../../tools/engine/build-cli";
import { installAwsStandIn } from "../../../tools/engine/aws/plugin-install";
import { engineEnv } from "../../../tools/engine/environment";
import { PROJECT_ROOT, cachedCliPath } from "../../../tools/engine/paths";

/** Never copied: dependencies (linked instead), state, the pack (used in place), tests and the tools (run in place). */
const SKIP = new Set(["node_modules", ".git", ".pulumi-local", "policy-pack", "test", "tools", "bin", ".tmp"]);

export const POLICY_PACK = path.join(PROJECT_ROOT, "policy-pack");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for assertions on what a user sees. */
  output: string;
}

export class ScratchProject {
  readonly dir: string;
  readonly backendDir: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly cli: CliLocation,
    label: string,
    options: { typeCheck?: boolean } = {},
  ) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `bedrock-sfn-engine-${label}-`));
    this.dir = path.join(root, "project");
    this.backendDir = path.join(root, "backend");
    fs.mkdirSync(this.dir);
    fs.mkdirSync(this.backendDir);
    for (const entry of fs.readdirSync(PROJECT_ROOT)) {
      if (SKIP.has(entry) || entry.endsWith(".log")) continue;
      fs.cpSync(path.join(PROJECT_ROOT, entry), path.join(this.dir, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(this.dir, "node_modules"), "dir");
    this.env = engineEnv({ backendDir: this.backendDir, base: { ...process.env, PULUMI_CONFIG_PASSPHRASE: "engine-tests" } });
    // Pulumi's runner type-checks a TypeScript program on every run (Pulumi.yaml's default), which is most of a
    // preview's CPU. Types are checked once by `npm run typecheck`; so only a test that asks for it (the dev
    // preview, which proves the default path) pays for it again. PULUMI_NODEJS_TRANSPILE_ONLY is the runner's switch.
    if (!options.typeCheck) this.env.PULUMI_NODEJS_TRANSPILE_ONLY = "true";
    installAwsStandIn(this.env.PULUMI_HOME!);
  }

  /** Adds a module to the program: copied next to index.ts and imported by it. */
  addToProgram(fixture: string): void {
    const name = path.basename(fixture);
    fs.copyFileSync(fixture, path.join(this.dir, name));
    fs.appendFileSync(path.join(this.dir, "index.ts"), `import "./${name.replace(/\.ts$/, "")}";\n`);
  }

  writeFile(name: string, content: string): string {
    const file = path.join(this.dir, name);
    fs.writeFileSync(file, content);
    return file;
  }

  run(args: string[], timeoutMs = 240_000): Promise<RunResult> {
    return new Promise((resolve) => {
      execFile(
        this.cli.path,
        [...args, "--non-interactive", "--color", "never"],
        { cwd: this.dir, env: this.env, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
          resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
        },
      );
    });
  }

  remove(): void {
    fs.rmSync(path.dirname(this.dir), { recursive: true, force: true });
  }
}

/** The CLI the engine tests use, or why they cannot run (one line). CI requires them (BEDROCK_SFN_ENGINE_TESTS=required). */
export function engineAvailability(): { cli: CliLocation } | { reason: string } {
  const cli = findCli(process.env);
  if (cli) return { cli };
  const go = findGo(process.env);
  return {
    reason: go
      ? `no Pulumi CLI built yet (${cachedCliPath()}) and none on PATH; build it with 'npm run engine:build' (Go is here; about 5 minutes the first time)`
      : "no Pulumi CLI (no cached build, none on PATH) and no Go toolchain to build one; install Go 1.25+ or the Pulumi CLI",
  };
}

/** The outputs `pulumi stack output --json` printed, parsed. */
export function parseOutputs(result: RunResult): Record<string, unknown> {
  return JSON.parse(result.stdout) as Record<string, unknown>;
}
