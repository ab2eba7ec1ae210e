// The import rules of the layout (`npm run deps`, run by .ci/run): arrows point one way, from the top of this list
// to the bottom, and there are no circles. Tests may import anything; nothing imports a test.
//   tools/ (bench > cli > check > local > engine > shared)    the offline tooling, a private workspace
//   index.ts > stack/                                 the Pulumi stack: its entry, the program and its config reading
//   src/index.ts > components/                        the library: its public entry, the Pulumi components
//   policy-pack/                                      its own package: imports the domain only as the package bedrock-sfn/domain
//   src/domain.ts > src/{workflow,api} > src/bedrock > src/iam > src/core    the pure domain (no Pulumi, no AWS SDK)
const LAYERS = [
  ["core", "^src/core/"],
  ["iam", "^src/iam/"],
  ["bedrock", "^src/bedrock/"],
  ["workflow and api", "^src/(workflow|api)/"],
  ["domain entry", "^src/domain\\.ts$"],
  ["components", "^components/"],
  ["library entry", "^src/index\\.ts$"],
  ["stack", "^stack/"],
  ["stack entry", "^index\\.ts$"],
  ["tools/shared", "^tools/shared/"],
  ["tools/engine", "^tools/engine/"],
  ["tools/local", "^tools/local/"],
  ["tools/check", "^tools/check/"],
  ["tools/cli", "^tools/cli/"],
  ["tools/bench", "^tools/bench/"],
];

// One rule per pair: a layer imports nothing above it.
const upward = LAYERS.flatMap(([lower, from], i) =>
  LAYERS.slice(i + 1).map(([higher, to]) => ({
    name: `${lower} -> ${higher}`,
    comment: `${lower} is below ${higher}: the arrow would run back up`,
    severity: "error",
    from: { path: from },
    to: { path: to },
  })),
);

module.exports = {
  forbidden: [
    ...upward,
    { name: "no-circular", comment: "files that import each other", severity: "error", from: {}, to: { circular: true } },
    {
      name: "pure-domain",
      comment: "the domain runs anywhere (the pack, the local cloud, the CLIs): no Pulumi, no AWS SDK",
      severity: "error",
      from: { path: "^src/(core|iam|bedrock|workflow|api)/|^src/domain\\.ts$" },
      to: { path: "node_modules/(@pulumi|@aws-sdk|@smithy)/" },
    },
    {
      name: "pack-in-its-folder",
      comment: "the pack is published alone: it imports its own files and packages, never a relative path outside policy-pack/",
      severity: "error",
      from: { path: "^policy-pack/" },
      to: { pathNot: "^policy-pack/|node_modules/|^lib/src/domain|^src/domain\\.ts$", dependencyTypesNot: ["core"] },
    },
    {
      name: "pack-alone",
      comment: "nothing of the library or the stack imports the pack (the tools may)",
      severity: "error",
      from: { path: "^(src|components|stack)/|^index\\.ts$" },
      to: { path: "^policy-pack/" },
    },
    {
      name: "tests-are-leaves",
      comment: "code never imports a test or its helpers",
      severity: "error",
      from: { pathNot: "^test/" },
      to: { path: "^test/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(lib|bin)/|(^|/)(node_modules|dist)/|^policy-pack/build\\.js$" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    moduleSystems: ["cjs", "es6"],
  },
};
