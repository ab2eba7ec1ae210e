// The front door's mapping templates rendered by velocityjs with API Gateway's variables, against sample client
// requests and sample Step Functions answers: what the workflow gets, what the client gets, and with which status.
import * as assert from "node:assert/strict";
import {
  BAD_REQUEST_BODY_TEMPLATE,
  DESCRIBE_RESPONSE_TEMPLATE,
  STARTED_RESPONSE_TEMPLATE,
  SYNC_RESPONSE_TEMPLATE,
  describeRequestTemplate,
  startRequestTemplate,
} from "../../../src/api/mapping-templates";
import { executionArnPrefix } from "../../../src/api/role-policy";
import { BodyNotJsonError, escapeJavaScript, renderGatewayResponse, renderMappingTemplate } from "../../../tools/local/api-gateway/mapping-template";

const ARN = "arn:aws:states:ap-northeast-1:123456789012:stateMachine:bedrock-sfn-workflow";
const context = { requestId: "7c1c3a8e-0000-4000-8000-000000000001", stage: "v1" };
const render = (template: string, body: unknown, params?: { path?: Record<string, string> }) =>
  renderMappingTemplate(template, { body: typeof body === "string" ? body : JSON.stringify(body), context, params });
const startRequest = (body: unknown) => {
  const rendered = JSON.parse(render(startRequestTemplate(ARN), body).output);
  return { ...rendered, input: JSON.parse(rendered.input) };
};
const output = {
  text: '富士山 (Mt. Fuji), 3,776 m. It\'s "the" one.\n',
  stopReason: "end_turn",
  usage: { inputTokens: 0, outputTokens: 17 },
  model: "apac.anthropic.claude-sonnet-4-20250514-v1:0",
  raw: { secret: "native body" },
};
const record = (fields: Record<string, unknown>) => ({ executionArn: `${ARN}:x`, input: '{"prompt":"private"}', name: context.requestId, ...fields });

