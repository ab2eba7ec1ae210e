#!/usr/bin/env node
// Bundles the pack into dist/ so it ships alone: the library's domain (the package bedrock-sfn/domain, a
// devDependency, taken from its TypeScript sources through the condition bedrock-sfn-source) and jsonata are inlined; @pulumi/policy and @pulumi/pulumi stay external (the pack's dependencies, resolved by the
// CLI's runner). dist/index.js serves the pack (the package's main); dist/library.js exports the policies factory.
// Run by `npm run build` (setup, .ci/run and `npm pack` run it; mocha rebuilds it before the tests).
const path = require("node:path");
const esbuild = require("esbuild");

const EXTERNAL = ["@pulumi/policy", "@pulumi/pulumi", "@pulumi/pulumi/*"];

async function build() {
  const result = await esbuild.build({
    absWorkingDir: __dirname,
    entryPoints: { index: "index.ts", library: "library.ts" },
    outdir: "dist",
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: EXTERNAL,
    conditions: ["bedrock-sfn-source"],
    sourcemap: "linked",
    sourcesContent: false,
    legalComments: "linked",
    metafile: true,
    logLevel: "warning",
  });
  // Nothing but the domain, jsonata and the pack may be inlined: a new runtime package must be declared, not hidden.
  const foreign = Object.keys(result.metafile.inputs).filter((file) => /node_modules/.test(file) && !/node_modules\/jsonata\//.test(file));
  if (foreign.length > 0) throw new Error(`the bundle would inline packages other than jsonata: ${foreign.slice(0, 5).join(", ")}`);
  return result;
}

module.exports = { build, EXTERNAL };

if (require.main === module) {
  build().then(
    // stderr: `npm pack --json` keeps stdout for its JSON.
    (r) =>
      console.error(
        `policy pack bundled: ${Object.keys(r.metafile.outputs)
          .filter((f) => f.endsWith(".js"))
          .map((f) => path.join("policy-pack", f))
          .join(", ")}`,
      ),
    (e) => {
      console.error(`policy pack build failed: ${e.message}`);
      process.exit(1);
    },
  );
}
