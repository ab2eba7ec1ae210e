import * as assert from "node:assert/strict";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { startLocalEnvironment, type LocalEnvironment } from "../../../tools/local/clients/environment";
import { createInvokeModelTask, type InvokeModelRunner } from "../../../tools/local/runners/invoke-model-task";
import { StatesError } from "../../../tools/local/runners/states-error";

const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
const BUCKET = "payload-bucket";

async function failureOf(promise: Promise<unknown>): Promise<StatesError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof StatesError, `expected a StatesError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected the task to fail");
}

describe("local bedrock:invokeModel task", () => {
  let env: LocalEnvironment;
  let task: InvokeModelRunner;

  before(async () => {
    env = await startLocalEnvironment({ payloadBucket: BUCKET });
    task = createInvokeModelTask({ bedrock: env.bedrockClient, s3: env.s3Client });
  });
  after(() => env.close());
  beforeEach(() => {
    env.bedrock.setFaults({});
    env.bedrock.calls.length = 0;
  });

  it("sends Body JSON-serialised and returns the parsed response in Body", async () => {
    const body = { anthropic_version: "bedrock-2023-05-31", max_tokens: 10, messages: [{ role: "user", content: "hi" }] };
    const result = await task({ ModelId: HAIKU, Body: body });
    assert.equal(env.bedrock.calls[0].body.toString("utf8"), JSON.stringify(body));
    assert.equal(env.bedrock.calls[0].contentType, "application/json");
    assert.equal(result.ContentType, "application/json");
    assert.equal((result.Body as { type: string }).type, "message");
  });

  it("reads Input.S3Uri and sends the object's bytes unchanged, with the object's content type", async () => {
    const bytes = Buffer.from('{ "prompt" :  "spacing and ✓ kept" }\n');
    await env.s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "input/a.json", Body: bytes, ContentType: "application/json; charset=utf-8" }));
    await task({ ModelId: HAIKU, Input: { S3Uri: `s3://${BUCKET}/input/a.json` } });
    assert.ok(env.bedrock.calls[0].body.equals(bytes));
    assert.equal(env.bedrock.calls[0].contentType, "application/json; charset=utf-8");
  });

  it("writes the response to Output.S3Uri and returns a reference instead of the body", async () => {
    const result = await task({ ModelId: HAIKU, Body: { prompt: "x" }, Output: { S3Uri: `s3://${BUCKET}/output/run-1.json` } });
    assert.deepEqual(result.Body, { S3Uri: `s3://${BUCKET}/output/run-1.json` });
    const stored = await env.s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "output/run-1.json" }));
    const response = JSON.parse(await stored.Body!.transformToString());
    assert.equal(response.type, "message");
    assert.match(response.content[0].text, /Local stand-in reply/);
  });

  it("names Bedrock errors Bedrock.<Exception> with the service's message and status in the cause", async () => {
    env.bedrock.setFaults({ next: ["AccessDeniedException", "ThrottlingException"] });
    const denied = await failureOf(task({ ModelId: HAIKU, Body: {} }));
    assert.equal(denied.errorName, "Bedrock.AccessDeniedException");
    assert.match(denied.cause, /don't have access.*Service: BedrockRuntime, Status Code: 403/);
    const throttled = await failureOf(task({ ModelId: HAIKU, Body: {} }));
    assert.equal(throttled.errorName, "Bedrock.ThrottlingException");
  });

  it("fails with States.TaskFailed naming the URI when the input object is missing", async () => {
    const missing = await failureOf(task({ ModelId: HAIKU, Input: { S3Uri: `s3://${BUCKET}/input/none.json` } }));
    assert.equal(missing.errorName, "States.TaskFailed");
    assert.match(missing.cause, /s3:\/\/payload-bucket\/input\/none\.json.*NoSuchKey/);
    assert.equal(env.bedrock.calls.length, 0);
  });

  it("refuses arguments Step Functions would refuse, naming the field", async () => {
    const cases: [unknown, RegExp][] = [
      [{ Body: {} }, /ModelId must be a non-empty string/],
      [{ ModelId: HAIKU }, /exactly one of Body or Input.*neither/],
      [{ ModelId: HAIKU, Body: {}, Input: { S3Uri: "s3://b/k" } }, /exactly one of Body or Input.*both/],
      [{ ModelId: HAIKU, Input: { S3Uri: "http://b/k" } }, /Input must be \{ "S3Uri"/],
      [{ ModelId: HAIKU, Body: {}, Prompt: "x" }, /unknown field\(s\) Prompt/],
    ];
    for (const [args, message] of cases) {
      const error = await failureOf(task(args));
      assert.equal(error.errorName, "States.Runtime");
      assert.match(error.cause, message);
    }
    assert.equal(env.bedrock.calls.length, 0);
  });
});
