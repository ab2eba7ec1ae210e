// The pieces of `npm run pulumi` that need no CLI: locating it, its environment, stack creation, the offline
// passphrase salt, and the language host's translation of what the engine sends.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EngineSetupError } from "../../../tools/engine/build-cli";
import { locateOrBuildCli, needsStackInit, parseArgs, projectFolder, removedStack, withAbsolutePaths, withSafeDefaults } from "../../../tools/engine/cli";
import { engineEnv } from "../../../tools/engine/environment";
import { configForSdk, requiredPackages, runtimeOptions } from "../../../tools/engine/language-host";
import { StackUsageError, checkStackKnown, knownStacks, saveOfflineSalt, stackConfigCopy } from "../../../tools/engine/offline-salt";
import { AWS_PLUGIN_DIR, PLUGINS_DIR, PROJECT_ROOT, cacheDir, localBackendDir, projectBackendDir, stackStatePath } from "../../../tools/engine/paths";
import { AWS_STAND_IN_LAUNCHER, installAwsStandIn } from "../../../tools/engine/aws/plugin-install";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-wrapper-"));

describe("engine: the npm run pulumi wrapper", () => {
  it("keeps the cache outside the work tree, keyed by version", () => {
    assert.equal(cacheDir({ XDG_CACHE_HOME: "/x/cache" }), "/x/cache/bedrock-sfn/pulumi-v3.248.0");
    assert.equal(cacheDir({ XDG_CACHE_HOME: "relative" }), path.join(os.homedir(), ".cache", "bedrock-sfn", "pulumi-v3.248.0"));
  });

  it("without Go and without a CLI, says in one line what to install", async () => {
    const empty = tmp();
    const env = { PATH: empty, HOME: empty, XDG_CACHE_HOME: empty };
    await assert.rejects(locateOrBuildCli(env), (error: Error) => {
      assert.ok(error instanceof EngineSetupError);
      assert.doesNotMatch(error.message, /\n/);
      assert.match(error.message, /install Go 1\.25\+.*or install the Pulumi CLI/);
      return true;
    });
  });

  it("runs offline: local file backend, passphrase, no update check or plugin download, no plugins from PATH", () => {
    const env = engineEnv({ backendDir: "/b", base: { PATH: "/usr/bin", PULUMI_ACCESS_TOKEN: "pul-123" } });
    assert.equal(env.PULUMI_BACKEND_URL, "file:///b");
    assert.equal(env.PULUMI_HOME, "/b/home");
    assert.equal(env.PULUMI_SKIP_UPDATE_CHECK, "true");
    assert.equal(env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION, "true");
    assert.ok(env.PULUMI_CONFIG_PASSPHRASE);
    assert.equal(env.PULUMI_ACCESS_TOKEN, undefined);
    // A real pulumi-resource-aws on the user's PATH must never win over the stand-in in the plugin cache.
    assert.equal(env.PULUMI_IGNORE_AMBIENT_PLUGINS, "true");
    assert.equal(env.PATH, "/usr/bin");
    assert.equal(env.BEDROCK_SFN_ROOT, PROJECT_ROOT);
    assert.equal(engineEnv({ base: { PULUMI_CONFIG_PASSPHRASE: "mine" } }).PULUMI_CONFIG_PASSPHRASE, "mine");
    assert.ok(fs.statSync(path.join(PLUGINS_DIR, "pulumi-resource-aws")).mode & 0o100, "the provider launcher is not executable");
  });

  it("installs the AWS provider stand-in into PULUMI_HOME as Pulumi lays out a resource plugin, once", () => {
    const home = path.join(tmp(), "home");
    const dir = installAwsStandIn(home);
    assert.equal(dir, path.join(home, "plugins", "resource-aws-v7.48.0"));
    assert.equal(AWS_PLUGIN_DIR, `resource-aws-v${require("@pulumi/aws/package.json").pulumi.version}`, "the folder names the @pulumi/aws plugin version");
    const binary = path.join(dir, "pulumi-resource-aws");
    assert.ok(fs.statSync(binary).mode & 0o100, "the installed launcher is not executable");
    assert.equal(fs.readFileSync(binary, "utf8"), AWS_STAND_IN_LAUNCHER);
    assert.deepEqual(fs.readdirSync(path.join(home, "plugins")).sort(), ["resource-aws-v7.48.0", "resource-aws-v7.48.0.lock"], "no .partial marker left");
    assert.deepEqual(fs.readdirSync(dir), ["pulumi-resource-aws"]);
    // Already there: untouched. Half-installed (a .partial marker) or outdated: installed again.
    const before = fs.statSync(binary).mtimeMs;
    installAwsStandIn(home);
    assert.equal(fs.statSync(binary).mtimeMs, before);
    fs.writeFileSync(binary, "old");
    fs.writeFileSync(`${dir}.partial`, "");
    installAwsStandIn(home);
    assert.equal(fs.readFileSync(binary, "utf8"), AWS_STAND_IN_LAUNCHER);
    assert.ok(!fs.existsSync(`${dir}.partial`));
  });

  it("the installed launcher runs the project's stand-in, and refuses to run outside npm run pulumi", () => {
    const dir = installAwsStandIn(path.join(tmp(), "home"));
    const binary = path.join(dir, "pulumi-resource-aws");
    const version = spawnSync(binary, ["--version"], { encoding: "utf8", env: { ...process.env, BEDROCK_SFN_ROOT: PROJECT_ROOT }, timeout: 60_000 });
    assert.equal(version.stdout.trim(), "7.48.0", version.stderr);
    const outside = spawnSync(binary, ["--version"], { encoding: "utf8", env: { PATH: process.env.PATH }, timeout: 60_000 });
    assert.equal(outside.status, 1);
    assert.match(outside.stderr, /^pulumi-resource-aws: this is bedrock-sfn's offline stand-in; it runs only through 'npm run pulumi'/);
  });

  it("creates a missing local stack for preview/up/config, not for other commands", () => {
    const backend = tmp();
    assert.deepEqual(parseArgs(["preview", "--stack", "dev", "--policy-pack", "./policy-pack"]), { command: "preview", stack: "dev" });
    assert.deepEqual(parseArgs(["-C", "x", "up", "--stack=prod"]), { command: "up", stack: "prod" });
    assert.equal(needsStackInit(["preview", "--stack", "dev"], backend), "dev");
    assert.equal(needsStackInit(["config", "set", "a", "b", "-s", "prod"], backend), "prod");
    assert.equal(needsStackInit(["destroy", "--stack", "dev"], backend), undefined);
    assert.equal(needsStackInit(["preview"], backend), undefined);
    fs.mkdirSync(path.dirname(stackStatePath("dev", backend)), { recursive: true });
    fs.writeFileSync(stackStatePath("dev", backend), "{}");
    assert.equal(needsStackInit(["preview", "--stack", "dev"], backend), undefined);
    assert.deepEqual(withSafeDefaults(["stack", "rm", "dev"]), ["stack", "rm", "dev", "--preserve-config"]);
    assert.deepEqual(withSafeDefaults(["stack", "ls"]), ["stack", "ls"]);
    assert.equal(removedStack(["stack", "rm", "prod", "--yes"]), "prod");
    assert.equal(removedStack(["stack", "rm", "--yes", "--stack", "dev"]), "dev");
    assert.equal(removedStack(["stack", "ls"]), undefined);
  });

  it("gives the CLI a copy of the stack file with the offline salt, in the state folder; the tracked file is only read", () => {
    const project = tmp();
    const state = path.join(project, "state");
    const dev = path.join(project, "Pulumi.dev.yaml");
    const prod = path.join(project, "Pulumi.prod.yaml");
    const devText = "config:\n  aws:region: ap-northeast-1\n";
    fs.writeFileSync(dev, devText);
    fs.writeFileSync(prod, "config:\n  aws:region: us-east-1\nencryptionsalt: v1:users-own\n");
    fs.chmodSync(dev, 0o444);
    // A first command: no salt yet; the CLI writes one into the copy, where the wrapper keeps it.
    let copy = stackConfigCopy(project, state, "dev");
    assert.ok(copy.file.startsWith(state));
    assert.equal(fs.readFileSync(copy.file, "utf8"), devText);
    fs.writeFileSync(copy.file, 'config:\n  aws:region: "ap-northeast-1"\nencryptionsalt: v1:offline\n');
    copy.finish(false);
    assert.equal(fs.readFileSync(path.join(state, "salts", "dev"), "utf8"), "v1:offline\n");
    assert.equal(fs.readFileSync(dev, "utf8"), devText);
    // The next command's copy carries it; the user's own salt is left as it is.
    copy = stackConfigCopy(project, state, "dev");
    assert.match(fs.readFileSync(copy.file, "utf8"), /^encryptionsalt: v1:offline$/m);
    copy.finish(false);
    const prodCopy = stackConfigCopy(project, state, "prod");
    assert.equal((fs.readFileSync(prodCopy.file, "utf8").match(/encryptionsalt/g) ?? []).length, 1);
    assert.equal(fs.existsSync(path.join(state, "salts", "prod")), false);
  });

  it("writes a `config set` edit (without the salt) back to the tracked file, and says in one line when it cannot", () => {
    const project = tmp();
    const state = path.join(project, "state");
    const prod = path.join(project, "Pulumi.prod.yaml");
    const original = "# Production\nconfig:\n  bedrock-sfn:maxTokens: 2048\n";
    fs.writeFileSync(prod, original);
    saveOfflineSalt(state, "prod", "v1:offline");
    let copy = stackConfigCopy(project, state, "prod");
    fs.appendFileSync(copy.file, "  bedrock-sfn:logLevel: ALL\n");
    copy.finish(false);
    assert.equal(fs.readFileSync(prod, "utf8"), original, "not a config command: the tracked file is untouched");
    copy = stackConfigCopy(project, state, "prod");
    fs.writeFileSync(copy.file, `${fs.readFileSync(copy.file, "utf8").replace(/^encryptionsalt:.*\n/m, "")}  bedrock-sfn:logLevel: ALL\nencryptionsalt: v1:offline\n`);
    copy.finish(true);
    assert.equal(fs.readFileSync(prod, "utf8"), `${original}  bedrock-sfn:logLevel: ALL\n`);
    // The tracked file cannot be written (EROFS/EACCES are the same path; root ignores chmod, so a directory stands in).
    copy = stackConfigCopy(project, state, "prod");
    fs.appendFileSync(copy.file, "  bedrock-sfn:tracing: true\n");
    fs.rmSync(prod);
    fs.mkdirSync(prod);
    assert.throws(
      () => copy.finish(true),
      (e: Error) => e instanceof StackUsageError && /^cannot save the config change to .*Pulumi\.prod\.yaml: EISDIR/.test(e.message) && !e.message.includes("\n"),
    );
  });

  it("runs another project folder with -C: its own state folder, and path flags read from where the wrapper runs", () => {
    assert.equal(projectFolder(["-C", "examples/yaml", "preview"], "/root", "/repo"), "/repo/examples/yaml");
    assert.equal(projectFolder(["--cwd=/abs/dir", "up"], "/root", "/repo"), "/abs/dir");
    assert.equal(projectFolder(["preview", "--stack", "dev"], "/root", "/repo"), "/root");
    assert.deepEqual(withAbsolutePaths(["-C", "x", "preview", "--policy-pack", "./policy-pack", "--policy-pack-config=cfg.json", "--stack", "dev"], "/repo"), [
      "-C",
      "x",
      "preview",
      "--policy-pack",
      "/repo/policy-pack",
      "--policy-pack-config=/repo/cfg.json",
      "--stack",
      "dev",
    ]);
    const env = { XDG_CACHE_HOME: "/cache" };
    assert.notEqual(projectBackendDir("/repo/examples/yaml", env), localBackendDir("/repo", env));
    assert.match(projectBackendDir("/repo/examples/yaml", { BEDROCK_SFN_STATE_DIR: "/state" }), /^\/state\/projects\/yaml-[0-9a-f]{12}$/);
    // A project of another name keeps its stacks under its own name in the backend.
    const backend = tmp();
    fs.mkdirSync(path.dirname(stackStatePath("dev", backend, "other")), { recursive: true });
    fs.writeFileSync(stackStatePath("dev", backend, "other"), "{}");
    assert.equal(needsStackInit(["preview", "--stack", "dev"], backend, "other"), undefined);
    assert.equal(needsStackInit(["preview", "--stack", "dev"], backend), "dev");
  });

  it("refuses a stack with no Pulumi.<stack>.yaml in one line naming the known stacks", () => {
    const project = tmp();
    fs.writeFileSync(path.join(project, "Pulumi.dev.yaml"), "config: {}\n");
    fs.writeFileSync(path.join(project, "Pulumi.prod.yaml"), "config: {}\n");
    assert.deepEqual(knownStacks(project), ["dev", "prod"]);
    assert.doesNotThrow(() => checkStackKnown(project, "dev"));
    assert.throws(
      () => checkStackKnown(project, "staging"),
      (e: Error) => e instanceof StackUsageError && /^unknown stack 'staging': there is no Pulumi\.staging\.yaml; known stacks: dev, prod /.test(e.message),
    );
  });

  it("keeps the state of a checkout outside it, in the engine's home (or BEDROCK_SFN_STATE_DIR)", () => {
    const dir = localBackendDir("/work/some/checkout", { XDG_CACHE_HOME: "/cache" });
    assert.match(dir, /^\/cache\/bedrock-sfn\/checkouts\/checkout-[0-9a-f]{12}$/);
    assert.notEqual(localBackendDir("/work/other/checkout", { XDG_CACHE_HOME: "/cache" }), dir);
    assert.equal(localBackendDir("/work/some/checkout", { BEDROCK_SFN_STATE_DIR: "/elsewhere" }), "/elsewhere");
  });

  describe("the language host", () => {
    it("reads Pulumi.yaml runtime options as the Go host does (typescript on by default)", () => {
      assert.deepEqual(runtimeOptions(undefined), { typescript: true, tsconfig: undefined, nodeargs: [] });
      assert.deepEqual(runtimeOptions({ typescript: false, nodeargs: "--max-old-space-size=4096  --trace-warnings", tsconfig: "t.json" }), {
        typescript: false,
        tsconfig: "t.json",
        nodeargs: ["--max-old-space-size=4096", "--trace-warnings"],
      });
    });

    it("passes config to the SDK in the <namespace>:config:<name> form", () => {
      assert.deepEqual(
        configForSdk([
          ["aws:region", "us-east-1"],
          ["bedrock-sfn:modelId", "m"],
        ]),
        {
          "aws:config:region": "us-east-1",
          "bedrock-sfn:config:modelId": "m",
        },
      );
    });

    it("lists the resource plugins of installed packages: aws at the version @pulumi/aws declares", () => {
      const packages = requiredPackages(PROJECT_ROOT);
      assert.deepEqual(
        packages.find((p) => p.name === "aws"),
        { name: "aws", version: "7.48.0" },
      );
      assert.deepEqual(requiredPackages(tmp()), []);
    });
  });
});
