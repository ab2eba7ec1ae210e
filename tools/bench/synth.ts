// How long an offline synth of each stack takes under the mock engine (the cost of `npm run synth` minus startup),
// and its CPU as a ratio to a baseline in the same run (issue 17: "synth CPU is within 1.05 of before"). The baseline
// is the catalog-only path of the same code: a catalogued geographic profile with routingSource catalog, which
// resolves from the catalog table and asks nothing, as every profile did before global rules and the live check of
// `auto`. Every case is the dev stack, differing only in the model and routingSource; they are measured interleaved,
// so machine load falls on each alike.
import { synthesize } from "../cli/lib/synth";
import { report, time } from "./timing";

const GEO = { "aws:region": "ap-northeast-1", "bedrock-sfn:modelId": "jp.anthropic.claude-haiku-4-5-20251001-v1:0" };
const CASES: { label: string; stack: string; overrides: Record<string, string> }[] = [
  { label: "baseline: geographic profile, routingSource catalog", stack: "dev", overrides: { ...GEO, "bedrock-sfn:routingSource": "catalog" } },
  { label: "geographic profile, auto (catalog + GetInferenceProfile check)", stack: "dev", overrides: GEO },
  { label: "dev stack as configured (global profile)", stack: "dev", overrides: {} },
  { label: "global profile the catalog lacks (by rule)", stack: "dev", overrides: { "bedrock-sfn:modelId": "global.anthropic.claude-sonnet-4-9" } },
];

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export async function main(): Promise<void> {
  for (const stack of ["dev", "prod"]) {
    await synthesize({ stack }); // warm-up: module loading is not the program's cost
    report(`synth: ${stack} stack under mocks`, await time(20, () => synthesize({ stack })), "synth");
  }
  for (const c of CASES) await synthesize({ stack: c.stack, overrides: c.overrides });
  const rounds = 60;
  const spent = CASES.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    for (const [i, c] of CASES.entries()) {
      const before = cpuMs();
      await synthesize({ stack: c.stack, overrides: c.overrides });
      spent[i] += cpuMs() - before;
    }
  }
  console.log(`synth CPU per run (${rounds} interleaved rounds), as a ratio to the catalog-only baseline; target (issue 17): within 1.05`);
  for (const [i, c] of CASES.entries()) {
    console.log(`  ${c.label.padEnd(66)} ${(spent[i] / rounds).toFixed(1).padStart(7)} ms  x${(spent[i] / spent[0]).toFixed(3)}`);
  }
}

if (require.main === module) main();
