// Awkward inputs as users produce them: stray whitespace, typos, unknown Regions and keys, overriding
// destinations, secrets, malformed stack files, --help, relative paths, oversize inputs. Each ends in a
// correct result, or in exit 2 with short lines that name the key or flag, and never in a stack trace.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkSettings } from "../../../stack/check";
import { AWS_PROVIDER_KEYS } from "../../../stack/aws-provider-keys";
import { ConfigError, parseSettings } from "../../../stack/settings";
import { maxTokensCeiling } from "../../../src/bedrock/model-facts";
import { partitionOf } from "../../../src/bedrock/arn";
import { invokeModelResource, isInvokeModelResource } from "../../../src/workflow/contract";
import { parseModelId } from "../../../src/bedrock/model-id";
import { INVOKE_MODEL_BODY_LIMIT_BYTES, InputError, offloadLargeInput, readExecutionInput } from "../../../tools/local/clients/execution-input";
import { HelpRequested, parseCommonArgs, resolveUserPath } from "../../../tools/cli/lib/args";
import { SECRET_PLACEHOLDER, StackConfigError, stackConfig, synthesize } from "../../../tools/cli/lib/synth";

const root = path.resolve(__dirname, "..", "..", "..");
const bin = path.join(root, "tools", "cli", "bedrock-sfn.js");
const base = { region: "us-east-1", modelId: "anthropic.claude-3-haiku-20240307-v1:0" };

function cli(args: string[], cwd = root, env: NodeJS.ProcessEnv = {}) {
  const run = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", timeout: 120_000, env: { ...process.env, ...env } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A user's error: exit 2, short lines, no stack trace. */
function assertUserError(run: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, pattern);
  assert.doesNotMatch(run.stderr, /\n\s+at .+:\d+:\d+/, "no stack trace");
  for (const line of run.stderr.split("\n")) assert.ok(line.length <= 300, `a ${line.length}-character line: ${line.slice(0, 80)}...`);
}

function projectWith(stackFile: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-awkward-"));
  fs.writeFileSync(path.join(dir, "Pulumi.odd.yaml"), stackFile);
  return dir;
}

