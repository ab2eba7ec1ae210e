// A batch stack (batch = map) on the local cloud: the JSONL streamed from the S3 stand-in, every child an EXPRESS
// execution authorised against the role, MaxConcurrency honoured, ToleratedFailurePercentage applied, and the
// results written through ResultWriter to the S3 stand-in.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { cloudStackFrom, type CloudStack } from "../../../tools/local/cloud/cloud-stack";
import { mapCloudOf, runDistributedMap, TOLERATED_FAILURE_ERROR, uploadItems, type MapCloud } from "../../../tools/local/cloud/distributed-map";
import { startLocalCloud, type LocalCloud } from "../../../tools/local/cloud/local-cloud";
import { synthesize } from "../../../tools/cli/lib/synth";
import { runLocalCli } from "./fakes";

const MODEL = "apac.anthropic.claude-sonnet-4-20250514-v1:0";
const stackWith = async (overrides: Record<string, string> = {}): Promise<CloudStack> =>
  cloudStackFrom(await synthesize({ stack: "dev", overrides: { "bedrock-sfn:modelId": MODEL, "bedrock-sfn:batch": "map", ...overrides } }));

function jsonlFile(lines: number, line: (i: number) => unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "items-")), "items.jsonl");
  const out = fs.openSync(file, "w");
  for (let i = 0; i < lines; i++) fs.writeSync(out, `${JSON.stringify(line(i))}\n`);
  fs.closeSync(out);
  return file;
}

async function readJson(s3: S3Client, uri: string): Promise<unknown> {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri)!;
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse(await object.Body!.transformToString());
}

async function runItems(cloud: LocalCloud, stack: CloudStack, file: string, mapCloud: MapCloud = mapCloudOf(cloud)) {
  const key = `input/batch/${path.basename(path.dirname(file))}.jsonl`;
  await uploadItems(cloud.s3Client, stack.payloadBucket, key, file);
  return runDistributedMap(mapCloud, {
    definition: stack.definition,
    input: { itemsKey: key },
    stateMachineArn: stack.stateMachineArn,
    executionName: "batch-1",
    timeScale: 0.001,
  });
}

