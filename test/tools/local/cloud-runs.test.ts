// Whole executions on the local cloud: the stack's own role succeeds everywhere, a role missing routed Regions fails
// the share of runs that land in them (seeded), the workflow's S3 calls are authorised, throttling is survived.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runBatch } from "../../../tools/local/cloud/batch";
import { cloudStackFrom, type CloudStack } from "../../../tools/local/cloud/cloud-stack";
import { startLocalCloud } from "../../../tools/local/cloud/local-cloud";
import { handWrittenSeedPolicy } from "../../../tools/local/cloud/seed-role";
import { runLocalExecution } from "../../../tools/local/clients/local-run";
import { runLocalCli } from "./fakes";
import { BedrockSfnError } from "../../../src/core/errors";
import { synthesize } from "../../../tools/cli/lib/synth";

const ACCOUNT = "123456789012";
const KINDS: Record<string, Record<string, string>> = {
  "foundation model": { "aws:region": "us-east-1", "bedrock-sfn:modelId": "anthropic.claude-3-haiku-20240307-v1:0" },
  "geographic profile": {},
  "global profile": { "aws:region": "us-east-1", "bedrock-sfn:modelId": "global.anthropic.claude-sonnet-4-5-20250929-v1:0" },
  "application profile": {
    "aws:region": "us-east-1",
    "bedrock-sfn:modelId": `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/a1b2c3d4e5f6`,
    "bedrock-sfn:underlyingModelId": "us.anthropic.claude-sonnet-4-20250514-v1:0",
  },
  "provisioned model": {
    "aws:region": "us-east-1",
    "bedrock-sfn:modelId": `arn:aws:bedrock:us-east-1:${ACCOUNT}:provisioned-model/a1b2c3d4e5f6`,
    "bedrock-sfn:modelFamily": "anthropic",
  },
};

// These runs are about a geographic profile's routing: the apac. Sonnet 4 profile from Tokyo (8 Regions), not the
// dev stack's current global default.
const APAC = "apac.anthropic.claude-sonnet-4-20250514-v1:0";
const stackWith = async (overrides: Record<string, string> = {}): Promise<CloudStack> =>
  cloudStackFrom(await synthesize({ stack: "dev", overrides: { "bedrock-sfn:modelId": APAC, ...overrides } }));

/** The stack's own policy with some routed Regions taken out of the model statement. */
function withoutRegions(stack: CloudStack, missing: string[]): { source: string; policy: unknown } {
  const document = JSON.parse(stack.rolePolicies[0].policy as string) as { Statement: { Sid?: string; Resource: string[] }[] };
  const models = document.Statement.find((s) => s.Sid === "InvokeFoundationModelThroughProfile")!;
  models.Resource = models.Resource.filter((arn) => !missing.some((region) => arn.includes(`:${region}::`)));
  return { source: "test policy", policy: document };
}

