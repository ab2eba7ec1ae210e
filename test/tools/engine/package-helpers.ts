// What the Pulumi package tests (YAML and Go) share: the wrapper run as a user runs it, the deployed role read back
// from a checkpoint, and the TypeScript stack program deployed under another project's name for comparison.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type DeployedResource, readCheckpointResources } from "../../../tools/engine/deployed-state";
import type { CliLocation } from "../../../tools/engine/cli";
import { PROJECT_ROOT, stackStatePath } from "../../../tools/engine/paths";
import { type RunResult, ScratchProject } from "./helpers";

export const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

export function assertOk(result: RunResult, what: string): void {
  assert.equal(result.code, 0, `${what} failed (exit ${result.code}):\n${result.output.slice(-4000)}`);
}

/** `npm run pulumi -- <args>` (the wrapper itself), with its state in `stateDir`. */
export function wrapper(args: string[], stateDir: string, timeoutMs = 480_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--require", "ts-node/register/transpile-only", path.join(PROJECT_ROOT, "tools", "engine", "pulumi.ts"), ...args, "--non-interactive", "--color", "never"],
      { cwd: PROJECT_ROOT, env: { ...process.env, BEDROCK_SFN_STATE_DIR: stateDir }, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

export function rolePolicyOf(resources: DeployedResource[] | undefined): unknown {
  const policies = (resources ?? []).filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy");
  assert.equal(policies.length, 1, `expected one role policy, found ${policies.length}`);
  return JSON.parse(String(policies[0].outputs.policy));
}

export function trustPolicyOf(resources: DeployedResource[] | undefined): unknown {
  const roles = (resources ?? []).filter((r) => r.type === "aws:iam/role:Role");
  assert.equal(roles.length, 1);
  return JSON.parse(String(roles[0].outputs.assumeRolePolicy));
}

/**
 * Deploys the TypeScript stack program with its dev stack (the examples' arguments) under `projectName` (names and
 * ARNs in the policy include the project), so without the config schema Pulumi.yaml declares for the project
 * bedrock-sfn: the program reads the bedrock-sfn:* keys all the same. Returns what it deployed.
 */
export async function deployTypeScriptAs(cli: CliLocation, projectName: string, scratches: ScratchProject[]): Promise<DeployedResource[] | undefined> {
  const ts = new ScratchProject(cli, `package-ts-${projectName}`);
  scratches.push(ts);
  const pulumiYaml = path.join(ts.dir, "Pulumi.yaml");
  fs.writeFileSync(
    pulumiYaml,
    fs
      .readFileSync(pulumiYaml, "utf8")
      .replace(/^name: bedrock-sfn$/m, `name: ${projectName}`)
      .replace(/^config:[\s\S]*$/m, ""),
  );
  assertOk(await ts.run(["stack", "init", "dev"]), "stack init");
  assertOk(await ts.run(["up", "--stack", "dev", "--yes", "--skip-preview"]), "up (TypeScript)");
  return readCheckpointResources(stackStatePath("dev", ts.backendDir, projectName));
}

/** Deployed resources of the component packages: what destroy must leave none of. */
export function componentResources(resources: DeployedResource[] | undefined): DeployedResource[] {
  return (resources ?? []).filter((r) => r.type.startsWith("aws:") || r.type.startsWith("bedrock-sfn:"));
}
