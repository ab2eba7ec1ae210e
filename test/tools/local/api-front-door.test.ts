// The local API front door end to end: HTTP -> throttling, auth, request model -> mapping template -> the local
// Step Functions endpoint -> the workflow -> the Bedrock stand-in (routed, authorised) -> response template.
import * as assert from "node:assert/strict";
import { main as serve, startServing, type Serving } from "../../../tools/cli/serve";

const post = (serving: Serving, body: string, headers: Record<string, string> = {}) =>
  fetch(`${serving.api!.endpoint}/v1/generate`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: "AWS4-HMAC-SHA256 Credential=local/20260101/ap-northeast-1/execute-api/aws4_request, SignedHeaders=host, Signature=00",
      ...headers,
    },
    body,
  });
const json = async (response: Response) => ({ status: response.status, body: (await response.json()) as Record<string, any> });

describe("local API front door (npm run serve, bedrock-sfn:api=rest)", function () {
  this.timeout(120_000);

  describe("EXPRESS, iam", () => {
    let serving: Serving;
    before(
      async () =>
        (serving = await startServing({
          stack: "dev",
          port: 0,
          timeScale: 0.001,
          overrides: { "bedrock-sfn:modelId": "apac.anthropic.claude-sonnet-4-20250514-v1:0", "bedrock-sfn:api": "rest", "bedrock-sfn:apiBurstLimit": "50" },
        })),
    );
    after(() => serving.close());
    afterEach(() => serving.cloud.bedrock.setFaults({}));

    it("answers POST /generate with 200 {generated_text, stop_reason, usage, model}", async () => {
      const { status, body } = await json(await post(serving, JSON.stringify({ prompt: "What's the highest mountain in Japan?" })));
      assert.equal(status, 200, JSON.stringify(body));
      assert.match(body.generated_text, /^Local stand-in reply from apac\.anthropic/);
      assert.equal(body.model, "apac.anthropic.claude-sonnet-4-20250514-v1:0");
      assert.deepEqual(Object.keys(body).sort(), ["generated_text", "model", "stop_reason", "usage"]);
      assert.equal(typeof body.usage.output_tokens, "number");
      const call = serving.cloud.bedrock.calls.at(-1)!;
      assert.ok(serving.cloud.router.destinations("apac.anthropic.claude-sonnet-4-20250514-v1:0").includes(call.routedRegion!));
    });

    it("answers a body without prompt, with an extra field, or malformed JSON with 400 naming the problem, starting nothing", async () => {
      const before = serving.sfn.executions.list().length;
      for (const [body, problem] of [
        ["{}", /prompt/],
        ['{"prompt":"x","inputS3Uri":"s3://b/k"}', /inputS3Uri/],
        ['{"prompt": ', /not JSON/],
        ['{"prompt": 7}', /prompt.*string/],
      ] as const) {
        const answer = await json(await post(serving, body));
        assert.equal(answer.status, 400, body);
        assert.match(answer.body.message, problem);
      }
      assert.equal(serving.sfn.executions.list().length, before);
    });

    it("answers 503 when Bedrock keeps throttling past the workflow's retries, never the raw record", async () => {
      serving.cloud.bedrock.setFaults({ always: "ThrottlingException" });
      const { status, body } = await json(await post(serving, JSON.stringify({ prompt: "busy?" })));
      assert.equal(status, 503, JSON.stringify(body));
      assert.equal(body.error, "Bedrock.ThrottlingException");
      assert.ok(!JSON.stringify(body).includes("busy?") && !JSON.stringify(body).includes("arn:"), JSON.stringify(body));
    });

    it("refuses unsigned requests (403), other content types (415) and unknown routes (404)", async () => {
      assert.equal((await post(serving, '{"prompt":"x"}', { authorization: "" })).status, 403);
      assert.equal((await post(serving, '{"prompt":"x"}', { "content-type": "text/plain" })).status, 415);
      assert.equal((await fetch(`${serving.api!.endpoint}/v1/executions/x`)).status, 404);
    });
  });

  describe("STANDARD, apiKey, throttled stage", () => {
    let serving: Serving;
    before(
      async () =>
        (serving = await startServing({
          stack: "dev",
          port: 0,
          timeScale: 0.001,
          apiKey: "test-key",
          overrides: {
            "bedrock-sfn:api": "rest",
            "bedrock-sfn:workflowType": "STANDARD",
            "bedrock-sfn:apiAuth": "apiKey",
            "bedrock-sfn:apiRateLimit": "1",
            "bedrock-sfn:apiBurstLimit": "4",
          },
        })),
    );
    after(() => serving.close());

    it("answers 202 with an execution id, then GET /executions/{id} gives the same body (404 for an unknown id)", async () => {
      assert.equal((await post(serving, '{"prompt":"x"}', { "x-api-key": "wrong" })).status, 403);
      const started = await json(await post(serving, JSON.stringify({ prompt: "What is Fuji?" }), { "x-api-key": "test-key" }));
      assert.equal(started.status, 202, JSON.stringify(started.body));
      assert.equal(started.body.status, "RUNNING");
      const executions = serving.sfn.executions.list();
      await Promise.all(executions.map((e) => e.finished));
      const done = await json(await fetch(`${serving.api!.endpoint}${started.body.status_url}`, { headers: { "x-api-key": "test-key" } }));
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.match(done.body.generated_text, /^Local stand-in reply/);
      const unknown = await json(await fetch(`${serving.api!.endpoint}/v1/executions/no-such-id`, { headers: { "x-api-key": "test-key" } }));
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.message, "no execution with this id");
    });

    it("throttles the stage: past the burst (4 at 1 per second) requests get 429 before any other check", async () => {
      const statuses = await Promise.all(Array.from({ length: 10 }, () => post(serving, '{"prompt":"x"}', { "x-api-key": "wrong" }).then((r) => r.status)));
      assert.ok(statuses.filter((s) => s === 429).length >= 4, `at most the burst and what refilled meanwhile get through: ${statuses.join(", ")}`);
      assert.ok(
        statuses.every((s) => s === 429 || s === 403),
        statuses.join(", "),
      );
    });
  });

  it("npm run serve prints the front door and a curl that works against it, with the API key it accepts", async () => {
    let printed = "";
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const serving = serve(["--stack", "dev", "--port", "0", "--config", "bedrock-sfn:api=rest", "--config", "bedrock-sfn:apiAuth=apiKey", "--api-key", "k-123"], {
      stdout: (t) => {
        printed += t;
      },
      stopped,
    });
    while (!printed.includes("Serving until Ctrl-C")) await new Promise((r) => setTimeout(r, 20));
    try {
      const url = /API front door\s+(http:\/\/127\.0\.0\.1:\d+\/v1\/generate)/.exec(printed)?.[1];
      assert.ok(url, printed);
      assert.match(printed, /curl -s -H 'x-api-key: k-123' -H 'content-type: application\/json' -d '\{"prompt":/);
      const answer = await fetch(url, { method: "POST", headers: { "x-api-key": "k-123", "content-type": "application/json" }, body: '{"prompt":"hi"}' });
      assert.equal(answer.status, 200);
    } finally {
      stop();
    }
    assert.equal(await serving, 0);
  });
});