describe("local cloud: whole executions as a role", function () {
  this.timeout(120_000);

  for (const [kind, overrides] of Object.entries(KINDS)) {
    for (const queryLanguage of ["JSONata", "JSONPath"]) {
      for (const workflowType of ["EXPRESS", "STANDARD"]) {
        it(`the stack's own role succeeds in every run: ${kind}, ${queryLanguage}, ${workflowType}`, async () => {
          const stack = await stackWith({ ...overrides, "bedrock-sfn:queryLanguage": queryLanguage, "bedrock-sfn:workflowType": workflowType });
          const cloud = await startLocalCloud({ stack, seed: 11 });
          try {
            const { summary, reports } = await runBatch(cloud, { input: { prompt: "Hello" }, runs: 16, concurrency: 8, timeScale: 0.001 });
            assert.equal(summary.succeeded, 16, JSON.stringify(reports.find((r) => r.status !== "SUCCEEDED")));
            assert.deepEqual(summary.errors, {});
            const landed = Object.keys(summary.routedRegions);
            for (const region of landed) assert.ok(cloud.router.destinations(stack.modelId).includes(region), region);
            if (kind === "geographic profile") assert.ok(landed.length >= 4, `16 calls over 8 Regions landed in ${landed.length}`);
          } finally {
            await cloud.close();
          }
        });
      }
    }
  }

  it("a role missing routed Regions fails the share of runs that land there, within sampling error", async () => {
    const stack = await stackWith();
    const missing = ["ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-4"]; // 4 of the 8 destinations
    const cloud = await startLocalCloud({ stack, rolePolicies: [withoutRegions(stack, missing)], seed: 7 });
    try {
      const runs = 160;
      const { summary } = await runBatch(cloud, { input: { prompt: "Hello" }, runs, concurrency: 16, timeScale: 0.001 });
      // Each run lands in one Region: the refusals are exactly the runs that landed in a missing Region.
      assert.deepEqual(Object.keys(summary.accessDeniedRegions).sort(), missing);
      for (const region of missing) assert.equal(summary.accessDeniedRegions[region], summary.routedRegions[region]);
      assert.deepEqual(summary.errors, { "Bedrock.AccessDeniedException": summary.failed });
      const expected = runs * (missing.length / 8);
      const sd = Math.sqrt(runs * 0.5 * 0.5);
      assert.ok(Math.abs(summary.failed - expected) <= 3 * sd, `${summary.failed} failed, expected ${expected} ± ${3 * sd}`);
    } finally {
      await cloud.close();
    }
  });

  it("the seed write-ups' hand-written role fails every global-profile run: the Region-less model ARN is not granted", async () => {
    const stack = await stackWith(KINDS["global profile"]);
    const cloud = await startLocalCloud({ stack, rolePolicies: [handWrittenSeedPolicy(stack)] });
    try {
      const { reports } = await runBatch(cloud, { input: { prompt: "Hi" }, runs: 4, timeScale: 0.001 });
      for (const report of reports) {
        assert.equal(report.error, "Bedrock.AccessDeniedException");
        assert.match(report.cause ?? "", /on resource: arn:aws:bedrock:::foundation-model\/anthropic\.claude-sonnet-4-5/);
      }
    } finally {
      await cloud.close();
    }
  });

  it("50 concurrent executions under throttling all succeed, retried by the workflow", async () => {
    const stack = await stackWith();
    const cloud = await startLocalCloud({ stack, faults: { throttleRate: 0.3, seed: 5 } });
    try {
      const { summary } = await runBatch(cloud, { input: { prompt: "Busy" }, runs: 50, concurrency: 50, timeScale: 0.001 });
      assert.equal(summary.succeeded, 50, JSON.stringify(summary));
      const calls = Object.values(summary.routedRegions).reduce((a, b) => a + b, 0);
      assert.ok(calls > 50, `throttled calls were retried: ${calls} calls for 50 executions`);
    } finally {
      await cloud.close();
    }
  });

  it("authorises the workflow's S3 calls against the role: no s3:GetObject on input/ fails a large input, no s3:PutObject fails S3 output", async () => {
    const stack = await stackWith();
    const without = (action: string) => {
      const document = JSON.parse(stack.rolePolicies[0].policy as string) as { Statement: { Action: string[] }[] };
      document.Statement = document.Statement.filter((s) => !s.Action.includes(action));
      return [{ source: "test policy", policy: document }];
    };
    for (const [action, input] of [
      ["s3:GetObject", { prompt: "x".repeat(300 * 1024) }],
      ["s3:PutObject", { prompt: "hi", outputToS3: true }],
    ] as const) {
      const cloud = await startLocalCloud({ stack, rolePolicies: without(action) });
      try {
        const report = await runLocalExecution(stack, { input, timeScale: 0.001, environment: cloud });
        assert.equal(report.status, "FAILED");
        assert.match(report.cause ?? "", new RegExp(`AccessDenied.*not authorized to perform: ${action} on resource: arn:aws:s3:::${stack.payloadBucket}/`));
        assert.equal(cloud.s3FrontDoor.decisions.at(-1)?.allowed, false);
      } finally {
        await cloud.close();
      }
    }
    const own = await startLocalCloud({ stack });
    try {
      const report = await runLocalExecution(stack, { input: { prompt: "x".repeat(300 * 1024), outputToS3: true }, timeScale: 0.001, environment: own });
      assert.equal(report.status, "SUCCEEDED", report.cause);
      assert.deepEqual(
        own.s3FrontDoor.decisions.map((d) => [d.request.action, d.allowed]),
        [
          ["s3:GetObject", true],
          ["s3:PutObject", true],
        ],
      );
    } finally {
      await own.close();
    }
  });

  describe("npm run local --runs", () => {
    let dir: string;
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "local-runs-"))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const run = runLocalCli;

    it("reports AccessDenied and exits 1 for a role missing routed Regions; 24/24 and exit 0 with the stack's own policy", async () => {
      const stack = await stackWith();
      const missingFile = path.join(dir, "missing.json");
      fs.writeFileSync(missingFile, JSON.stringify(withoutRegions(stack, ["ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2"]).policy));
      const ownFile = path.join(dir, "own.json");
      fs.writeFileSync(ownFile, JSON.stringify(stack.rolePolicies[0].policy)); // the JSON string synth --json shows
      const base = ["--stack", "dev", "--config", `bedrock-sfn:modelId=${APAC}`, "--prompt", "Hello", "--runs", "24", "--seed", "7", "--json"];

      const denied = await run([...base, "--role-policy-file", missingFile]);
      assert.equal(denied.code, 1);
      const summary = JSON.parse(denied.printed);
      assert.equal(summary.runs, 24);
      assert.ok(summary.failed > 0 && summary.succeeded > 0, denied.printed);
      assert.equal(summary.succeeded + summary.failed, 24);
      assert.deepEqual(summary.errors, { "Bedrock.AccessDeniedException": summary.failed });
      assert.equal(
        Object.values(summary.routedRegions as Record<string, number>).reduce((a, b) => a + b, 0),
        24,
      );

      const own = await run([...base, "--role-policy-file", ownFile]);
      assert.equal(own.code, 0, own.printed);
      assert.deepEqual(
        { ...JSON.parse(own.printed), routedRegions: undefined },
        { runs: 24, succeeded: 24, failed: 0, errors: {}, routedRegions: undefined, accessDeniedRegions: {} },
      );
      // The seed fixes the routing: the same Regions with either policy.
      assert.deepEqual(JSON.parse(own.printed).routedRegions, summary.routedRegions);
    });

    it("keeps {status, output, states} for a single run, and --route pins where it lands", async () => {
      const { code, printed } = await run(["--stack", "dev", "--config", `bedrock-sfn:modelId=${APAC}`, "--prompt", "Hello", "--route", "ap-southeast-2", "--json"]);
      assert.equal(code, 0, printed);
      assert.deepEqual(Object.keys(JSON.parse(printed)), ["status", "output", "states"]);
      const readable = await run(["--stack", "dev", "--config", `bedrock-sfn:modelId=${APAC}`, "--prompt", "Hello", "--route", "ap-southeast-2"]);
      assert.match(readable.printed, /Bedrock stand-in calls: 1 \(routed to ap-southeast-2\)/);
    });

    it("rejects bad flags with one clear line", async () => {
      const cases: [string[], RegExp][] = [
        [["--runs", "0"], /--runs '0' must be a whole number from 1 to 10000/],
        [["--runs", "2", "--concurrency", "x"], /--concurrency 'x'/],
        [["--concurrency", "2"], /--concurrency needs --runs/],
        [["--route", "eu-west-1"], /--route 'eu-west-1'.*lands in: ap-northeast-1/],
        [["--role-policy-file", path.join(dir, "nope.json")], /--role-policy-file '.*nope\.json': cannot read it \(ENOENT\)/],
      ];
      fs.writeFileSync(path.join(dir, "bad.json"), JSON.stringify({ Statement: [{ Effect: "Allow", Resource: "*" }] }));
      cases.push([["--role-policy-file", path.join(dir, "bad.json")], /statement #1: needs 'Action' or 'NotAction'/]);
      for (const [flags, message] of cases) {
        await assert.rejects(
          run(["--stack", "dev", "--config", `bedrock-sfn:modelId=${APAC}`, "--prompt", "x", ...flags]),
          (e: Error) => e instanceof BedrockSfnError && message.test(e.message),
          flags.join(" "),
        );
      }
    });
  });
});
