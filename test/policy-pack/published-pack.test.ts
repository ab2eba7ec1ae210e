// The pack as a user receives it: `npm pack` in policy-pack/, the tarball unpacked ALONE in an empty temp folder
// (no ../bedrock or ../iam beside it), `npm install` of its declared dependencies (from the npm cache when it has
// them), then run-policy-pack from that folder answering the same Analyzer-protocol suite as the in-repo pack.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { BedrockPoliciesOptionsError } from "../../policy-pack/library";
import { BedrockSfnError, isBedrockSfnError } from "../../src/core/errors";
import { PACK_DIR } from "../../tools/shared/grpc-client";
import { packOverGrpcSuite } from "./grpc-suite";

const run = promisify(execFile);
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const QUIET = ["--no-audit", "--no-fund", "--loglevel=error"];

describe("the published policy pack: npm pack, unpacked alone, npm install, run", function () {
  this.timeout(180_000);
  let work = "";
  let unpacked = "";

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-pack-"));
    const { stdout } = await run(NPM, ["pack", "--json", "--pack-destination", work, ...QUIET], { cwd: PACK_DIR, timeout: 60_000 });
    const [tarball] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    const shipped = tarball.files.map((f) => f.path).sort();
    assert.deepEqual(shipped, [
      "PulumiPolicy.yaml",
      "README.md",
      "dist/index.js",
      "dist/index.js.map",
      "dist/library.js",
      "dist/library.js.map",
      "package.json",
      "types/library.d.ts",
    ]);
    const target = path.join(work, "consumer");
    fs.mkdirSync(target);
    await run("tar", ["-xzf", path.join(work, tarball.filename), "-C", target], { timeout: 30_000 });
    unpacked = path.join(target, "package");
    await run(NPM, ["install", "--omit=dev", "--prefer-offline", "--ignore-scripts", ...QUIET], { cwd: unpacked, timeout: 120_000 });
  });

  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("ships a bundle that imports nothing outside its declared dependencies", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(unpacked, "package.json"), "utf8")) as { dependencies: Record<string, string>; main: string };
    assert.deepEqual(Object.keys(manifest.dependencies).sort(), ["@pulumi/policy", "@pulumi/pulumi"]);
    for (const file of ["dist/index.js", "dist/library.js"]) {
      const source = fs.readFileSync(path.join(unpacked, file), "utf8");
      assert.doesNotMatch(source, /require\("\.\.?\//, `${file} requires a relative path`);
      const packages = [...source.matchAll(/require\("([^"./][^"]*)"\)/g)].map((m) => m[1]).filter((name) => !name.startsWith("node:"));
      const builtins = new Set(require("node:module").builtinModules as string[]);
      for (const name of packages) {
        const root = name.startsWith("@") ? name.split("/").slice(0, 2).join("/") : name.split("/")[0];
        assert.ok(builtins.has(root) || root in manifest.dependencies, `${file} requires '${name}', not a dependency`);
      }
    }
  });

  it("exports the policies factory from the installed package, without starting a server", async () => {
    const script = `const { bedrockPolicies, POLICY_NAMES } = require("bedrock-sfn-policy-pack/library");
const p = bedrockPolicies({ enforcementLevels: { "bedrock-least-privilege": "mandatory" } });
console.log(JSON.stringify({ names: POLICY_NAMES, level: p.find((x) => x.name === "bedrock-least-privilege").enforcementLevel }));`;
    // Resolved by name from a sibling project that depends on the unpacked folder, as an organisation's pack would.
    const org = path.join(work, "org-pack");
    fs.mkdirSync(path.join(org, "node_modules"), { recursive: true });
    fs.symlinkSync(unpacked, path.join(org, "node_modules", "bedrock-sfn-policy-pack"), "dir");
    const { stdout } = await run(process.execPath, ["--preserve-symlinks", "-e", script], { cwd: org, timeout: 30_000 });
    const answer = JSON.parse(stdout) as { names: string[]; level: string };
    assert.equal(answer.level, "mandatory");
    assert.ok(answer.names.includes("bedrock-state-machine-role") && answer.names.includes("api-gateway-role-scope"), stdout);
  });

  it("throws option errors that the library's BedrockSfnError recognises across copies (the bundle has its own)", () => {
    const shipped = require(path.join(unpacked, "dist", "library.js")) as typeof import("../../policy-pack/library");
    assert.throws(
      () => shipped.bedrockPolicies({ enforcementLevel: "warn" as never }),
      (e: unknown) => {
        // Another copy's class: the source's own class does not match, the one base does.
        const named = isBedrockSfnError(e) && e.kind === "policy-pack-options" && e.argument === "enforcementLevel";
        const base = e instanceof BedrockSfnError;
        const ownCopy = e instanceof BedrockPoliciesOptionsError;
        const shippedCopy = e instanceof shipped.BedrockPoliciesOptionsError;
        return named && base && shippedCopy && !ownCopy;
      },
    );
  });

  describe("over gRPC, from the unpacked folder", () => packOverGrpcSuite(() => unpacked));
});
