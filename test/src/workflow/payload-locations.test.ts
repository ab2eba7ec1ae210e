// The payload locations the analysis reads from each invokeModel task's arguments (the policy pack judges computed
// URIs on them): literal URIs exactly, the fixed start of computed ones as prefixes, other s3:// literals apart.
import * as assert from "node:assert/strict";
import { analyzeDefinition } from "../../../src/workflow/analysis";
import { objectArn } from "../../../src/workflow/payload-locations";

const context = { region: "us-east-1", account: "123456789012", payloadBucket: "payloads-bucket" };
const INVOKE = "arn:aws:states:::bedrock:invokeModel";
const MODEL = "us.amazon.nova-lite-v1:0";
const payloads = (definition: unknown) => analyzeDefinition(definition, context).payloads;

describe("payload locations of a definition", () => {
  it("JSONPath: a literal S3Uri is exact, an intrinsic's literal is a prefix, a Choice's literal is elsewhere", () => {
    const found = payloads({
      StartAt: "Route",
      States: {
        Route: { Type: "Choice", Choices: [{ Variable: "$.uri", StringMatches: "s3://docs/in/*", Next: "Read" }], Default: "Write" },
        Read: { Type: "Task", Resource: INVOKE, Parameters: { ModelId: MODEL, Input: { S3Uri: "s3://docs/fixed/prompt.json" } }, End: true },
        Write: {
          Type: "Task",
          Resource: INVOKE,
          Parameters: { ModelId: MODEL, "Body.$": "$.body", Output: { "S3Uri.$": "States.Format('s3://docs/out/{}.json', $$.Execution.Name)" } },
          End: true,
        },
      },
    });
    assert.deepEqual(found.input, [{ bucket: "docs", key: "fixed/prompt.json", exact: true }]);
    assert.deepEqual(found.output, [{ bucket: "docs", key: "out/", exact: false }]);
    assert.deepEqual(found.elsewhere, [{ bucket: "docs", key: "in/", exact: false }]);
    assert.equal(objectArn(found.input[0]), "arn:aws:s3:::docs/fixed/prompt.json");
    assert.equal(objectArn(found.output[0], "aws-cn"), "arn:aws-cn:s3:::docs/out/*");
  });

  it("JSONata: one expression building the arguments gives the literals under Input and Output, at any depth of it", () => {
    const args =
      `{% $merge([{"ModelId": "${MODEL}"}, $exists($states.input.uri) ? {"Input": {"S3Uri": $states.input.uri}} : {"Body": $states.input.body}, ` +
      `{"Output": {"S3Uri": "s3://docs/out/" & $states.context.Execution.Name & ".json"}}]) %}`;
    const found = payloads({ QueryLanguage: "JSONata", StartAt: "Ask", States: { Ask: { Type: "Task", Resource: INVOKE, Arguments: args, End: true } } });
    assert.deepEqual(found.input, []);
    assert.deepEqual(found.output, [{ bucket: "docs", key: "out/", exact: false }]);
    assert.deepEqual(found.elsewhere, []);
  });

  it("reads only optimized invokeModel tasks: another service's S3 literal is elsewhere", () => {
    const found = payloads({
      QueryLanguage: "JSONata",
      StartAt: "Copy",
      States: {
        Copy: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:s3:copyObject", Arguments: { CopySource: "s3://docs/raw/x.json" }, Next: "Ask" },
        Ask: { Type: "Task", Resource: INVOKE, Arguments: { ModelId: MODEL, Input: { S3Uri: "{% 's3://docs/in/' & $states.input.key %}" } }, End: true },
      },
    });
    assert.deepEqual(found.input, [{ bucket: "docs", key: "in/", exact: false }]);
    assert.deepEqual(found.elsewhere, [{ bucket: "docs", key: "raw/x.json", exact: false }]);
  });
});
