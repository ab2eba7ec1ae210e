// The batch workflow (batch = map): its shape, that its child is exactly the built-in single call, and its role,
// judged by the independent evaluator iam-simulate (the map's own statements, the child's Bedrock grants, nothing more).
import * as assert from "node:assert/strict";
import aslValidator = require("asl-validator");
import type { AuthorizationRequest } from "../../../src/bedrock/grants";
import { routedRequests } from "../../../src/bedrock/grants";
import { resolveModel } from "../../../src/bedrock/resolve";
import { rolePolicyDocument } from "../../../src/bedrock/role-policy";
import { buildDefinition, DEFAULT_RESULTS_PREFIX } from "../../../src/workflow";
import { analyzeDefinition } from "../../../src/workflow/analysis";
import { BATCH_MAP_STATE, batchItemsKeyProblem, buildBatchMapDefinition } from "../../../src/workflow/batch-map-definition";
import { DefinitionOptionsError, type DefinitionOptions } from "../../../src/workflow/options";
import { simulate } from "../../support/simulate";

const account = "123456789012";
const region = "eu-west-1";
const bucket = "bedrock-sfn-batch-payloads";
const modelId = "eu.anthropic.claude-3-7-sonnet-20250219-v1:0";
const options = (queryLanguage: "JSONata" | "JSONPath"): DefinitionOptions => ({
  modelId,
  family: "anthropic",
  queryLanguage,
  workflowType: "STANDARD",
  payloadBucket: bucket,
  maxTokens: 512,
  temperature: 0.2,
});
const batch = { maxConcurrency: 25, toleratedFailurePercentage: 5 };

