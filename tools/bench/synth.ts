// How long an offline synth of each stack takes under the mock engine (the cost of `npm run synth` minus startup).
import { synthesize } from "../cli/lib/synth";
import { report, time } from "./timing";

export async function main(): Promise<void> {
  for (const stack of ["dev", "prod"]) {
    await synthesize({ stack }); // warm-up: module loading is not the program's cost
    report(`synth: ${stack} stack under mocks`, await time(20, () => synthesize({ stack })), "synth");
  }
}

if (require.main === module) main();
