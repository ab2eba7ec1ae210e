// The library as npm ships it: `npm pack` of the project, installed into an empty project (offline, from the
// tarball; the peer dependencies linked from this checkout, as a user's project has its own), then required from
// plain JavaScript.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");
const npm = (args: string[], cwd: string) =>
  execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, npm_config_update_notifier: "false" },
  });

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

describe("the packed library, from plain JavaScript", function () {
  this.timeout(240_000);
  let dir: string;
  let files: string[];
  let result: { afterImport: number; registered: Registered[]; argumentError: Record<string, unknown>; outputs: unknown[][]; exports: string[] };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-consumer-"));
    // `npm pack` runs `prepare`, so the tarball holds a fresh build of lib/.
    const packed = JSON.parse(npm(["pack", "--json", "--pack-destination", dir], root)) as { filename: string; files: { path: string }[] }[];
    files = packed[0].files.map((f) => f.path);
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
    // Offline, the runtime dependencies come from this checkout's copies (npm has their tarballs cached, not their
    // registry metadata); the peers are linked, as a user's project has its own, so both see one @pulumi/pulumi.
    const runtimeDependencies = ["jsonata", "yaml"].map((name) => path.join(root, "node_modules", name));
    npm(["install", "--offline", "--legacy-peer-deps", "--ignore-scripts", path.join(dir, packed[0].filename), ...runtimeDependencies], dir);
    fs.mkdirSync(path.join(dir, "node_modules", "@pulumi"), { recursive: true });
    for (const peer of ["pulumi", "aws"]) fs.symlinkSync(path.join(root, "node_modules", "@pulumi", peer), path.join(dir, "node_modules", "@pulumi", peer), "dir");
    fs.copyFileSync(path.join(__dirname, "fixtures", "consumer.js"), path.join(dir, "consumer.js"));
    result = JSON.parse(execFileSync(process.execPath, ["consumer.js"], { cwd: dir, encoding: "utf8" }));
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("ships the compiled library and its declarations, not the sources, tests or tooling", () => {
    assert.ok(files.includes("lib/src/index.js") && files.includes("lib/src/index.d.ts"), files.join(", "));
    assert.ok(files.includes("lib/src/bedrock/inference-profiles.json"), "the routing catalog");
    // The Pulumi package too (docs/pulumi-package.md): PulumiPlugin.yaml, and the declarations its schema is inferred from.
    for (const file of files) {
      assert.match(
        file,
        /^(lib\/.*\.(js|d\.ts|json)|package\.json|README\.md|LICENSE|tools\/cli\/bedrock-sfn\.js|PulumiPlugin\.yaml|provider\/(schema\.ts|package\.json|tsconfig\.json))$/,
        file,
      );
    }
    assert.ok(files.includes("PulumiPlugin.yaml") && files.includes("lib/src/provider-host.js") && files.includes("provider/schema.ts"), files.join(", "));
    // The build starts from an empty lib/: a module moved or deleted in the sources is not shipped from an older build.
    for (const file of files.filter((f) => f.startsWith("lib/") && f.endsWith(".js"))) {
      assert.ok(fs.existsSync(path.join(root, file.slice("lib/".length).replace(/\.js$/, ".ts"))), `${file} has no source`);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "node_modules", "bedrock-sfn", "package.json"), "utf8"));
    assert.deepEqual(Object.keys(manifest.peerDependencies).sort(), ["@pulumi/aws", "@pulumi/pulumi"]);
    assert.deepEqual(Object.keys(manifest.dependencies).sort(), ["jsonata", "yaml"]);
  });

  it("registers nothing on import", () => {
    assert.equal(result.afterImport, 0);
    assert.ok(result.exports.includes("BedrockStateMachine") && result.exports.includes("resolveModel") && result.exports.includes("analyzeDefinition"));
  });

  const of = (component: string, type: string) => result.registered.filter((r) => r.type === type && r.name.startsWith(`${component}-`));

  it("creates each machine's regional children in its own Region, with the project in the physical names", () => {
    for (const [component, region] of [
      ["tokyo", "ap-northeast-1"],
      ["dublin", "eu-west-1"],
    ]) {
      const regional = [
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:sfn/stateMachine:StateMachine",
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      ];
      for (const type of regional) {
        const found = of(component, type);
        assert.equal(found.length, 1, `${component} ${type}`);
        assert.equal(found[0].inputs.region, region, `${component} ${type}`);
      }
      assert.equal(of(component, "aws:s3/bucket:Bucket")[0].inputs.bucket, `consumer-project-${component}-test-123456789012-${region}`);
      assert.equal(of(component, "aws:cloudwatch/logGroup:LogGroup")[0].inputs.name, `/aws/vendedlogs/states/consumer-project-${component}-test`);
    }
    assert.deepEqual(of("tokyo", "aws:s3/bucket:Bucket")[0].inputs.tags, { "bedrock-sfn:model": "apac.anthropic.claude-sonnet-4-20250514-v1:0", team: "a" });
    assert.equal(of("dublin", "aws:sfn/stateMachine:StateMachine")[0].inputs.type, "EXPRESS");
  });

  it("writes each role for its own model and Region", () => {
    const policy = (component: string) => JSON.stringify(JSON.parse(String(of(component, "aws:iam/rolePolicy:RolePolicy")[0].inputs.policy)).Statement);
    const tokyo = policy("tokyo");
    assert.ok(tokyo.includes("arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/apac.anthropic.claude-sonnet-4-20250514-v1:0"), tokyo);
    assert.ok(tokyo.includes("arn:aws:bedrock:ap-southeast-2::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0"), tokyo);
    assert.ok(!tokyo.includes("eu-west-1"), tokyo);
    const dublin = policy("dublin");
    assert.ok(dublin.includes("arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"), dublin);
    assert.ok(!dublin.includes("ap-northeast-1") && !dublin.includes("inference-profile"), dublin);
    assert.deepEqual(result.outputs[1][3], ["eu-west-1"]);
    const trust = (component: string) => String(of(component, "aws:iam/role:Role")[0].inputs.assumeRolePolicy);
    assert.match(trust("tokyo"), /arn:aws:states:ap-northeast-1:123456789012:stateMachine:\*/);
    assert.match(trust("dublin"), /arn:aws:states:eu-west-1:123456789012:stateMachine:\*/);
  });

  it("refuses a bad argument before registering anything, with the library's error naming the argument", () => {
    assert.deepEqual({ ...result.argumentError, message: undefined }, { isBase: true, kind: "argument", argument: "maxTokens", message: undefined });
    assert.match(String(result.argumentError.message), /^BedrockStateMachine 'bad': maxTokens = '0': must be at least 1$/);
    assert.equal(result.registered.filter((r) => r.name.startsWith("bad")).length, 0);
  });
});
