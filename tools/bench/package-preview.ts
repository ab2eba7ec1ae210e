// One BedrockStateMachine previewed through the Pulumi package (the YAML example: the YAML language host, the
// component provider host, the schema inferred from provider/schema.ts) against the TypeScript stack program
// declaring the same component with the same arguments (the dev stack). Both through the offline engine
// (`npm run pulumi`), interleaved, each with its stack created first (not timed). Wall time of the whole command,
// median of RUNS: the engine, the language host and the plugins run as separate processes. The ratio
// package / TypeScript is the figure (target: at most 1.5). Printed, never asserted; skipped in one line without the
// CLI and the YAML language host (`npm run engine:build`).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cachedCliIsUsable } from "../engine/build-cli";
import { cachedYamlHostIsUsable } from "../engine/build-hosts";
import { PROJECT_ROOT } from "../engine/paths";

const RUNS = Number(process.env.BEDROCK_SFN_BENCH_RUNS) || 3;
const WRAPPER = path.join(PROJECT_ROOT, "tools", "engine", "pulumi.ts");

function preview(args: string[], stateDir: string): number {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    ["--require", "ts-node/register/transpile-only", WRAPPER, ...args, "preview", "--stack", "dev", "--non-interactive", "--color", "never"],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, BEDROCK_SFN_STATE_DIR: stateDir },
      encoding: "utf8",
      maxBuffer: 32 * 1024 * 1024,
    },
  );
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`preview ${args.join(" ")} failed (exit ${result.status}): ${`${result.stdout}${result.stderr}`.slice(-2000)}`);
  return ms;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function main(): Promise<void> {
  if (!cachedCliIsUsable() || !cachedYamlHostIsUsable()) {
    console.log("package-preview: the Pulumi CLI or the YAML language host is not built; run `npm run engine:build` (skipped)");
    return;
  }
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-bench-package-"));
  try {
    const yaml = ["-C", "examples/yaml"];
    const typescript: string[] = [];
    // The first preview of each creates its stack (and warms the disk cache): not timed.
    preview(yaml, stateDir);
    preview(typescript, stateDir);
    const yamlMs: number[] = [];
    const tsMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      yamlMs.push(preview(yaml, stateDir));
      tsMs.push(preview(typescript, stateDir));
    }
    const y = median(yamlMs);
    const t = median(tsMs);
    console.log(`package-preview: one BedrockStateMachine, \`preview\` through the offline engine, median of ${RUNS} interleaved runs (wall time)`);
    console.log(`  YAML through the provider host   ${(y / 1000).toFixed(1).padStart(6)} s`);
    console.log(`  TypeScript program               ${(t / 1000).toFixed(1).padStart(6)} s`);
    console.log(`  ratio package/TypeScript ${(y / t).toFixed(2)} (target at most 1.5)`);
  } finally {
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

if (require.main === module) main();