describe("awkward inputs", function () {
  this.timeout(180_000);

  describe("config values", () => {
    it("trims IDs and Regions, as a quoted YAML value or a pasted line brings them", () => {
      const s = parseSettings({ region: " us-east-1\n", modelId: "\tanthropic.claude-3-haiku-20240307-v1:0 \n", destinationRegions: [" us-west-2 "], systemPrompt: "  keep me  " });
      assert.equal(s.region, "us-east-1");
      assert.equal(s.modelId, "anthropic.claude-3-haiku-20240307-v1:0");
      assert.deepEqual(s.destinationRegions, ["us-west-2"]);
      assert.equal(s.systemPrompt, "  keep me  ", "free text is kept as written");
    });

    it("refuses a Region AWS does not have, with a suggestion and the escape key", () => {
      assert.throws(
        () => parseSettings({ ...base, region: "us-east-9" }),
        (e: Error) =>
          e instanceof ConfigError && /^aws:region = 'us-east-9': is not a known AWS Region \(did you mean us-east-1\?\); set bedrock-sfn:allowUnlistedRegion true/.test(e.message),
      );
      assert.equal(parseSettings({ ...base, region: "us-east-9", allowUnlistedRegion: "true" }).region, "us-east-9");
      assert.throws(
        () => parseSettings({ ...base, destinationRegions: "us-west-2,eu-wset-1" }),
        /bedrock-sfn:destinationRegions = .*'eu-wset-1' is not a known AWS Region \(did you mean eu-west-1\?\)/,
      );
    });

    it("knows the partitions by Region prefix, European Sovereign Cloud included", () => {
      assert.deepEqual(["us-east-1", "us-gov-west-1", "cn-north-1", "eusc-de-east-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1"].map(partitionOf), [
        "aws",
        "aws-us-gov",
        "aws-cn",
        "aws-eusc",
        "aws-iso",
        "aws-iso-b",
        "aws-iso-e",
        "aws-iso-f",
      ]);
      assert.doesNotThrow(() => parseSettings({ ...base, region: "eusc-de-east-1" }));
      for (const partition of ["aws", "aws-us-gov", "aws-cn", "aws-eusc", "aws-iso-b"]) assert.ok(isInvokeModelResource(invokeModelResource(partition)), partition);
      assert.ok(!isInvokeModelResource("arn:aws:states:::lambda:invoke"));
    });

    it("runs a GovCloud and a European Sovereign Cloud stack locally, in both query languages", () => {
      for (const [region, modelId] of [
        ["us-gov-east-1", "us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0"],
        ["eusc-de-east-1", "anthropic.claude-3-haiku-20240307-v1:0"],
      ]) {
        for (const queryLanguage of ["JSONata", "JSONPath"]) {
          const run = cli(["local", "--stack", "dev", "-c", `aws:region=${region}`, "-c", `modelId=${modelId}`, "-c", `queryLanguage=${queryLanguage}`, "-p", "hi", "--json"]);
          assert.equal(run.code, 0, `${region} ${queryLanguage}: ${run.stderr}`);
          assert.equal(JSON.parse(run.stdout).status, "SUCCEEDED");
        }
      }
    });

    it("offers the catalog profile a misspelt one almost matches, and notes an unknown model without refusing it", () => {
      const typo = "apac.anthropic.claude-sonet-4-20250514-v1:0";
      const notes = checkSettings(parseSettings({ region: "ap-northeast-1", modelId: typo }));
      assert.deepEqual(notes, [`note: bedrock-sfn:modelId '${typo}' is not in the routing catalog; did you mean 'apac.anthropic.claude-sonnet-4-20250514-v1:0'?`]);
      assert.throws(
        () => checkSettings(parseSettings({ region: "ap-northeast-1", modelId: typo, routingSource: "catalog" })),
        /did you mean 'apac\.anthropic\.claude-sonnet-4-20250514-v1:0'/,
      );
      const fm = checkSettings(parseSettings({ ...base, modelId: "anthropic.claude-3-haiku-20240307-v9:0" }));
      assert.match(
        fm[0],
        /^note: foundation model 'anthropic\.claude-3-haiku-20240307-v9:0' is not in the bundled model list; did you mean 'anthropic\.claude-3-haiku-20240307-v1:0'\?$/,
      );
    });

    it("refuses maxTokens over the model's documented maximum, naming it and the page", () => {
      assert.equal(maxTokensCeiling("amazon.titan-text-premier-v1:0")?.maxTokens, 3072);
      assert.equal(maxTokensCeiling("mistral.mixtral-8x7b-instruct-v0:1")?.maxTokens, 4096);
      assert.throws(
        () => checkSettings(parseSettings({ ...base, modelId: "amazon.titan-text-express-v1", maxTokens: "10000" })),
        /bedrock-sfn:maxTokens = '10000': amazon\.titan-text-express-v1 generates at most 8192 tokens a request \(https:\/\/docs\.aws\.amazon\.com\/bedrock\/latest\/userguide\/model-parameters-titan-text\.html\)$/,
      );
      assert.doesNotThrow(() => checkSettings(parseSettings({ ...base, modelId: "amazon.titan-text-express-v1", maxTokens: "8192" })));
    });

    it("cuts a 100 KB value in an error to a short line", () => {
      try {
        parseSettings({ ...base, workflowType: "x".repeat(100_000) });
        assert.fail("accepted");
      } catch (e) {
        assert.ok((e as Error).message.length < 300, `${(e as Error).message.length} characters`);
        assert.match((e as Error).message, /^bedrock-sfn:workflowType = 'x+\.\.\. \(100000 characters\)': must be one of STANDARD, EXPRESS$/);
      }
    });

    it("accepts the ARN kinds InvokeModel takes besides models and profiles", () => {
      for (const [arn, type] of [
        ["arn:aws:bedrock:us-east-1:123456789012:imported-model/abc123def456", "imported-model"],
        ["arn:aws:bedrock:us-east-1:123456789012:custom-model-deployment/xyz789", "custom-model-deployment"],
        ["arn:aws:bedrock:us-east-1:123456789012:default-prompt-router/anthropic.claude:1", "default-prompt-router"],
        ["arn:aws:bedrock:us-east-1:123456789012:prompt-router/my-router", "prompt-router"],
      ] as const) {
        const ref = parseModelId(arn);
        assert.equal(ref.kind, "own-arn-model", arn);
        assert.equal(ref.kind === "own-arn-model" && ref.resourceType, type);
        assert.doesNotThrow(() => checkSettings(parseSettings({ ...base, modelId: arn, modelFamily: "anthropic" })), arn);
      }
      assert.throws(
        () => parseModelId("arn:aws:bedrock:us-east-1:123456789012:guardrail/abc"),
        /'guardrail' ARN, which InvokeModel cannot call; InvokeModel takes ARNs of types .*prompt-router/,
      );
    });
  });

  describe("stack files", () => {
    it("names the file and line of a YAML error", () => {
      const dir = projectWith("config:\n  aws:region: us-east-1\n  bedrock-sfn:modelId: [unclosed\n");
      assert.throws(
        () => stackConfig("odd", {}, dir),
        (e: Error) => e instanceof StackConfigError && /^Pulumi\.odd\.yaml:\d+:\d+: not valid YAML: /.test(e.message) && e.message.length < 300,
      );
      const notMapping = projectWith("config: just text\n");
      assert.throws(() => stackConfig("odd", {}, notMapping), /Pulumi\.odd\.yaml: expected a mapping with a 'config:' mapping/);
    });

    it("shows a secret system prompt as a placeholder offline, never its ciphertext, and says so", async () => {
      const dir = projectWith(
        "config:\n  aws:region: us-east-1\n  bedrock-sfn:modelId: anthropic.claude-3-haiku-20240307-v1:0\n  bedrock-sfn:systemPrompt:\n    secure: AAABAKxYciphertextzzz\n",
      );
      const result = await synthesize({ stack: "odd", projectDir: dir });
      const machine = result.resources.find((r) => r.type === "aws:sfn/stateMachine:StateMachine")!;
      const definition = String(machine.inputs.definition);
      assert.ok(definition.includes(SECRET_PLACEHOLDER), "the placeholder stands in the definition");
      assert.ok(!definition.includes("AAABAKxYciphertextzzz") && !definition.includes('{\\"secure\\"'), "no ciphertext");
      assert.ok((result.notes ?? []).some((n) => /bedrock-sfn:systemPrompt is a secret in Pulumi\.odd\.yaml; its value is not available offline/.test(n)));
    });

    it("refuses a secret model ID offline, naming the key and how to give it", () => {
      const dir = projectWith("config:\n  aws:region: us-east-1\n  bedrock-sfn:modelId:\n    secure: AAAB\n");
      assert.throws(
        () => stackConfig("odd", {}, dir),
        /bedrock-sfn:modelId is a secret in Pulumi\.odd\.yaml; its value is not available offline .*--config bedrock-sfn:modelId=<value>$/,
      );
    });

    it("reports unknown aws: keys like unknown project keys, with a suggestion", () => {
      assert.throws(() => stackConfig("dev", { "aws:regoin": "us-east-1" }), /unknown config key 'aws:regoin' .*did you mean 'aws:region'\?/);
      assert.doesNotThrow(() => stackConfig("dev", { "aws:profile": "work", "aws:skipCredentialsValidation": "true" }));
    });

    it("keeps the AWS provider's key list in step with @pulumi/aws", () => {
      const vars = fs.readFileSync(path.join(root, "node_modules", "@pulumi", "aws", "config", "vars.d.ts"), "utf8");
      const declared = [...vars.matchAll(/^export declare const (\w+)/gm)].map((m) => m[1]).sort();
      assert.deepEqual([...AWS_PROVIDER_KEYS].sort(), declared);
    });
  });

  describe("command lines", () => {
    it("--help and -h: usage on stdout, exit 0, on every command", () => {
      // -h is the same option as --help in the one parser every command uses (parseCommonArgs), so it is run once.
      for (const command of ["synth", "local", "serve", "invoke", "start", "check", "catalog"]) {
        for (const flag of command === "synth" ? ["--help", "-h"] : ["--help"]) {
          const run = cli([command, flag]);
          assert.equal(run.code, 0, `${command} ${flag}: ${run.stderr}`);
          assert.match(run.stdout, new RegExp(`^usage: bedrock-sfn ${command} `), `${command} ${flag}`);
        }
      }
      const top = cli(["--help"]);
      assert.equal(top.code, 0);
      assert.match(top.stdout, /^usage: bedrock-sfn <command>/);
      assertUserError(cli(["deploy"]), /^error: unknown command 'deploy'; commands: synth, local, serve, invoke, start, check, catalog$/m);
    });

    it("--help wins over other mistakes on the line", () => {
      assert.throws(
        () => parseCommonArgs(["--bogus", "--help"], {}, "x"),
        (e: Error) => e instanceof HelpRequested,
      );
    });

    it("resolves a relative path from the folder the user stands in (INIT_CWD, as npm and npx set it)", () => {
      assert.equal(resolveUserPath("p.txt", { INIT_CWD: "/home/user/work" }), "/home/user/work/p.txt");
      const args = parseCommonArgs(["--stack", "dev", "--input-file", "prompt.txt"], { "input-file": { type: "string" } });
      assert.equal(args.values["input-file"], resolveUserPath("prompt.txt"));
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-cwd-"));
      fs.writeFileSync(path.join(dir, "prompt.txt"), "Why is the sky blue?");
      const run = cli(["local", "--stack", "dev", "--input-file", "prompt.txt", "--json"], root, { INIT_CWD: dir });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(JSON.parse(run.stdout).status, "SUCCEEDED");
    });

    it("synth --json through the bin is one JSON document on stdout, from any folder of the project", () => {
      const run = cli(["synth", "--stack", "dev", "--json"], path.join(root, "test"));
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(Object.keys(JSON.parse(run.stdout)), ["resources", "outputs"]);
    });

    it("CLI errors for whitespace, typos, Regions, keys and overriding destinations are single short lines", () => {
      const trimmed = cli(["synth", "--stack", "dev", "--config", "modelId= apac.anthropic.claude-sonnet-4-20250514-v1:0\n", "--json"]);
      assert.equal(trimmed.code, 0, trimmed.stderr);
      assert.equal(JSON.parse(trimmed.stdout).outputs.modelId, "apac.anthropic.claude-sonnet-4-20250514-v1:0");
      assertUserError(
        cli(["synth", "--stack", "dev", "--config", "modelId=apac.anthropic.claude-sonet-4-20250514-v1:0"]),
        /did you mean 'apac\.anthropic\.claude-sonnet-4-20250514-v1:0'\?/,
      );
      assertUserError(
        cli(["synth", "--stack", "dev", "--config", "aws:region=us-east-9", "--config", "modelId=anthropic.claude-3-haiku-20240307-v1:0"]),
        /aws:region = 'us-east-9': is not a known AWS Region/,
      );
      assertUserError(
        cli(["synth", "--stack", "dev", "--config", "modelId=apac.anthropic.claude-sonnet-4-20250514-v1:0", "--config", 'bedrock-sfn:destinationRegions=["us-east-1"]']),
        /bedrock-sfn:destinationRegions = '\["us-east-1"\]': lacks 7 of the 8 catalog Regions of 'apac\.anthropic\.claude-sonnet-4-20250514-v1:0' from ap-northeast-1/,
      );
    });
  });

  describe("oversize inputs", () => {
    it("refuses an input file over InvokeModel's 25,000,000-byte body limit before reading it", () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-big-")), "huge.txt");
      fs.writeFileSync(file, "");
      fs.truncateSync(file, INVOKE_MODEL_BODY_LIMIT_BYTES + 1);
      assert.throws(
        () => readExecutionInput({ inputFile: file }),
        (e: Error) => e instanceof InputError && /is 25000001 bytes, over InvokeModel's request body limit of 25000000 bytes/.test(e.message),
      );
      const run = cli(["local", "--stack", "dev", "--input-file", file]);
      assertUserError(run, /--input-file '.*huge\.txt' is 25000001 bytes, over InvokeModel's request body limit/);
    });

    it("refuses a built request body over the limit without uploading anything", async () => {
      let uploads = 0;
      await assert.rejects(
        offloadLargeInput({
          input: { prompt: "x".repeat(INVOKE_MODEL_BODY_LIMIT_BYTES) },
          payloadBucket: "b",
          executionName: "e",
          generation: { family: "anthropic", maxTokens: 10, temperature: 0 },
          put: async () => void uploads++,
        }),
        /over InvokeModel's limit of 25000000 bytes; nothing was uploaded/,
      );
      assert.equal(uploads, 0);
    });
  });
});
