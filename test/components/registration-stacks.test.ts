// The components register their children with Error.stackTraceLimit at 0 (components/registration-stacks.ts): only
// while they register, nested windows end with the outermost, an error raised inside keeps a stack pointing at its
// caller, and PULUMI_DEBUG_PROMISE_LEAKS keeps the stacks the SDK's leak report prints.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { BedrockStateMachine, PayloadBucket } from "../../src/index";
import { leanRegistration } from "../../components/registration-stacks";
import { offlineMocks } from "../../tools/shared/mocks";

/** PayloadBucket args whose bucketName is read while the bucket registers: it reports the limit it saw then. */
function probingArgs(seen: number[], fail = false) {
  return {
    get bucketName(): string {
      seen.push(Error.stackTraceLimit);
      if (fail) throw new Error("bucketName probe failed");
      return "probe-bucket";
    },
  };
}

describe("lean stack captures while a component registers", () => {
  let limit: number;
  before(async () => {
    await pulumi.runtime.setMocks(offlineMocks("us-east-1"), "bedrock-sfn", "dev", true);
  });
  beforeEach(() => {
    limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 17;
  });
  afterEach(() => {
    Error.stackTraceLimit = limit;
    delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
  });

  it("registers a component's children with the limit at 0 and restores it afterwards", () => {
    const seen: number[] = [];
    new PayloadBucket("probe", probingArgs(seen));
    assert.deepEqual(seen, [0]);
    assert.equal(Error.stackTraceLimit, 17);
  });

  it("restores the limit only when the outermost window ends (a BedrockStateMachine builds a PayloadBucket)", () => {
    const outer = leanRegistration();
    const inner = leanRegistration();
    inner.end();
    assert.equal(Error.stackTraceLimit, 0);
    inner.end();
    assert.equal(Error.stackTraceLimit, 0, "ending a window twice must not end its parent");
    outer.end();
    assert.equal(Error.stackTraceLimit, 17);
    new BedrockStateMachine("nested", { modelId: "anthropic.claude-3-haiku-20240307-v1:0", region: "us-east-1" });
    assert.equal(Error.stackTraceLimit, 17);
  });

  it("restores the limit when registration throws, and the error keeps a stack that names its caller", () => {
    const seen: number[] = [];
    let thrown: unknown;
    try {
      new PayloadBucket("failing", probingArgs(seen, true));
    } catch (error) {
      thrown = error;
    }
    assert.deepEqual(seen, [0]);
    assert.equal(Error.stackTraceLimit, 17);
    assert.ok(thrown instanceof Error);
    assert.equal(thrown.message, "bucketName probe failed");
    assert.match(thrown.stack ?? "", /^Error: bucketName probe failed\n/);
    assert.match(thrown.stack ?? "", /registration-stacks\.test\.ts/, "the stack reaches the line that built the component");
  });

  it("keeps the limit as it is when PULUMI_DEBUG_PROMISE_LEAKS asks for the SDK's promise stacks", () => {
    process.env.PULUMI_DEBUG_PROMISE_LEAKS = "true";
    const seen: number[] = [];
    new PayloadBucket("debugging", probingArgs(seen));
    assert.deepEqual(seen, [17]);
    assert.equal(Error.stackTraceLimit, 17);
  });

  after(async () => {
    await pulumi.runtime.disconnect();
  });
});
