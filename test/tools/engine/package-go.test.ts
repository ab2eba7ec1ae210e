// bedrock-sfn as a Pulumi package from Go, through the offline engine (`npm run pulumi -- -C <folder> ...`) and its
// Go language host (tools/engine/go-host): on a copy of examples/go, `package add` (and `install`, from
// `packages:`) generates the Go SDK and links it exactly as the example's tracked go.mod says; the program previews
// with the policy pack, goes up, shows its outputs and is destroyed; the role it deploys is the one the TypeScript
// program deploys for the same arguments; an argument error reaches Go as the component's one line; Ctrl-C ends
// the Go program and the host with the rest.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { findGo } from "../../../tools/engine/build-cli";
import { cachedGoHostIsUsable } from "../../../tools/engine/build-hosts";
import { type DeployedResource, readCheckpointResources } from "../../../tools/engine/deployed-state";
import { GO_HOST, PROJECT_ROOT, cachedHostPath, projectBackendDir, stackStatePath } from "../../../tools/engine/paths";
import { killLeftovers, processesWithEnv, spawnGroup, until } from "../../support/processes";
import { scratchDir } from "../../support/scratch";
import { type ScratchProject, engineAvailability, parseOutputs } from "./helpers";
import { STACK_TRACE, assertOk, componentResources, deployTypeScriptAs, rolePolicyOf, trustPolicyOf, wrapper } from "./package-helpers";

const EXAMPLE = path.join(PROJECT_ROOT, "examples", "go");
const PROJECT = "bedrock-sfn-go";
const SDK = path.join("sdks", "bedrock-sfn", "bedrocksfn");

/** The reason the Go tests cannot run here, or undefined. */
function goUnavailable(): string | undefined {
  const engine = engineAvailability();
  if ("reason" in engine) return engine.reason;
  if (!findGo()) return "no Go toolchain to build Go programs; install Go 1.25+";
  if (!cachedGoHostIsUsable()) return `no Go language host built from this checkout yet (${cachedHostPath(GO_HOST.binary)}); build it with 'npm run engine:build'`;
  return undefined;
}

