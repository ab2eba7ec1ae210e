import { strict as assert } from "node:assert";
import { assertBatchInferenceSupported, batchJobStatements, batchServiceRolePolicy, batchServiceTrustPolicy } from "../../../src/bedrock/batch-inference";
import type { PolicyDocument } from "../../../src/bedrock/grants";
import { resolveModel } from "../../../src/bedrock/resolve";
import { BATCH_JOB_POLLING, BATCH_STATE_NAMES as S, buildBatchJobDefinition } from "../../../src/workflow/batch-job-definition";
import type { StateMachineDefinition } from "../../../src/workflow";
import { validateDefinition } from "../../../tools/shared/asl-validation";
import { simulate } from "../../support/simulate";
import { BUCKET } from "./helpers/fixtures";
import { runJsonataDefinition } from "./helpers/jsonata-states";

const ACCOUNT = "123456789012";
const MODEL = "us.amazon.nova-lite-v1:0";
const SERVICE_ROLE = `arn:aws:iam::${ACCOUNT}:role/bedrock-sfn-batch`;
const JOB_ARN = `arn:aws:bedrock:us-east-1:${ACCOUNT}:model-invocation-job/abc123`;
const definition = () => buildBatchJobDefinition({ modelId: MODEL, payloadBucket: BUCKET, serviceRoleArn: SERVICE_ROLE }) as unknown as StateMachineDefinition;

/** CreateModelInvocationJob answers a job ARN; GetModelInvocationJob walks through the given statuses, then stays on the last. */
function bedrockControl(statuses: string[]) {
  const calls: Array<{ state: string; args: Record<string, any> }> = [];
  let polls = 0;
  const handler = (state: string, args: unknown) => {
    calls.push({ state, args: args as Record<string, any> });
    if (state === S.createJob) return { JobArn: JOB_ARN };
    const status = statuses[Math.min(polls++, statuses.length - 1)];
    return {
      Status: status,
      JobArn: JOB_ARN,
      OutputDataConfig: { S3OutputDataConfig: { S3Uri: `s3://${BUCKET}/batch-output/x/` } },
      ...(status === "Failed" ? { Message: "input file malformed" } : {}),
    };
  };
  return { calls, handler };
}

