// batch = job: a STANDARD workflow that hands a JSONL file to Bedrock batch inference and waits for the job.
// CreateModelInvocationJob through the AWS SDK integration, then Wait + GetModelInvocationJob until the job ends.
import { jsonataString as str } from "../bedrock/families";
import { BATCH_INPUT_PREFIX, BATCH_OUTPUT_PREFIX } from "../bedrock/batch-inference";
import { type AnyStateMachine, jsonataTemplate as expr, type Retrier, STATES } from "./asl";
import { STATE_NAMES, VALIDATION_ERROR } from "./contract";

export interface BatchJobOptions {
  /** Exactly what goes into the job's ModelId (a foundation model or a system inference profile ID). */
  modelId: string;
  payloadBucket: string;
  /** The service role Bedrock assumes to read the input and write the output. */
  serviceRoleArn: string;
  /** AWS partition of the integration ARNs. Default "aws". */
  partition?: string;
}

/**
 * Polling within AWS's limits: a job may run for TimeoutDurationInHours (24 here; CreateModelInvocationJob accepts
 * 24 to 168) after it waited its turn, so the loop polls every 5 minutes for up to 48 hours (576 polls). A poll
 * writes about 8 history events (Wait, Task, Choice), some 4,600 in all, well inside the 25,000 events a STANDARD
 * execution may write; 3 state transitions a poll.
 */
export const BATCH_JOB_POLLING = { pollSeconds: 300, maxPolls: 576, jobTimeoutHours: 24 } as const;

/** A job that ends in one of these has written its output (PartiallyCompleted: some records failed, see the manifest). */
const BATCH_JOB_DONE = ["Completed", "PartiallyCompleted"] as const;
const BATCH_JOB_FAILED = ["Failed", "Stopped", "Expired"] as const;

/** The batch workflow's states (the contract's ValidationFailed for bad input). */
export const BATCH_STATE_NAMES = {
  createJob: "CreateModelInvocationJob",
  wait: "WaitForJob",
  getJob: "GetModelInvocationJob",
  check: "CheckJobStatus",
  done: "JobDone",
  failed: "JobFailed",
  pollLimit: "PollLimitReached",
  validationFailed: STATE_NAMES.validationFailed,
} as const;

// Control-plane errors worth retrying; Step Functions names an SDK integration's errors `Bedrock.<exception>`.
const RETRY: Retrier[] = [
  {
    ErrorEquals: ["Bedrock.ThrottlingException", "Bedrock.InternalServerException", "Bedrock.ServiceUnavailableException"],
    IntervalSeconds: 5,
    BackoffRate: 2,
    MaxAttempts: 5,
    MaxDelaySeconds: 120,
    JitterStrategy: "FULL",
  },
];

const list = (items: readonly string[]) => `[${items.map(str).join(", ")}]`;

