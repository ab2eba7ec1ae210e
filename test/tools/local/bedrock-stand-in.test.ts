import * as assert from "node:assert/strict";
import { InvokeModelCommand, type BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { normaliseResponse } from "../../../src/bedrock/families";
import { startBedrockStandIn, type BedrockStandIn } from "../../../tools/local/stand-ins/bedrock-stand-in";

const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";

async function invoke(client: BedrockRuntimeClient, modelId: string, body: object = { prompt: "hi" }) {
  const response = await client.send(new InvokeModelCommand({ modelId, body: JSON.stringify(body), contentType: "application/json", accept: "application/json" }));
  return JSON.parse(Buffer.from(response.body).toString("utf8"));
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  assert.fail("expected the call to fail");
}

describe("local Bedrock stand-in", () => {
  let standIn: BedrockStandIn;
  let client: BedrockRuntimeClient;

  before(async () => {
    standIn = await startBedrockStandIn({ family: "amazon-nova" });
    client = standIn.createClient();
  });
  after(async () => {
    client.destroy();
    await standIn.close();
  });
  beforeEach(() => {
    standIn.setFaults({});
    standIn.calls.length = 0;
  });

  it("answers each identifier form in its model's format, through the real SDK client", async () => {
    const cases: [string, "anthropic" | "amazon-nova" | "meta-llama"][] = [
      [HAIKU, "anthropic"],
      ["apac.anthropic.claude-sonnet-4-20250514-v1:0", "anthropic"],
      ["us-gov.meta.llama3-8b-instruct-v1:0", "meta-llama"],
      ["arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0", "amazon-nova"],
      ["arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0", "anthropic"],
      // An application profile hides its model: the stand-in was started with family amazon-nova.
      ["arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123", "amazon-nova"],
    ];
    for (const [modelId, family] of cases) {
      const body = await invoke(client, modelId);
      const normalised = await normaliseResponse(family, body);
      assert.match(normalised.text, /Local stand-in reply/, `${modelId} answered ${JSON.stringify(body)}`);
      assert.ok((normalised.usage.outputTokens ?? 0) > 0);
    }
    assert.deepEqual(
      standIn.calls.map((c) => c.modelId),
      cases.map(([id]) => id),
    );
  });

  it("records the exact request bytes and headers", async () => {
    const body = Buffer.from(JSON.stringify({ prompt: "exact ✓ bytes", n: [1, 2, 3] }));
    await client.send(new InvokeModelCommand({ modelId: HAIKU, body, contentType: "application/json", accept: "*/*" }));
    assert.equal(standIn.calls.length, 1);
    assert.ok(standIn.calls[0].body.equals(body));
    assert.equal(standIn.calls[0].contentType, "application/json");
    assert.equal(standIn.calls[0].accept, "*/*");
  });

  it("refuses an identifier whose family it cannot tell, and a body that is not JSON, with ValidationException", async () => {
    const plain = await startBedrockStandIn();
    const plainClient = plain.createClient();
    try {
      const profile = await errorOf(invoke(plainClient, "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123"));
      assert.deepEqual(profile, { name: "ValidationException", status: 400 });
      const notJson = await errorOf(plainClient.send(new InvokeModelCommand({ modelId: HAIKU, body: "not json", contentType: "application/json" })));
      assert.deepEqual(notJson, { name: "ValidationException", status: 400 });
    } finally {
      plainClient.destroy();
      await plain.close();
    }
  });

  it("injects each fault with Bedrock's status code", async () => {
    const expected = { ThrottlingException: 429, ModelTimeoutException: 408, AccessDeniedException: 403, ValidationException: 400 } as const;
    standIn.setFaults({ next: Object.keys(expected) as (keyof typeof expected)[] });
    for (const [name, status] of Object.entries(expected)) {
      assert.deepEqual(await errorOf(invoke(client, HAIKU)), { name, status });
    }
    // The queue is used up: the next call succeeds.
    await invoke(client, HAIKU);
    assert.deepEqual(
      standIn.calls.map((c) => c.status),
      [429, 408, 403, 400, 200],
    );
  });

  it("throttles about the configured share of calls, the same ones for the same seed in any arrival order", async () => {
    const statuses = async (order: number[], seed = 7) => {
      standIn.setFaults({ throttleRate: 0.3, seed });
      standIn.calls.length = 0;
      const byRequest = new Map<number, number>();
      for (const i of order) {
        await invoke(client, HAIKU, { prompt: `request ${i}` }).catch(() => undefined);
        byRequest.set(i, standIn.calls[standIn.calls.length - 1].status);
      }
      return [...byRequest.entries()].sort(([a], [b]) => a - b).map(([, status]) => status);
    };
    const ascending = Array.from({ length: 100 }, (_, i) => i);
    const first = await statuses(ascending);
    const throttled = first.filter((s) => s === 429).length;
    assert.ok(throttled > 15 && throttled < 45, `throttled ${throttled} of 100`);
    assert.deepEqual(await statuses([...ascending].reverse()), first);
    assert.notDeepEqual(await statuses(ascending, 8), first);
  });

  it("adds the configured latency", async () => {
    standIn.setFaults({ latencyMs: 60 });
    const started = Date.now();
    await invoke(client, HAIKU);
    assert.ok(Date.now() - started >= 55);
  });

  it("rejects an unknown fault name with the valid ones", () => {
    assert.throws(() => standIn.setFaults({ always: "Boom" as never }), /unknown fault 'Boom'.*ThrottlingException/);
  });
});
