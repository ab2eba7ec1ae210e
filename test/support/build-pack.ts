// Mocha global fixture: bundle the policy pack (policy-pack/dist/) before any test, so the gRPC and engine tests
// run what the sources say now, never a stale bundle. esbuild takes well under a second.
import * as path from "node:path";

export async function mochaGlobalSetup(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { build } = require(path.resolve(__dirname, "..", "..", "policy-pack", "build.js")) as { build: () => Promise<unknown> };
  await build();
}
