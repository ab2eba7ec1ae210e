import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand, StartSyncExecutionCommand } from "@aws-sdk/client-sfn";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { sampleResponse } from "../../../src/bedrock/families";
import { startS3StandIn, type S3StandIn } from "../../../tools/local/stand-ins/s3-stand-in";
import { invokeDeployed, type InvokeOptions } from "../../../tools/cli/invoke/execute";
import { deployedStackFrom, readOutputsFile, StackOutputsError, type DeployedStack } from "../../../tools/cli/invoke/stack-outputs";
import { main } from "../../../tools/cli/invoke";

const BUCKET = "deployed-payloads";
const ARN = "arn:aws:states:ap-northeast-1:123456789012:stateMachine:bedrock-sfn-workflow";
const MODEL = "apac.anthropic.claude-sonnet-4-20250514-v1:0";
const stackOf = (workflowType: DeployedStack["workflowType"]): DeployedStack => ({
  stateMachineArn: ARN,
  payloadBucketName: BUCKET,
  workflowType,
  region: "ap-northeast-1",
  modelId: MODEL,
});
const generation = { family: "anthropic" as const, maxTokens: 321, temperature: 0.2, systemPrompt: "Be brief." };
const inlineOutput = (text: string) => JSON.stringify({ text, stopReason: "end_turn", usage: { inputTokens: 3, outputTokens: 2 }, model: MODEL, raw: {} });

async function objectText(s3: S3Client, key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return object.Body!.transformToString();
}

