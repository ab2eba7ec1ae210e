// A served batch stack (batch = map) through the real SDK clients: upload a JSONL to the served bucket, StartExecution
// with its key, DescribeExecution until it ends, then read the ResultWriter manifest and results from S3.
import * as assert from "node:assert/strict";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main as invoke } from "../../../tools/cli/invoke";
import { startServing, type Serving } from "../../../tools/cli/serve";

describe("npm run serve with a batch stack (batch = map)", function () {
  this.timeout(120_000);
  let serving: Serving;
  before(
    async () =>
      (serving = await startServing({
        stack: "dev",
        overrides: { "bedrock-sfn:modelId": "apac.anthropic.claude-sonnet-4-20250514-v1:0", "bedrock-sfn:batch": "map" },
        port: 0,
        timeScale: 0.001,
      })),
  );
  after(() => serving.close());

  it("runs the Distributed Map over the uploaded JSONL and leaves the results in the bucket", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, serving.environment);
    try {
      const s3 = new S3Client({ forcePathStyle: true, requestChecksumCalculation: "WHEN_REQUIRED" });
      const sfn = new SFNClient({});
      const bucket = serving.cloud.stack.payloadBucket;
      const lines = Array.from({ length: 12 }, (_, i) => JSON.stringify({ prompt: `served ${i}` })).join("\n");
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "input/batch/served.jsonl", Body: lines }));
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: serving.cloud.stack.stateMachineArn, input: JSON.stringify({ itemsKey: "input/batch/served.jsonl" }) }),
      );
      let described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      while (described.status === "RUNNING") {
        await new Promise((resolve) => setTimeout(resolve, 50));
        described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      }
      assert.equal(described.status, "SUCCEEDED", described.cause);
      const output = JSON.parse(described.output!) as { ResultWriterDetails: { Bucket: string; Key: string } };
      const manifest = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: output.ResultWriterDetails.Key }))).Body!.transformToString()) as {
        ResultFiles: { SUCCEEDED: { Key: string }[] };
      };
      const results = JSON.parse(
        await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: manifest.ResultFiles.SUCCEEDED[0].Key }))).Body!.transformToString(),
      ) as unknown[];
      assert.equal(results.length, 12);
      s3.destroy();
      sfn.destroy();
    } finally {
      for (const name of Object.keys(serving.environment)) if (saved[name] === undefined) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });

  it("invoke --items uploads the file, runs the batch and counts the results", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "invoke-items-"));
    const file = path.join(dir, "prompts.jsonl");
    fs.writeFileSync(file, `${Array.from({ length: 9 }, (_, i) => JSON.stringify({ prompt: `invoke ${i}` })).join("\n")}\n`);
    const saved = { ...process.env };
    Object.assign(process.env, serving.environment);
    let printed = "";
    try {
      const code = await invoke(["--stack", "dev", "--outputs-file", serving.outputsFile, "--items", file, "--json"], {
        stdout: (t) => {
          printed += t;
        },
      });
      const report = JSON.parse(printed) as Record<string, unknown>;
      assert.equal(code, 0, printed);
      assert.deepEqual([report.status, report.items, report.succeeded, report.failed], ["SUCCEEDED", 9, 9, 0]);
      assert.match(String(report.resultsS3Uri), /\/results\/.+\/manifest\.json$/);
    } finally {
      for (const name of Object.keys(serving.environment)) if (saved[name] === undefined) delete process.env[name];
      Object.assign(process.env, saved);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