describe("batch workflow (Distributed Map)", () => {
  for (const language of ["JSONata", "JSONPath"] as const) {
    describe(language, () => {
      const definition = buildBatchMapDefinition(options(language), batch);
      const map = definition.States[BATCH_MAP_STATE];

      it("is a valid ASL definition with one Distributed Map state", () => {
        const { isValid, errorsText } = aslValidator(structuredClone(definition) as never);
        assert.ok(isValid, errorsText?.("\n"));
        assert.deepEqual(Object.keys(definition.States), [BATCH_MAP_STATE]);
        assert.equal(definition.QueryLanguage, language);
        assert.equal(map.Type, "Map");
        assert.equal(map.End, true);
      });

      it("reads JSONL from the payload bucket and writes results under the results prefix", () => {
        assert.equal(map.ItemReader.Resource, "arn:aws:states:::s3:getObject");
        assert.deepEqual(map.ItemReader.ReaderConfig, { InputType: "JSONL" });
        const reader = map.ItemReader.Arguments ?? map.ItemReader.Parameters;
        assert.equal(reader?.Bucket, bucket);
        assert.equal(language === "JSONata" ? reader?.Key : reader?.["Key.$"], language === "JSONata" ? "{% $states.input.itemsKey %}" : "$.itemsKey");
        assert.equal(map.ResultWriter.Resource, "arn:aws:states:::s3:putObject");
        assert.deepEqual(map.ResultWriter.Arguments ?? map.ResultWriter.Parameters, { Bucket: bucket, Prefix: DEFAULT_RESULTS_PREFIX.replace(/\/$/, "") });
        assert.equal(map.MaxConcurrency, 25);
        assert.equal(map.ToleratedFailurePercentage, 5);
      });

      it("runs the built-in single call, as EXPRESS children", () => {
        assert.deepEqual(map.ItemProcessor.ProcessorConfig, { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" });
        const single = buildDefinition({ ...options(language), workflowType: "EXPRESS" });
        assert.equal(map.ItemProcessor.StartAt, single.StartAt);
        assert.deepEqual(map.ItemProcessor.States, single.States);
      });

      it("the analysis finds the child's Bedrock task inside the ItemProcessor", () => {
        const analysis = analyzeDefinition(definition, { region, account, payloadBucket: bucket });
        // As many Bedrock tasks as the single call has (JSONPath has one per request shape), all inside the map.
        const single = analyzeDefinition(buildDefinition({ ...options(language), workflowType: "EXPRESS" }), { region, account, payloadBucket: bucket });
        assert.equal(analysis.tasks.length, single.tasks.length);
        for (const task of analysis.tasks) {
          assert.ok(task.state.startsWith(`${BATCH_MAP_STATE}/`), task.state);
          assert.deepEqual(task.modelIds, [modelId]);
        }
        assert.deepEqual(analysis.statements, single.statements);
        assert.deepEqual(analysis.problems, []);
      });
    });
  }

  it("refuses a concurrency above Step Functions' 10,000 and a percentage above 100, naming the argument", () => {
    assert.throws(
      () => buildBatchMapDefinition(options("JSONata"), { ...batch, maxConcurrency: 10_001 }),
      (e: DefinitionOptionsError) => e.argument === "batchMaxConcurrency",
    );
    assert.throws(() => buildBatchMapDefinition(options("JSONata"), { ...batch, maxConcurrency: 0 }), /batchMaxConcurrency 0/);
    assert.throws(
      () => buildBatchMapDefinition(options("JSONata"), { ...batch, toleratedFailurePercentage: 101 }),
      (e: DefinitionOptionsError) => e.argument === "batchToleratedFailurePercentage",
    );
  });

  it("an items key must sit under the input prefix", () => {
    assert.equal(batchItemsKeyProblem("input/batch/prompts.jsonl"), undefined);
    assert.match(batchItemsKeyProblem("results/x.jsonl") ?? "", /must start with 'input\/'/);
    assert.match(batchItemsKeyProblem(undefined) ?? "", /itemsKey must be the S3 key/);
  });
});

describe("batch role, judged by iam-simulate", function () {
  this.timeout(120_000);
  const model = resolveModel({ modelId, sourceRegion: region, account });
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const stateMachineArn = `arn:aws:states:${region}:${account}:stateMachine:bedrock-sfn-batch-dev`;
  const doc = rolePolicyDocument({
    model,
    payloadBucketArn: bucketArn,
    inputPrefix: "input/",
    outputPrefix: "output/",
    logGroupArn: `arn:aws:logs:${region}:${account}:log-group:/aws/vendedlogs/states/x`,
    tracing: false,
    batchMap: { stateMachineArn, resultsPrefix: DEFAULT_RESULTS_PREFIX },
  });
  const request = (action: string, resource: string, context: Record<string, string> = {}): AuthorizationRequest => ({ action, resource, context, region, why: "test" });

  it("allows every routed Bedrock call of a child (as for a single call)", async () => {
    for (const r of routedRequests(model)) assert.equal(await simulate([doc], r), "Allowed", r.resource);
  });

  it("allows the Distributed Map's own calls: its child executions, the items, the results", async () => {
    const execution = `arn:aws:states:${region}:${account}:execution:bedrock-sfn-batch-dev:run-1`;
    for (const r of [
      request("states:StartExecution", stateMachineArn),
      request("states:DescribeExecution", execution),
      request("states:StopExecution", execution),
      request("s3:GetObject", `${bucketArn}/input/batch/prompts.jsonl`),
      request("s3:PutObject", `${bucketArn}/results/3f2a/manifest.json`),
      request("s3:GetObject", `${bucketArn}/results/3f2a/SUCCEEDED_0.json`),
      request("s3:ListMultipartUploadParts", `${bucketArn}/results/3f2a/SUCCEEDED_0.json`),
      request("s3:AbortMultipartUpload", `${bucketArn}/results/3f2a/SUCCEEDED_0.json`),
    ]) {
      assert.equal(await simulate([doc], r), "Allowed", `${r.action} on ${r.resource}`);
    }
  });

  it("allows nothing broader: other state machines, other prefixes and buckets, other actions", async () => {
    const other = `arn:aws:states:${region}:${account}:stateMachine:someone-else`;
    for (const r of [
      request("states:StartExecution", other),
      request("states:StopExecution", `arn:aws:states:${region}:${account}:execution:someone-else:run-1`),
      request("states:DeleteStateMachine", stateMachineArn),
      request("states:StartSyncExecution", stateMachineArn),
      request("s3:PutObject", `${bucketArn}/input/batch/prompts.jsonl`),
      request("s3:GetObject", `arn:aws:s3:::another-bucket/results/x/manifest.json`),
      request("s3:DeleteObject", `${bucketArn}/results/3f2a/manifest.json`),
      request("s3:ListBucket", bucketArn),
      request("bedrock:InvokeModel", `arn:aws:bedrock:${region}::foundation-model/amazon.nova-pro-v1:0`, { "aws:RequestedRegion": region }),
    ]) {
      assert.notEqual(await simulate([doc], r), "Allowed", `${r.action} on ${r.resource}`);
    }
    // No statement has Resource "*" beyond the log-delivery one AWS requires.
    const starred = doc.Statement.filter((s) => ([] as string[]).concat(s.Resource).includes("*")).map((s) => s.Sid);
    assert.deepEqual(starred, ["DeliverExecutionLogs"]);
  });
});