describe("npm run invoke", () => {
  let sfnMock: AwsClientStub<SFNClient>;
  let s3Server: S3StandIn;
  let s3: S3Client;
  let sfn: SFNClient;

  before(async () => {
    sfnMock = mockClient(SFNClient);
    s3Server = await startS3StandIn({ buckets: [BUCKET] });
    s3 = s3Server.createClient();
    sfn = new SFNClient({ region: "ap-northeast-1" });
  });
  after(async () => {
    sfnMock.restore();
    s3.destroy();
    await s3Server.close();
  });
  beforeEach(() => sfnMock.reset());

  const options = (overrides: Partial<InvokeOptions>): InvokeOptions => ({
    sfn,
    s3,
    stack: stackOf("EXPRESS"),
    input: { prompt: "hi" },
    executionName: "invoke-test-1",
    generation,
    sleep: async () => undefined,
    ...overrides,
  });

  it("runs an EXPRESS machine with StartSyncExecution and returns its output", async () => {
    sfnMock.on(StartSyncExecutionCommand).resolves({ status: "SUCCEEDED", executionArn: `${ARN}:x`, output: inlineOutput("hello") });
    const report = await invokeDeployed(options({}));
    assert.equal(report.status, "SUCCEEDED");
    assert.equal((report.output as { text: string }).text, "hello");
    const [call] = sfnMock.commandCalls(StartSyncExecutionCommand);
    assert.deepEqual(call.args[0].input, { stateMachineArn: ARN, name: "invoke-test-1", input: JSON.stringify({ prompt: "hi" }) });
    assert.equal(sfnMock.commandCalls(StartExecutionCommand).length, 0);
  });

  it("starts a STANDARD machine and polls DescribeExecution with growing waits until it ends", async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:y` });
    sfnMock
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: "RUNNING" })
      .resolvesOnce({ status: "RUNNING" })
      .resolvesOnce({ status: "RUNNING" })
      .resolves({ status: "SUCCEEDED", output: inlineOutput("done") });
    const waits: number[] = [];
    const progress: string[] = [];
    const report = await invokeDeployed(
      options({
        stack: stackOf("STANDARD"),
        sleep: async (ms) => void waits.push(ms),
        pollIntervalMs: 500,
        maxPollIntervalMs: 1500,
        progress: { update: (status) => void progress.push(status), done: () => void progress.push("done") },
      }),
    );
    assert.deepEqual([report.status, report.executionArn], ["SUCCEEDED", `${ARN}:y`]);
    assert.deepEqual(waits, [500, 1000, 1500]);
    assert.deepEqual(progress, ["RUNNING", "RUNNING", "RUNNING", "done"]);
    assert.equal(sfnMock.commandCalls(DescribeExecutionCommand)[0].args[0].input.executionArn, `${ARN}:y`);
    assert.equal(sfnMock.commandCalls(StartSyncExecutionCommand).length, 0);
  });

  it("reads the response from S3 when the execution wrote it there, and normalises it", async () => {
    const raw = sampleResponse("anthropic", { text: "from the bucket", inputTokens: 5, outputTokens: 3, modelId: MODEL });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "output/invoke-test-1.json", Body: JSON.stringify(raw) }));
    sfnMock.on(StartSyncExecutionCommand).resolves({ status: "SUCCEEDED", output: JSON.stringify({ outputS3Uri: `s3://${BUCKET}/output/invoke-test-1.json`, model: MODEL }) });
    const report = await invokeDeployed(options({ input: { prompt: "hi", outputToS3: true } }));
    // The same fields an inline output has: the workflow's normalisation, the configured model, the raw body.
    assert.deepEqual(report.response, { text: "from the bucket", stopReason: "end_turn", usage: { inputTokens: 5, outputTokens: 3 }, model: MODEL, raw });
    assert.equal(report.response?.text, "from the bucket");
  });

  it("moves an input over 256 KB to the payload bucket as the request body the workflow would build", async () => {
    sfnMock.on(StartSyncExecutionCommand).resolves({ status: "SUCCEEDED", output: inlineOutput("ok") });
    const prompt = "x".repeat(300 * 1024);
    const report = await invokeDeployed(options({ input: { prompt, outputToS3: true }, executionName: "invoke-big" }));
    assert.equal(report.inputS3Uri, `s3://${BUCKET}/input/invoke-big.json`);
    const sent = JSON.parse(sfnMock.commandCalls(StartSyncExecutionCommand)[0].args[0].input.input!);
    assert.deepEqual(sent, { inputS3Uri: `s3://${BUCKET}/input/invoke-big.json`, outputToS3: true });
    const body = JSON.parse(await objectText(s3, "input/invoke-big.json"));
    assert.equal(body.messages[0].content[0].text, prompt);
    assert.deepEqual([body.max_tokens, body.temperature, body.system], [321, 0.2, "Be brief."]);
  });

  it("keeps a small input inline", async () => {
    sfnMock.on(StartSyncExecutionCommand).resolves({ status: "SUCCEEDED", output: inlineOutput("ok") });
    const report = await invokeDeployed(options({ input: { prompt: "x".repeat(200 * 1024) } }));
    assert.equal(report.inputS3Uri, undefined);
  });

  it("returns the execution's error and cause when it fails", async () => {
    sfnMock.on(StartSyncExecutionCommand).resolves({ status: "FAILED", error: "Bedrock.AccessDeniedException", cause: "no access to the model" });
    const report = await invokeDeployed(options({}));
    assert.deepEqual([report.status, report.error, report.cause], ["FAILED", "Bedrock.AccessDeniedException", "no access to the model"]);
  });

  describe("the CLI", () => {
    let dir: string;
    let outputsFile: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "invoke-cli-"));
      outputsFile = path.join(dir, "outputs.json");
      fs.writeFileSync(outputsFile, JSON.stringify({ ...stackOf("EXPRESS"), roleArn: "arn:aws:iam::123456789012:role/r" }));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const run = async (argv: string[]) => {
      let printed = "";
      const code = await main(["--stack", "dev", "--outputs-file", outputsFile, ...argv], {
        sfn,
        s3,
        stdout: (text) => {
          printed += text;
        },
      });
      return { code, printed };
    };

    it("prints the answer's text and exits 0", async () => {
      sfnMock.on(StartSyncExecutionCommand).resolves({ status: "SUCCEEDED", executionArn: `${ARN}:z`, output: inlineOutput("The answer is 42.") });
      const { code, printed } = await run(["--prompt", "question"]);
      assert.equal(code, 0);
      assert.match(printed, /The answer is 42\./);
    });

    it("prints the error and cause of a failed execution and exits 1; --json gives one document", async () => {
      sfnMock.on(StartSyncExecutionCommand).resolves({ status: "FAILED", error: "ValidationError", cause: "prompt must be a non-empty string" });
      const text = await run(["--prompt", "question"]);
      assert.equal(text.code, 1);
      assert.match(text.printed, /FAILED: ValidationError\ncause: prompt must be a non-empty string/);
      const json = await run(["--prompt", "question", "--json"]);
      assert.equal(json.code, 1);
      const document = JSON.parse(json.printed);
      assert.deepEqual([document.status, document.error, document.cause], ["FAILED", "ValidationError", "prompt must be a non-empty string"]);
    });

    it("reports a TIMED_OUT execution as a failure naming the status", async () => {
      sfnMock.on(StartSyncExecutionCommand).resolves({ status: "TIMED_OUT" });
      const { code, printed } = await run(["--prompt", "question"]);
      assert.equal(code, 1);
      assert.match(printed, /FAILED: TIMED_OUT/);
    });

    it("takes the model family from the deployed outputs when the stack file cannot tell it", async () => {
      const appProfile = ["--config", "bedrock-sfn:modelId=arn:aws:bedrock:ap-northeast-1:123456789012:application-inference-profile/a1b2c3"];
      await assert.rejects(run([...appProfile, "--prompt", "question"]), /request format cannot be told from the identifier/);
      fs.writeFileSync(outputsFile, JSON.stringify({ ...stackOf("EXPRESS"), modelFamily: "anthropic" }));
      try {
        sfnMock.on(StartSyncExecutionCommand).resolves({ status: "SUCCEEDED", executionArn: `${ARN}:y`, output: inlineOutput("From the app profile.") });
        const { code, printed } = await run([...appProfile, "--prompt", "question"]);
        assert.equal(code, 0);
        assert.match(printed, /From the app profile\./);
      } finally {
        fs.writeFileSync(outputsFile, JSON.stringify({ ...stackOf("EXPRESS"), roleArn: "arn:aws:iam::123456789012:role/r" }));
      }
    });

    it("rejects bad usage with a UsageError before calling AWS", async () => {
      await assert.rejects(run([]), { name: "UsageError", message: /exactly one of --prompt <text> or --input-file <path>/ });
      await assert.rejects(run(["--prompt", "a", "--input-file", "b"]), { name: "UsageError" });
      await assert.rejects(run(["--input-file", path.join(dir, "none.txt")]), { name: "UsageError", message: /cannot read --input-file/ });
      assert.equal(sfnMock.calls().length, 0);
    });
  });

  describe("stack outputs", () => {
    it("names every missing or malformed output", () => {
      assert.throws(
        () => deployedStackFrom({ stateMachineArn: "nope", workflowType: "FAST", region: "us-east-1", modelId: MODEL }, "test"),
        (error: Error) =>
          error instanceof StackOutputsError &&
          /'payloadBucketName' is missing/.test(error.message) &&
          /'workflowType' is 'FAST'; valid values: STANDARD, EXPRESS/.test(error.message) &&
          /'stateMachineArn' 'nope' is not a state machine ARN/.test(error.message),
      );
    });

    it("reads the model family output when it names a family, and ignores it otherwise", () => {
      const base = { ...stackOf("STANDARD") } as Record<string, unknown>;
      assert.equal(deployedStackFrom({ ...base, modelFamily: "amazon-nova" }, "test").modelFamily, "amazon-nova");
      assert.equal(deployedStackFrom({ ...base, modelFamily: "klingon" }, "test").modelFamily, undefined);
    });

    it("explains how to write an outputs file that is not JSON", () => {
      const file = path.join(os.tmpdir(), `outputs-${process.pid}.txt`);
      fs.writeFileSync(file, "stateMachineArn: x");
      try {
        assert.throws(() => readOutputsFile(file), /not JSON.*pulumi stack output --json/);
      } finally {
        fs.rmSync(file);
      }
    });
  });
});