describe("API front door mapping templates", () => {
  describe("request: POST /generate -> StartSyncExecution / StartExecution", () => {
    it("forwards prompt and system as the execution input, named after the request", () => {
      const sent = startRequest({ prompt: "What's the highest mountain in Japan?", system: "Answer in one line." });
      assert.equal(sent.stateMachineArn, ARN);
      assert.equal(sent.name, context.requestId);
      assert.deepEqual(sent.input, { prompt: "What's the highest mountain in Japan?", system: "Answer in one line." });
    });

    it("keeps quotes, apostrophes, backslashes, slashes, newlines, CJK and emoji intact through two JSON layers", () => {
      const prompt = `He said "it's" C:\\path /x\n\t日本語 🗻 \u0001`;
      assert.deepEqual(startRequest({ prompt }).input, { prompt });
    });

    it("forwards no other field, so callers cannot reach the workflow's body or inputS3Uri inputs", () => {
      assert.deepEqual(startRequest({ prompt: "p", inputS3Uri: "s3://bucket/input/x.json", body: { a: 1 }, outputToS3: true }).input, { prompt: "p" });
    });

    it("passes a missing or mistyped prompt on as the client sent it (the workflow names the field)", () => {
      assert.deepEqual(startRequest({}).input, { prompt: null });
      assert.deepEqual(startRequest({ prompt: 42 }).input, { prompt: 42 });
    });

    it("refuses malformed JSON as API Gateway does ('Could not parse request body into json')", () => {
      assert.throws(
        () => render(startRequestTemplate(ARN), '{"prompt": '),
        (e: unknown) => e instanceof BodyNotJsonError && /Could not parse request body into json/.test(e.message),
      );
    });
  });

  describe("response: the execution's outcome -> the client's answer", () => {
    it("turns a successful run into {generated_text, stop_reason, usage, model} (200), without the raw record", () => {
      const rendered = render(SYNC_RESPONSE_TEMPLATE, record({ status: "SUCCEEDED", output: JSON.stringify(output) }));
      assert.equal(rendered.statusOverride, undefined);
      assert.deepEqual(JSON.parse(rendered.output), {
        generated_text: output.text,
        stop_reason: "end_turn",
        usage: { input_tokens: 0, output_tokens: 17 },
        model: output.model,
      });
    });

    it("writes null for a stop reason or token count the family does not report", () => {
      const rendered = render(
        SYNC_RESPONSE_TEMPLATE,
        record({ status: "SUCCEEDED", output: JSON.stringify({ ...output, stopReason: null, usage: { inputTokens: null, outputTokens: null } }) }),
      );
      const body = JSON.parse(rendered.output);
      assert.equal(body.stop_reason, null);
      assert.deepEqual(body.usage, { input_tokens: null, output_tokens: null });
    });

    const failures: [string, Record<string, unknown>, number, RegExp][] = [
      [
        "a validation error: 400 with the workflow's cause, naming the field",
        { status: "FAILED", error: "ValidationError", cause: "prompt must be a non-empty string; got 42" },
        400,
        /prompt must be a non-empty string/,
      ],
      ["throttling after retries: 503", { status: "FAILED", error: "Bedrock.ThrottlingException", cause: "Rate exceeded (arn:aws:bedrock:...)" }, 503, /busy/],
      ["a timed-out run: 504", { status: "TIMED_OUT" }, 504, /did not answer in time/],
      [
        "any other failure: 502",
        { status: "FAILED", error: "Bedrock.AccessDeniedException", cause: "User arn:aws:sts::123456789012:assumed-role/x is not authorized" },
        502,
        /workflow failed/,
      ],
    ];
    for (const [label, fields, status, message] of failures) {
      it(label, () => {
        const rendered = render(SYNC_RESPONSE_TEMPLATE, record(fields));
        assert.equal(rendered.statusOverride, status);
        const body = JSON.parse(rendered.output);
        assert.match(body.message, message);
        assert.equal(body.request_id, context.requestId);
        assert.ok(!rendered.output.includes("private") && !rendered.output.includes(ARN), "no input, no ARNs");
        if (status !== 400) assert.ok(!rendered.output.includes(String(fields.cause ?? "\u0000")), "causes of non-validation errors stay in the logs");
      });
    }
  });

  describe("STANDARD: 202 and GET /executions/{id}", () => {
    it("answers StartExecution with the execution id and where to poll", () => {
      const body = JSON.parse(render(STARTED_RESPONSE_TEMPLATE, { executionArn: `${executionArnPrefix(ARN)}${context.requestId}`, startDate: 1 }).output);
      assert.deepEqual(body, { execution_id: context.requestId, status: "RUNNING", status_url: `/v1/executions/${context.requestId}` });
    });

    it("describes the execution named by the path, escaped", () => {
      const rendered = JSON.parse(render(describeRequestTemplate(executionArnPrefix(ARN)), "", { path: { id: 'abc"}' } }).output);
      assert.equal(rendered.executionArn, 'arn:aws:states:ap-northeast-1:123456789012:execution:bedrock-sfn-workflow:abc"}');
    });

    it("reports RUNNING, then the same body as the synchronous path", () => {
      assert.deepEqual(JSON.parse(render(DESCRIBE_RESPONSE_TEMPLATE, record({ status: "RUNNING" })).output), { execution_id: context.requestId, status: "RUNNING" });
      const done = render(DESCRIBE_RESPONSE_TEMPLATE, record({ status: "SUCCEEDED", output: JSON.stringify(output) }));
      assert.equal(JSON.parse(done.output).generated_text, output.text);
      assert.equal(render(DESCRIBE_RESPONSE_TEMPLATE, record({ status: "FAILED", error: "ValidationError", cause: "system must be a string" })).statusOverride, 400);
    });
  });

  it("names the problem of a refused body as JSON (a gateway response: substitution only, no VTL)", () => {
    assert.ok(!/#|\$util|\$input/.test(BAD_REQUEST_BODY_TEMPLATE), "gateway responses are not processed by VTL");
    const rendered = renderGatewayResponse(BAD_REQUEST_BODY_TEMPLATE, { ...context, error: { validationErrorString: '[object has missing required properties (["prompt"])]' } });
    assert.deepEqual(JSON.parse(rendered), { message: 'invalid request body: [object has missing required properties (["prompt"])]', request_id: context.requestId });
  });

  it("escapes as API Gateway's $util.escapeJavaScript does (Commons Lang rules)", () => {
    assert.equal(escapeJavaScript(`a"b'c\\d/e\nf\tg`), `a\\"b\\'c\\\\d\\/e\\nf\\tg`);
    assert.equal(escapeJavaScript("é日\u0001"), "\\u00E9\\u65E5\\u0001");
  });
});