describe("batch = job: Bedrock batch inference workflow", () => {
  it("is valid ASL (the repo's asl-validator check)", () => {
    validateDefinition(buildBatchJobDefinition({ modelId: MODEL, payloadBucket: BUCKET, serviceRoleArn: SERVICE_ROLE }));
  });

  it("creates the job on the JSONL under batch-input/, polls until Completed, and returns where the output is", async () => {
    const control = bedrockControl(["Submitted", "InProgress", "Completed"]);
    const result = await runJsonataDefinition(definition(), { inputS3Uri: `s3://${BUCKET}/batch-input/tickets.jsonl` }, control.handler, "nightly_run");
    assert.equal(result.status, "SUCCEEDED", JSON.stringify(result));
    assert.deepEqual((result as { output: unknown }).output, { jobArn: JOB_ARN, status: "Completed", outputS3Uri: `s3://${BUCKET}/batch-output/x/`, model: MODEL });
    const create = control.calls[0].args;
    assert.deepEqual(create, {
      JobName: "bsfn-nightly-run",
      ModelId: MODEL,
      RoleArn: SERVICE_ROLE,
      InputDataConfig: { S3InputDataConfig: { S3Uri: `s3://${BUCKET}/batch-input/tickets.jsonl`, S3InputFormat: "JSONL" } },
      OutputDataConfig: { S3OutputDataConfig: { S3Uri: `s3://${BUCKET}/batch-output/nightly_run/` } },
      TimeoutDurationInHours: 24,
    });
    assert.deepEqual(
      control.calls.slice(1).map((c) => c.args),
      [1, 2, 3].map(() => ({ JobIdentifier: JOB_ARN })),
    );
    assert.deepEqual(result.path.slice(0, 5), [S.createJob, S.wait, S.getJob, S.check, S.wait]);
    assert.equal(result.path.at(-1), S.done);
  });

  it("PartiallyCompleted also succeeds; Failed, Stopped and Expired fail with the job's message", async () => {
    const partial = await runJsonataDefinition(definition(), { inputS3Uri: `s3://${BUCKET}/batch-input/a/` }, bedrockControl(["PartiallyCompleted"]).handler);
    assert.equal(partial.status, "SUCCEEDED");
    for (const status of ["Failed", "Stopped", "Expired"]) {
      const result = await runJsonataDefinition(definition(), { inputS3Uri: `s3://${BUCKET}/batch-input/a.jsonl` }, bedrockControl([status]).handler);
      assert.equal((result as { error: string }).error, `BatchJob${status}`);
      assert.match((result as { cause: string }).cause, status === "Failed" ? /abc123: input file malformed/ : /abc123: no message/);
    }
  });

  it(`stops polling after ${BATCH_JOB_POLLING.maxPolls} polls (the job goes on), with a cause that says so`, async () => {
    const control = bedrockControl(["InProgress"]);
    const result = await runJsonataDefinition(definition(), { inputS3Uri: `s3://${BUCKET}/batch-input/a.jsonl` }, control.handler);
    assert.equal((result as { error: string }).error, "BatchJobPollLimit");
    assert.equal(control.calls.length, 1 + BATCH_JOB_POLLING.maxPolls);
    // Within AWS's limits: the job may run its TimeoutDurationInHours after waiting its turn.
    assert.ok(BATCH_JOB_POLLING.maxPolls * BATCH_JOB_POLLING.pollSeconds >= BATCH_JOB_POLLING.jobTimeoutHours * 3600);
  });

  it("refuses an input outside batch-input/ with ValidationError before creating any job", async () => {
    for (const input of [{ inputS3Uri: `s3://${BUCKET}/input/a.jsonl` }, { inputS3Uri: "s3://other/batch-input/a.jsonl" }, {}, "text"]) {
      const control = bedrockControl(["Completed"]);
      const result = await runJsonataDefinition(definition(), input, control.handler);
      assert.equal((result as { error: string }).error, "ValidationError", JSON.stringify(input));
      assert.match((result as { cause: string }).cause, /inputS3Uri must be|must be a JSON object/);
      assert.equal(control.calls.length, 0);
    }
  });

  describe("models", () => {
    const resolve = (modelId: string, sourceRegion = "us-east-1") => resolveModel({ modelId, sourceRegion, account: ACCOUNT });
    it("accepts the Nova models AWS lists, as a foundation model or a geographic profile from a listed Region", () => {
      assert.doesNotThrow(() => assertBatchInferenceSupported(resolve("amazon.nova-lite-v1:0")));
      assert.doesNotThrow(() => assertBatchInferenceSupported(resolve(MODEL)));
      assert.doesNotThrow(() => assertBatchInferenceSupported(resolve("apac.amazon.nova-pro-v1:0", "ap-northeast-1")));
    });
    it("refuses the rest clearly, naming the model, the Region and the page", () => {
      assert.throws(
        () => assertBatchInferenceSupported(resolve("anthropic.claude-3-haiku-20240307-v1:0")),
        /batch = job: anthropic\.claude-3-haiku.* not in the bundled list .*batch-inference-supported\.html/,
      );
      assert.throws(
        () => assertBatchInferenceSupported(resolve("amazon.nova-lite-v1:0", "us-west-2")),
        /AWS runs batch jobs for amazon\.nova-lite-v1:0 in us-east-1, us-gov-west-1/,
      );
      assert.throws(() => assertBatchInferenceSupported(resolve(`arn:aws:bedrock:us-east-1:${ACCOUNT}:provisioned-model/abc`)), /batch = job/);
    });
  });

  describe("roles, checked with iam-simulate", () => {
    const model = resolveModel({ modelId: MODEL, sourceRegion: "us-east-1", account: ACCOUNT });
    const workflow: PolicyDocument = {
      Version: "2012-10-17",
      Statement: batchJobStatements({ model, payloadBucketArn: `arn:aws:s3:::${BUCKET}`, serviceRoleArn: SERVICE_ROLE }),
    };
    const decide = (action: string, resource: string, context: Record<string, string> = {}) => simulate([workflow], { action, resource, context } as never);

    it("the workflow may create jobs for its model and its jobs, read them, and pass only the service role, only to Bedrock", async () => {
      // Not the profile ARN itself: the Service Authorization Reference gives this action no inference-profile resource.
      assert.ok(!JSON.stringify(workflow).includes(model.invokedArn));
      assert.equal(await decide("bedrock:CreateModelInvocationJob", "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"), "Allowed");
      assert.equal(await decide("bedrock:CreateModelInvocationJob", "arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-lite-v1:0"), "Allowed");
      assert.equal(await decide("bedrock:CreateModelInvocationJob", JOB_ARN), "Allowed");
      assert.equal(await decide("bedrock:GetModelInvocationJob", JOB_ARN), "Allowed");
      assert.equal(await decide("iam:PassRole", SERVICE_ROLE, { "iam:PassedToService": "bedrock.amazonaws.com" }), "Allowed");
      assert.notEqual(await decide("iam:PassRole", SERVICE_ROLE, { "iam:PassedToService": "lambda.amazonaws.com" }), "Allowed");
      assert.notEqual(await decide("iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/admin`, { "iam:PassedToService": "bedrock.amazonaws.com" }), "Allowed");
      assert.notEqual(await decide("bedrock:CreateModelInvocationJob", "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"), "Allowed");
      assert.notEqual(await decide("bedrock:GetModelInvocationJob", `arn:aws:bedrock:eu-west-1:${ACCOUNT}:model-invocation-job/abc123`), "Allowed");
    });

    it("the service role reads batch-input/, writes batch-output/, nothing else in the bucket; its trust is tied to this account's jobs", async () => {
      const service = batchServiceRolePolicy({ model, payloadBucketArn: `arn:aws:s3:::${BUCKET}` });
      const s3 = (action: string, key: string) => simulate([service], { action, resource: `arn:aws:s3:::${BUCKET}/${key}`, context: {} } as never);
      assert.equal(await s3("s3:GetObject", "batch-input/a.jsonl"), "Allowed");
      assert.equal(await s3("s3:PutObject", "batch-output/run/a.jsonl.out"), "Allowed");
      assert.notEqual(await s3("s3:GetObject", "output/secret.json"), "Allowed");
      assert.notEqual(await s3("s3:PutObject", "batch-input/a.jsonl"), "Allowed");
      const trust = batchServiceTrustPolicy(model).Statement[0];
      assert.deepEqual(trust.Principal, { Service: "bedrock.amazonaws.com" });
      assert.deepEqual(trust.Condition, {
        StringEquals: { "aws:SourceAccount": ACCOUNT },
        ArnLike: { "aws:SourceArn": `arn:aws:bedrock:us-east-1:${ACCOUNT}:model-invocation-job/*` },
      });
    });
  });
});
