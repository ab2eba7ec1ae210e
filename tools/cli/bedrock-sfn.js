#!/usr/bin/env node
// bedrock-sfn <command> [options]: the project's command-line tools as one package bin, run from source
// through ts-node. Unlike `npm run <script>`, it prints nothing of its own, so `--json` output pipes cleanly.
"use strict";
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");
// Until the command's own handling is in place (tools/cli/lib/args.ts runCli), a stop signal simply ends the process.
const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];
const stopEarly = () => process.exit(130);
for (const signal of STOP_SIGNALS) process.on(signal, stopEarly);
const COMMANDS = {
  synth: "preview the stack offline under Pulumi's mock engine (resource tree, role grants; --json for one document)",
  local: "run the stack's workflow offline on the local cloud (routed, authorised Bedrock and S3 stand-ins); --runs for a batch",
  serve: "the local cloud until interrupted: a Step Functions endpoint with the Bedrock and S3 stand-ins",
  invoke: "run the deployed state machine once and print the answer",
  start: "the offline tour: preview, policy pack, local runs, batches as this stack's role and a hand-written one",
  check: "judge CloudFormation/SAM/CDK templates, Terraform plans and IAM policies with the policy pack's rules (text, json, sarif)",
  catalog: "build the routing catalog (profiles per source Region, model lifecycle) from an AWS account; --check compares it with the bundled one",
};
const HELP =
  "usage: bedrock-sfn <command> [options]   (each command takes --help)\n" +
  Object.entries(COMMANDS)
    .map(([name, what]) => `  ${name.padEnd(7)} ${what}`)
    .join("\n") +
  "\n";

const [command, ...rest] = process.argv.slice(2);
if (command === undefined || command === "--help" || command === "-h" || command === "help") {
  (command === undefined ? process.stderr : process.stdout).write(HELP);
  process.exit(command === undefined ? 2 : 0);
}
if (!Object.hasOwn(COMMANDS, command)) {
  process.stderr.write(`error: unknown command '${String(command).slice(0, 40)}'; commands: ${Object.keys(COMMANDS).join(", ")}\n`);
  process.exit(2);
}
// The policy pack (which `start` runs) imports the library's domain as the package `bedrock-sfn/domain`: in this
// repository that resolves to the TypeScript sources under the condition `bedrock-sfn-source` (else to lib/, the
// build), so the tools and the pack run one copy of the domain, never a stale build. Node takes conditions only
// at start, hence one re-run with it.
if (!process.execArgv.includes("--conditions=bedrock-sfn-source")) {
  // Asynchronously, so that a signal sent to this process alone (kill <pid>) reaches the command too. From a
  // terminal both processes get it; the command counts signals that arrive together as one (tools/cli/lib/args.ts).
  const { spawn } = require("node:child_process");
  const child = spawn(process.execPath, ["--conditions=bedrock-sfn-source", ...process.execArgv, __filename, command, ...rest], { stdio: "inherit" });
  for (const signal of STOP_SIGNALS) {
    process.off(signal, stopEarly);
    process.on(signal, () => child.kill(signal));
  }
  child.on("exit", (code, signal) => process.exit(code ?? 128 + (require("node:os").constants.signals[signal] ?? 0)));
} else {
  require(path.join(root, "tools", "register.js"));
  const { runCli } = require(path.join(root, "tools", "cli", "lib", "args.ts"));
  const { main } = require(path.join(root, "tools", "cli", `${command}.ts`));
  for (const signal of STOP_SIGNALS) process.off(signal, stopEarly);
  runCli(() => main(rest));
}