export function buildBatchJobDefinition(options: BatchJobOptions): AnyStateMachine {
  const partition = options.partition ?? "aws";
  const sdk = (action: string) => `arn:${partition}:states:::aws-sdk:bedrock:${action}`;
  const inputPrefix = `s3://${options.payloadBucket}/${BATCH_INPUT_PREFIX}`;
  const outputPrefix = `s3://${options.payloadBucket}/${BATCH_OUTPUT_PREFIX}`;
  const S = BATCH_STATE_NAMES;
  // What is wrong with the input, or nothing: the same expression raises in the Task and names the problem in the Catch.
  const problem = [
    `($uri := $states.input.inputS3Uri; $prefix := ${str(inputPrefix)};`,
    `$type($states.input) != "object" ? "the execution input must be a JSON object {\\"inputS3Uri\\": \\"${inputPrefix}...\\"}"`,
    // A missing field compares as false in JSONata: test for the good case and negate.
    `: ($type($uri) = "string" and $substring($uri, 0, $length($prefix)) = $prefix and $length($uri) > $length($prefix))`,
    `? () : "inputS3Uri must be the URI of a JSONL file or folder under " & $prefix)`,
  ].join(" ");
  // Job names: letters, digits and '-' (Execution names may also hold '_' and more).
  const jobName = `"bsfn-" & $substring($replace($states.context.Execution.Name, /[^A-Za-z0-9-]/, "-"), 0, 58)`;
  const createArguments = [
    `($problem := ${problem}; $exists($problem) ? $error($problem) : {`,
    `"JobName": ${jobName}, "ModelId": ${str(options.modelId)}, "RoleArn": ${str(options.serviceRoleArn)},`,
    `"InputDataConfig": {"S3InputDataConfig": {"S3Uri": $states.input.inputS3Uri, "S3InputFormat": "JSONL"}},`,
    `"OutputDataConfig": {"S3OutputDataConfig": {"S3Uri": ${str(outputPrefix)} & $states.context.Execution.Name & "/"}},`,
    `"TimeoutDurationInHours": ${BATCH_JOB_POLLING.jobTimeoutHours}})`,
  ].join(" ");

  return {
    Comment: `Runs a Bedrock batch inference job on ${options.modelId} over a JSONL file under ${inputPrefix}, and waits for it. Input: {"inputS3Uri": "${inputPrefix}..."}.`,
    QueryLanguage: "JSONata",
    StartAt: S.createJob,
    States: {
      [S.createJob]: {
        Type: "Task",
        Resource: sdk("createModelInvocationJob"),
        Arguments: expr(createArguments),
        Output: expr(`{"jobArn": $states.result.JobArn, "polls": 0}`),
        TimeoutSeconds: 60,
        Retry: structuredClone(RETRY),
        Catch: [
          {
            ErrorEquals: [STATES.QueryEvaluationError],
            Next: S.validationFailed,
            Output: expr(`($problem := ${problem}; $exists($problem) ? {"Error": ${str(VALIDATION_ERROR)}, "Cause": $problem} : $states.errorOutput)`),
          },
        ],
        Next: S.wait,
      },
      [S.wait]: { Type: "Wait", Seconds: BATCH_JOB_POLLING.pollSeconds, Next: S.getJob },
      [S.getJob]: {
        Type: "Task",
        Resource: sdk("getModelInvocationJob"),
        Arguments: { JobIdentifier: expr("$states.input.jobArn") },
        Output: expr(
          `{"jobArn": $states.input.jobArn, "polls": $states.input.polls + 1, "status": $states.result.Status, "message": $states.result.Message, "outputS3Uri": $states.result.OutputDataConfig.S3OutputDataConfig.S3Uri}`,
        ),
        TimeoutSeconds: 60,
        Retry: structuredClone(RETRY),
        Next: S.check,
      },
      [S.check]: {
        Type: "Choice",
        Choices: [
          { Condition: expr(`$states.input.status in ${list(BATCH_JOB_DONE)}`), Next: S.done },
          { Condition: expr(`$states.input.status in ${list(BATCH_JOB_FAILED)}`), Next: S.failed },
          { Condition: expr(`$states.input.polls >= ${BATCH_JOB_POLLING.maxPolls}`), Next: S.pollLimit },
        ],
        Default: S.wait,
      },
      [S.done]: {
        Type: "Succeed",
        Output: expr(`{"jobArn": $states.input.jobArn, "status": $states.input.status, "outputS3Uri": $states.input.outputS3Uri, "model": ${str(options.modelId)}}`),
      },
      [S.failed]: {
        Type: "Fail",
        Error: expr(`"BatchJob" & $states.input.status`),
        Cause: expr(`$states.input.jobArn & ": " & ($type($states.input.message) = "string" ? $states.input.message : "no message")`),
      },
      [S.pollLimit]: {
        Type: "Fail",
        Error: "BatchJobPollLimit",
        Cause: expr(
          `$states.input.jobArn & " still " & $states.input.status & " after ${BATCH_JOB_POLLING.maxPolls} polls ${BATCH_JOB_POLLING.pollSeconds} s apart; the job goes on: check it with GetModelInvocationJob"`,
        ),
      },
      [S.validationFailed]: {
        Type: "Fail",
        Error: expr(`$type($states.input.Error) = "string" ? $states.input.Error : "States.TaskFailed"`),
        Cause: expr(`$type($states.input.Cause) = "string" ? $states.input.Cause : ""`),
      },
    },
  };
}