describe("local cloud: a Distributed Map (batch = map)", function () {
  this.timeout(1_200_000);

  for (const queryLanguage of ["JSONata", "JSONPath"]) {
    it(`${queryLanguage}: every item through the role's authorised calls, results in S3`, async () => {
      const stack = await stackWith({ "bedrock-sfn:queryLanguage": queryLanguage });
      const cloud = await startLocalCloud({ stack, seed: 3 });
      try {
        const report = await runItems(
          cloud,
          stack,
          jsonlFile(30, (i) => ({ prompt: `item ${i}` })),
        );
        assert.equal(report.status, "SUCCEEDED", report.cause);
        assert.deepEqual([report.items, report.succeeded, report.failed], [30, 30, 0]);
        assert.equal(cloud.bedrock.calls.length, 30);
        const manifest = (await readJson(cloud.s3Client, report.resultsS3Uri!)) as { ResultFiles: { SUCCEEDED: { Key: string }[] } };
        const results = (await readJson(cloud.s3Client, `s3://${stack.payloadBucket}/${manifest.ResultFiles.SUCCEEDED[0].Key}`)) as { Status: string; Output: string }[];
        assert.equal(results.length, 30);
        assert.ok(results.every((r) => r.Status === "SUCCEEDED" && typeof JSON.parse(r.Output).text === "string"));
        assert.ok(report.resultsS3Uri!.startsWith(`s3://${stack.payloadBucket}/results/`));
      } finally {
        await cloud.close();
      }
    });
  }

  it("falls back per item: the primary throttled on every attempt, each item answered by the next model of the chain", async () => {
    // Pinned: a global Opus primary from Tokyo, a jp. Sonnet fallback (another geography, the same family).
    const primary = "global.anthropic.claude-opus-4-6-v1";
    const fallback = "jp.anthropic.claude-sonnet-4-5-20250929-v1:0";
    const stack = await stackWith({ "bedrock-sfn:modelId": primary, "bedrock-sfn:fallbackModels": JSON.stringify([fallback]) });
    const cloud = await startLocalCloud({ stack, seed: 3, faults: { byModel: { [primary]: "ThrottlingException" } } });
    try {
      const report = await runItems(
        cloud,
        stack,
        jsonlFile(12, (i) => ({ prompt: `item ${i}` })),
      );
      assert.equal(report.status, "SUCCEEDED", report.cause);
      assert.deepEqual([report.items, report.succeeded, report.failed], [12, 12, 0]);
      const answered = cloud.bedrock.calls.filter((c) => c.status === 200);
      assert.equal(answered.length, 12);
      assert.ok(
        answered.every((c) => c.modelId === fallback),
        "every item was answered by the fallback",
      );
      assert.ok(
        cloud.bedrock.calls.some((c) => c.modelId === primary && c.fault === "ThrottlingException"),
        "the primary was tried first",
      );
      const manifest = (await readJson(cloud.s3Client, report.resultsS3Uri!)) as { ResultFiles: { SUCCEEDED: { Key: string }[] } };
      const results = (await readJson(cloud.s3Client, `s3://${stack.payloadBucket}/${manifest.ResultFiles.SUCCEEDED[0].Key}`)) as { Output: string }[];
      assert.ok(
        results.every((r) => JSON.parse(r.Output).model === fallback),
        "each result names the model that answered",
      );
    } finally {
      await cloud.close();
    }
  });

  it("20,000 lines run to SUCCEEDED with 20,000 results", async () => {
    // 40 at a time: enough to overlap the stand-in's latency; more only queues children on this machine's CPU, where an
    // EXPRESS child's 25-second task timeout could expire while it waits for its turn.
    const stack = await stackWith({ "bedrock-sfn:batchMaxConcurrency": "40" });
    const cloud = await startLocalCloud({ stack, recordCalls: false, faults: { latencyMs: 1 } });
    try {
      const report = await runItems(
        cloud,
        stack,
        jsonlFile(20_000, (i) => ({ prompt: `ticket ${i}` })),
      );
      assert.equal(report.status, "SUCCEEDED", `${report.cause} ${JSON.stringify(report.errors)}`);
      assert.deepEqual([report.items, report.succeeded, report.failed], [20_000, 20_000, 0]);
      const manifest = (await readJson(cloud.s3Client, report.resultsS3Uri!)) as { ResultFiles: { SUCCEEDED: { Key: string }[]; FAILED: unknown[] } };
      assert.deepEqual(manifest.ResultFiles.FAILED, []);
      const results = (await readJson(cloud.s3Client, `s3://${stack.payloadBucket}/${manifest.ResultFiles.SUCCEEDED[0].Key}`)) as unknown[];
      assert.equal(results.length, 20_000);
    } finally {
      await cloud.close();
    }
  });

  it("honours MaxConcurrency: never more children at once than the definition allows", async () => {
    const stack = await stackWith({ "bedrock-sfn:batchMaxConcurrency": "7" });
    const cloud = await startLocalCloud({ stack, faults: { latencyMs: 5 } });
    try {
      // Counted around each child run, independently of the map's own count.
      let running = 0;
      let peak = 0;
      const base = mapCloudOf(cloud);
      const counting: MapCloud = {
        ...base,
        run: async (options) => {
          peak = Math.max(peak, ++running);
          try {
            return await base.run(options);
          } finally {
            running--;
          }
        },
      };
      const report = await runItems(
        cloud,
        stack,
        jsonlFile(120, (i) => ({ prompt: `p${i}` })),
        counting,
      );
      assert.equal(report.status, "SUCCEEDED", report.cause);
      assert.equal(peak, 7);
      assert.equal(report.peakConcurrency, 7);
    } finally {
      await cloud.close();
    }
  });

  it("applies ToleratedFailurePercentage: 10% bad items pass at 10%, fail at 5%", async () => {
    // Every tenth line has no request field: the child fails with ValidationError before calling Bedrock.
    const file = jsonlFile(100, (i) => (i % 10 === 0 ? { nothing: i } : { prompt: `p${i}` }));
    for (const [tolerated, status] of [
      ["10", "SUCCEEDED"],
      ["5", "FAILED"],
    ] as const) {
      const stack = await stackWith({ "bedrock-sfn:batchToleratedFailurePercentage": tolerated });
      const cloud = await startLocalCloud({ stack });
      try {
        const report = await runItems(cloud, stack, file);
        assert.equal(report.status, status, `${tolerated}%: ${report.cause}`);
        assert.deepEqual([report.items, report.succeeded, report.failed], [100, 90, 10]);
        if (status === "FAILED") assert.equal(report.error, TOLERATED_FAILURE_ERROR);
        // Results are written either way, the failures with their error.
        const manifest = (await readJson(cloud.s3Client, report.resultsS3Uri!)) as { ResultFiles: { FAILED: { Key: string }[] } };
        const failed = (await readJson(cloud.s3Client, `s3://${stack.payloadBucket}/${manifest.ResultFiles.FAILED[0].Key}`)) as { Error: string }[];
        assert.equal(failed.length, 10);
        assert.ok(failed.every((f) => f.Error === "ValidationError"));
      } finally {
        await cloud.close();
      }
    }
  });

  it("survives injected throttling through the child's retries", async () => {
    const stack = await stackWith();
    const cloud = await startLocalCloud({ stack, faults: { throttleRate: 0.3, seed: 5 } });
    try {
      const report = await runItems(
        cloud,
        stack,
        jsonlFile(40, (i) => ({ prompt: `t${i}` })),
      );
      assert.equal(report.status, "SUCCEEDED", report.cause);
      assert.equal(report.succeeded, 40);
      assert.ok(
        cloud.bedrock.calls.some((c) => c.fault === "ThrottlingException"),
        "some calls were throttled",
      );
    } finally {
      await cloud.close();
    }
  });

  it("a role without states:StartExecution on its own machine, or without the results prefix, fails the map", async () => {
    const stack = await stackWith();
    const document = JSON.parse(stack.rolePolicies[0].policy as string) as { Statement: { Sid?: string }[] };
    for (const sid of ["StartOwnChildExecutions", "WriteBatchResults"]) {
      const policy = { ...document, Statement: document.Statement.filter((s) => s.Sid !== sid) };
      const cloud = await startLocalCloud({ stack, rolePolicies: [{ source: "test", policy }] });
      try {
        const report = await runItems(
          cloud,
          stack,
          jsonlFile(3, (i) => ({ prompt: `${i}` })),
        );
        assert.equal(report.status, "FAILED", sid);
        assert.match(report.cause ?? "", sid === "StartOwnChildExecutions" ? /not authorized to perform: states:StartExecution/ : /Access ?Denied|not authorized/i);
      } finally {
        await cloud.close();
      }
    }
  });

  it("CLI: local --items prints one JSON report; a batch stack without --items, or --items without batch, is a usage error", async () => {
    const file = jsonlFile(5, (i) => (i === 4 ? { bad: true } : { prompt: `cli ${i}` }));
    const batch = ["--stack", "dev", "--config", "bedrock-sfn:batch=map", "--config", "bedrock-sfn:batchToleratedFailurePercentage=25"];
    const { code, printed } = await runLocalCli([...batch, "--items", file, "--json"]);
    assert.equal(code, 0, printed);
    const report = JSON.parse(printed) as Record<string, unknown>;
    assert.deepEqual([report.status, report.items, report.succeeded, report.failed], ["SUCCEEDED", 5, 4, 1]);
    assert.match(String(report.resultsS3Uri), /^s3:\/\/.+\/results\/.+\/manifest\.json$/);
    await assert.rejects(runLocalCli([...batch, "--prompt", "hi"]), /give its items with --items/);
    await assert.rejects(runLocalCli(["--stack", "dev", "--items", file]), /--items needs a batch stack/);
  });
});
