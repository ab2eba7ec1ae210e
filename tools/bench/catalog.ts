// `bedrock-sfn catalog` over 30 Regions against the local control-plane stand-in, each answer delayed by a fixed
// latency: the wall time, and its ratio to the ideal for the same bounds (the calls that must follow one another,
// spread over the Regions read at once). Target: under 10 s wall. Prints figures; asserts nothing. The first run in
// a process also loads the SDK clients; BENCH_LATENCY sets the latency in ms (default 25).
import { bundledSourceRegions, fixtureAccount } from "../local/stand-ins/bedrock-control-fixture";
import { startBedrockControlStandIn } from "../local/stand-ins/bedrock-control-stand-in";
import { main as catalog } from "../cli/catalog";

const REGIONS = 30;
const LATENCY_MS = Number(process.env.BENCH_LATENCY ?? 25);
const CONCURRENCY = 8;
// GetInferenceProfile calls at once within a Region (scripts/catalog's default) and the stand-in's page size.
const PROFILE_CONCURRENCY = 8;
const PAGE_SIZE = 100;

export async function main(print: (line: string) => void = (line) => console.log(line)): Promise<void> {
  process.env.AWS_ACCESS_KEY_ID ??= "AKIDBENCH";
  process.env.AWS_SECRET_ACCESS_KEY ??= "bench-secret";
  const regions = bundledSourceRegions().slice(0, REGIONS);
  const fixture = fixtureAccount({ regions });
  const standIn = await startBedrockControlStandIn({ fixture, pageSize: PAGE_SIZE, faults: { latencyMs: LATENCY_MS } });
  try {
    // Per Region, the calls that must wait for one another: the pages of ListInferenceProfiles (ListFoundationModels
    // runs beside them), then the GetInferenceProfile calls in rounds of PROFILE_CONCURRENCY.
    const chains = regions.map((region) => {
      const profiles = Object.keys(fixture.profiles).filter((id) => fixture.profiles[id][region]).length;
      return Math.max(1, Math.ceil(profiles / PAGE_SIZE)) + Math.ceil(profiles / PROFILE_CONCURRENCY);
    });
    const total = chains.reduce((a, b) => a + b, 0);
    const idealMs = (1 + Math.max(Math.max(...chains), total / CONCURRENCY)) * LATENCY_MS;
    let written = "";
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const code = await catalog(["--endpoint", standIn.endpoint, "--concurrency", String(CONCURRENCY)], {
      stdout: (text) => {
        written += text;
      },
      stderr: { isTTY: false, write: () => undefined },
    });
    const wallMs = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    if (code !== 0) throw new Error(`catalog exited ${code}`);
    const profiles = Object.keys(JSON.parse(written).profiles).length;
    print(
      `catalog: ${regions.length} Regions, ${profiles} profiles, ${standIn.calls.length} calls at ${LATENCY_MS} ms each, ${CONCURRENCY} Regions at once: ` +
        `wall ${(wallMs / 1000).toFixed(2)} s (target < 10 s), ideal ${(idealMs / 1000).toFixed(2)} s, ratio ${(wallMs / idealMs).toFixed(2)}; ` +
        `CPU ${(cpuMs / 1000).toFixed(2)} s (client and stand-in in one process: SDK signing and parsing, ${(cpuMs / standIn.calls.length).toFixed(1)} ms a call)`,
    );
  } finally {
    await standIn.close();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(`bench failed: ${error instanceof Error ? error.message : error}`);
      process.exit(1);
    },
  );
}
