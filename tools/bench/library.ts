// The library run as compiled JavaScript (lib/, what the package ships) against its TypeScript sources through
// ts-node (with the source-map support Pulumi's language host registers), each in fresh processes: synth of 1 and of
// 100 components; and the stack program (from source, type-checked as ts-node does unless told not to) against
// itself transpile-only. CPU in ms (user + system, median of RUNS), and the ratio compiled / source in the same run. Figures are
// printed, never asserted.
import * as path from "node:path";
import { compiledLibraryIsFresh } from "./compiled-library";
import { freshProcessRuns, medianOf } from "./timing";

const RUNS = 3;
const child = path.join(__dirname, "library-child.js");

function measure(mode: "source" | "compiled", what: string, env: NodeJS.ProcessEnv = process.env): { loadCpuMs: number; synthCpuMs: number; totalCpuMs: number } {
  const samples = freshProcessRuns([child, mode, what], RUNS, env);
  return { loadCpuMs: medianOf(samples, "loadCpuMs"), synthCpuMs: medianOf(samples, "synthCpuMs"), totalCpuMs: medianOf(samples, "totalCpuMs") };
}

export async function main(): Promise<void> {
  if (!compiledLibraryIsFresh()) {
    console.log("library: lib/ is missing or older than the sources; run `npm run build` first (skipped)");
    return;
  }
  for (const what of ["1", "100"]) {
    const label = `${what} component${what === "1" ? "" : "s"}`;
    const source = measure("source", what);
    const compiled = measure("compiled", what);
    const row = (name: string, m: typeof source) =>
      `  ${name.padEnd(9)} load ${m.loadCpuMs.toFixed(0).padStart(6)} ms  synth ${m.synthCpuMs.toFixed(0).padStart(6)} ms  total ${m.totalCpuMs.toFixed(0).padStart(6)} ms CPU`;
    console.log(`library: ${label}, median of ${RUNS} fresh processes`);
    console.log(row("source", source));
    console.log(row("compiled", compiled));
    console.log(
      `  ratio compiled/source: load ${(compiled.loadCpuMs / source.loadCpuMs).toFixed(2)}  synth ${(compiled.synthCpuMs / source.synthCpuMs).toFixed(2)}  total ${(compiled.totalCpuMs / source.totalCpuMs).toFixed(2)}`,
    );
  }
  // What PULUMI_NODEJS_TRANSPILE_ONLY=true saves a `pulumi preview`/`up` of the stack program: Pulumi's runner
  // lets ts-node type-check the program by default (kept: a type error stops the run), the variable skips it.
  const checked = measure("source", "program");
  const transpiled = measure("source", "program", { ...process.env, BEDROCK_SFN_BENCH_TRANSPILE_ONLY: "1" });
  console.log(`library: the dev stack program (synth), median of ${RUNS} fresh processes`);
  console.log(`  transpile-only  total ${transpiled.totalCpuMs.toFixed(0).padStart(6)} ms CPU`);
  console.log(`  type-checked    total ${checked.totalCpuMs.toFixed(0).padStart(6)} ms CPU`);
  console.log(`  ratio transpile-only/type-checked: ${(transpiled.totalCpuMs / checked.totalCpuMs).toFixed(2)}`);
}

if (require.main === module) main();
