// One measured run for tools/bench/library.ts, in a fresh process: `node library-child.js <source|compiled> <count>`
// creates <count> BedrockStateMachines under mocks; `... source program` synthesizes the dev stack
// (stack/program.ts, which imports the library's sources). Prints {loadCpuMs, synthCpuMs, totalCpuMs, registrations, invokes} as JSON.
"use strict";
const path = require("node:path");
const [mode, what] = process.argv.slice(2);
const root = path.resolve(__dirname, "..", "..");
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
// How a user's `pulumi up` runs the program (@pulumi/pulumi/cmd/run): the SDK's source-map support, then ts-node
// (with its own) on the project's tsconfig.json, type-checking as Pulumi's runner does by default;
// BEDROCK_SFN_BENCH_TRANSPILE_ONLY=1 skips the check, as PULUMI_NODEJS_TRANSPILE_ONLY=true does for a user.
require(require.resolve("source-map-support/register", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] }));
require("ts-node").register({ project: path.join(root, "tsconfig.json"), ...(process.env.BEDROCK_SFN_BENCH_TRANSPILE_ONLY === "1" ? { transpileOnly: true } : {}) });
// What the mocks saw: resources and components registered, data sources invoked.
const counts = { registrations: 0, invokes: 0 };

async function components(count) {
  const pulumi = require("@pulumi/pulumi");
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        counts.registrations++;
        return { id: `${args.name}-id`, state: { ...args.inputs, arn: `arn:aws:mock:::${args.name}` } };
      },
      call: () => {
        counts.invokes++;
        return { accountId: "123456789012", region: "ap-northeast-1", partition: "aws" };
      },
    },
    "bench",
    "dev",
    true,
  );
  const library = mode === "compiled" ? require(path.join(root, "lib", "src", "index.js")) : require(path.join(root, "src", "index.ts"));
  const loaded = cpuMs();
  const value = (output) => new Promise((resolve) => output.apply(resolve));
  const machines = [];
  for (let i = 0; i < count; i++) {
    machines.push(new library.BedrockStateMachine(`m${i}`, { modelId: "apac.anthropic.claude-sonnet-4-20250514-v1:0", region: "ap-northeast-1" }));
  }
  await Promise.all(machines.map((m) => Promise.all([value(m.stateMachineArn), value(m.payloads.bucketArn)])));
  await pulumi.runtime.disconnect();
  return { loaded, done: cpuMs() };
}

async function program() {
  const { synthesize } = require(path.join(root, "tools", "cli", "lib", "synth.ts"));
  const loaded = cpuMs();
  await synthesize({ stack: "dev" });
  return { loaded, done: cpuMs() };
}

(what === "program" ? program() : components(Number(what))).then(
  ({ loaded, done }) => {
    process.stdout.write(JSON.stringify({ loadCpuMs: loaded, synthCpuMs: done - loaded, totalCpuMs: done, ...counts }));
    process.exit(0);
  },
  (error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  },
);