describe("bedrock-sfn as a Pulumi package, from Go (offline engine)", function () {
  this.timeout(900_000);
  const engine = engineAvailability();
  const reason = goUnavailable();
  const stateDir = scratchDir("bedrock-sfn-package-go-state-");
  // A copy of the example elsewhere: `packages:` names this checkout by its absolute path.
  const program = scratchDir("bedrock-sfn-package-go-");
  const scratches: ScratchProject[] = [];
  let goResources: DeployedResource[] | undefined;

  before(function () {
    if (reason) {
      if (process.env.BEDROCK_SFN_ENGINE_TESTS === "required") throw new Error(`engine tests required but cannot run: ${reason}`);
      console.log(`    Go package tests did not run: ${reason}`);
      this.skip();
    }
    // The project as it is before `package add`: no `packages:`, no require or replace of the SDK, no go.sum. What
    // the first test finds after it is all the CLI's and the Go host's doing (Link, then `go mod tidy`).
    fs.copyFileSync(path.join(EXAMPLE, "main.go"), path.join(program, "main.go"));
    const pulumiYaml = fs.readFileSync(path.join(EXAMPLE, "Pulumi.yaml"), "utf8");
    fs.writeFileSync(path.join(program, "Pulumi.yaml"), pulumiYaml.replace(/^packages:\n( {2}.*\n)+/m, ""));
    const goMod = fs.readFileSync(path.join(EXAMPLE, "go.mod"), "utf8");
    fs.writeFileSync(path.join(program, "go.mod"), goMod.replace(/^.*example\.com\/pulumi-bedrock-sfn.*\n/gm, ""));
  });

  after(() => {
    for (const scratch of scratches) scratch.remove();
  });

  it("package add generates the Go SDK from the schema and links it as the example's tracked go.mod says", async () => {
    const result = await wrapper(["-C", program, "package", "add", PROJECT_ROOT], stateDir);
    assertOk(result, "package add");
    assert.match(result.output, /Added package bedrock-sfn/);
    assert.match(result.output, /import "example\.com\/pulumi-bedrock-sfn\/sdk\/go\/bedrocksfn"/);
    const component = fs.readFileSync(path.join(program, SDK, "bedrockStateMachine.go"), "utf8");
    assert.match(component, /RegisterRemoteComponentResource\("bedrock-sfn:index:BedrockStateMachine"/);
    // Inputs and outputs with the TypeScript args' docs.
    assert.match(component, /\/\/ What the Task calls, exactly as Bedrock's ModelId takes it[^\n]*\n(\s*\/\/[^\n]*\n)*\s*ModelId \*string `pulumi:"modelId"`/);
    assert.match(component, /RoleArn\s+pulumi\.StringOutput/);
    for (const file of ["payloadBucket.go", "apiFrontDoor.go"]) assert.ok(fs.existsSync(path.join(program, SDK, file)), `${file} was not generated`);
    const manifest = JSON.parse(fs.readFileSync(path.join(program, SDK, "pulumi-plugin.json"), "utf8")) as Record<string, unknown>;
    assert.equal(manifest.name, "bedrock-sfn");
    assert.equal(manifest.resource, true);
    // Link and `go mod tidy` leave go.mod and go.sum as tracked: the example is what `package add` makes.
    for (const file of ["go.mod", "go.sum"]) {
      assert.equal(fs.readFileSync(path.join(program, file), "utf8"), fs.readFileSync(path.join(EXAMPLE, file), "utf8"), `${file} differs from examples/go/${file}`);
    }
    const project = parseYaml(fs.readFileSync(path.join(program, "Pulumi.yaml"), "utf8")) as { packages?: Record<string, string> };
    assert.deepEqual(project.packages, { "bedrock-sfn": PROJECT_ROOT });
  });

  it("install, on a fresh copy, generates and links the SDK of every package Pulumi.yaml names", async () => {
    const copy = scratchDir("bedrock-sfn-package-go-install-");
    for (const file of ["Pulumi.yaml", "go.mod", "go.sum", "main.go"]) fs.copyFileSync(path.join(program, file), path.join(copy, file));
    assertOk(await wrapper(["-C", copy, "install"], stateDir), "install");
    assert.ok(fs.existsSync(path.join(copy, SDK, "bedrockStateMachine.go")), "install generated no SDK");
    for (const file of ["go.mod", "go.sum"]) assert.equal(fs.readFileSync(path.join(copy, file), "utf8"), fs.readFileSync(path.join(EXAMPLE, file), "utf8"), `${file} changed`);
  });

  it("previews the Go program with the policy pack: the component, its children, the pack passing", async () => {
    const result = await wrapper(["-C", program, "preview", "--stack", "dev", "--policy-pack", "./policy-pack"], stateDir);
    assertOk(result, "preview");
    for (const type of ["bedrock-sfn:index:BedrockStateMachine", "aws:sfn:StateMachine", "aws:iam:Role", "aws:iam:RolePolicy", "aws:s3:Bucket"]) {
      assert.match(result.stdout, new RegExp(`\\+\\s+${type}\\s`), `${type} missing from the preview:\n${result.stdout}`);
    }
    assert.match(result.stdout, /Policies:\s*\n\s*✅ bedrock-sfn@v[\d.]+ \(local: [^)]*policy-pack\)/);
  });

  it("goes up and shows the roleArn and stateMachineArn outputs", async () => {
    assertOk(await wrapper(["-C", program, "up", "--stack", "dev", "--yes", "--skip-preview"], stateDir), "up");
    const outputs = await wrapper(["-C", program, "stack", "output", "--json", "--stack", "dev"], stateDir);
    assertOk(outputs, "stack output");
    const values = parseOutputs(outputs);
    assert.match(String(values.roleArn), /^arn:aws:iam::123456789012:role\/bedrock-sfn-role-[0-9a-f]{7}$/);
    assert.match(String(values.stateMachineArn), /^arn:aws:states:ap-northeast-1:123456789012:stateMachine:bedrock-sfn-workflow-[0-9a-f]{7}$/);
    assert.deepEqual(values.routedRegions, ["*"]);
    goResources = readCheckpointResources(stackStatePath("dev", projectBackendDir(program, { BEDROCK_SFN_STATE_DIR: stateDir }), PROJECT));
  });

  it("deploys the role the TypeScript program deploys for the same arguments", async () => {
    assert.ok(goResources, "the Go stack was not deployed");
    if ("reason" in engine) throw new Error(engine.reason);
    const tsResources = await deployTypeScriptAs(engine.cli, PROJECT, scratches);
    assert.deepEqual(rolePolicyOf(goResources), rolePolicyOf(tsResources));
    assert.deepEqual(trustPolicyOf(goResources), trustPolicyOf(tsResources));
    assert.match(JSON.stringify(rolePolicyOf(goResources)), /arn:aws:bedrock:::foundation-model\/anthropic\.claude-opus-4-6-v1/);
  });

  it("preview on SIGINT: the Go program, its host and the engine end, and the program's build folder is removed", async () => {
    const MARK = "BEDROCK_SFN_GO_SIGNAL_TEST";
    const mark = String(process.pid);
    const run = spawnGroup(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(PROJECT_ROOT, "tools/engine/pulumi.ts"), "-C", program, "preview", "--stack", "dev", "--non-interactive"],
      { cwd: PROJECT_ROOT, env: { ...process.env, BEDROCK_SFN_STATE_DIR: stateDir, [MARK]: mark } },
    );
    try {
      // Busy: the program the host built is running (its path is in the host's build folder).
      const programPath = () => {
        for (const pid of processesWithEnv(MARK, mark)) {
          try {
            const argv0 = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0];
            if (argv0.includes("pulumi-go-program-")) return argv0;
          } catch {
            // Gone.
          }
        }
        return undefined;
      };
      let built: string | undefined;
      await until(
        () => {
          built = programPath();
          return built !== undefined || run.child.exitCode !== null;
        },
        240_000,
        "the Go program to start",
      );
      assert.equal(run.child.exitCode, null, run.output().slice(-1500));
      process.kill(run.child.pid!, "SIGINT");
      const { code } = await run.exited;
      assert.notEqual(code, 0);
      await until(() => processesWithEnv(MARK, mark).length === 0, 30_000, "every process of the command to end");
      assert.ok(built && !fs.existsSync(path.dirname(built)), `the program's build folder ${built} is left behind`);
    } finally {
      killLeftovers(run.child, MARK, mark);
    }
  });

  it("destroy removes what the Go program created", async () => {
    const result = await wrapper(["-C", program, "destroy", "--stack", "dev", "--yes", "--skip-preview"], stateDir);
    assertOk(result, "destroy");
    assert.match(result.stdout, /- (\d+) deleted/);
    assert.deepEqual(componentResources(readCheckpointResources(stackStatePath("dev", projectBackendDir(program, { BEDROCK_SFN_STATE_DIR: stateDir }), PROJECT))), []);
  });

  it("runs a prebuilt program named by runtime.options.binary instead of building one", async () => {
    const copy = scratchDir("bedrock-sfn-package-go-binary-");
    fs.cpSync(program, copy, { recursive: true });
    const binary = path.join(copy, "prebuilt");
    execFileSync("go", ["build", "-o", binary, "."], { cwd: copy });
    // The sources go: only the binary can answer.
    fs.rmSync(path.join(copy, "main.go"));
    const pulumiYaml = path.join(copy, "Pulumi.yaml");
    fs.writeFileSync(pulumiYaml, fs.readFileSync(pulumiYaml, "utf8").replace("runtime: go", "runtime:\n  name: go\n  options:\n    binary: ./prebuilt"));
    const result = await wrapper(["-C", copy, "preview", "--stack", "prebuilt"], stateDir);
    assertOk(result, "preview of the prebuilt program");
    assert.match(result.stdout, /\+\s+bedrock-sfn:index:BedrockStateMachine\s/);
  });

  it("an argument error reaches the Go program as the component's one line, without a stack trace", async () => {
    const main = path.join(program, "main.go");
    fs.writeFileSync(main, fs.readFileSync(main, "utf8").replace('WorkflowType: pulumi.StringRef("EXPRESS")', 'WorkflowType: pulumi.StringRef("BATCH")'));
    const result = await wrapper(["-C", program, "preview", "--stack", "bad"], stateDir);
    assert.notEqual(result.code, 0, "the preview accepted workflowType BATCH");
    const lines = result.output.split("\n").filter((line) => line.includes("workflowType = 'BATCH'"));
    assert.ok(lines.length >= 1, `no line names workflowType = 'BATCH':\n${result.output}`);
    assert.match(lines[0], /BedrockStateMachine 'bedrock-sfn': workflowType = 'BATCH': must be one of STANDARD, EXPRESS/);
    assert.doesNotMatch(result.output, STACK_TRACE, `the output holds a stack trace:\n${result.output}`);
  });
});
