// Bedrock batch inference (batch = job): which models AWS runs batch jobs for, from where, and the documents of the
// two roles: the workflow's (create and track jobs, pass the service role) and Bedrock's service role (read the
// input, write the output, in the payload bucket's batch prefixes only). Pure data in, data out.
import { BedrockSfnError } from "../core/errors";
import SUPPORT from "./batch-inference-models.json";
import { foundationModelArn } from "./arn";
import { type PolicyDocument, type PolicyStatement, requiredBedrockStatements, serviceTrustPolicy, type TrustPolicyDocument } from "./grants";
import type { ResolvedModel } from "./resolve";

class BatchInferenceError extends BedrockSfnError {
  constructor(message: string) {
    super("argument", message, "batch");
  }
}

/** Key prefixes in the payload bucket: job inputs (JSONL) and job outputs. */
export const BATCH_INPUT_PREFIX = "batch-input/";
export const BATCH_OUTPUT_PREFIX = "batch-output/";

interface Support {
  foundationModelRegions: string[];
  profileSourceRegions: string[];
}

/**
 * Throws unless AWS's batch-inference table lists the model for this kind of identifier from this source Region.
 * Provisioned models are never supported ("Batch inference isn't supported for provisioned models",
 * https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference.html, read 2026-12-05).
 */
export function assertBatchInferenceSupported(model: ResolvedModel): void {
  const where = `${model.modelId} from ${model.sourceRegion}`;
  const page = `${SUPPORT.source}, read ${SUPPORT.read}`;
  const fm = model.foundationModelId;
  const support: Support | undefined = fm && Object.hasOwn(SUPPORT.models, fm) ? (SUPPORT.models as Record<string, Support>)[fm] : undefined;
  const supported = Object.keys(SUPPORT.models).join(", ");
  if (!fm || !support) {
    throw new BatchInferenceError(`batch = job: ${where}: the model is not in the bundled list of batch-inference models (${supported}; ${page})`);
  }
  const kind = model.ref.kind;
  if (kind === "foundation-model" && !support.foundationModelRegions.includes(model.sourceRegion)) {
    throw new BatchInferenceError(`batch = job: ${where}: AWS runs batch jobs for ${fm} in ${support.foundationModelRegions.join(", ") || "no Region"} (${page})`);
  }
  if (kind === "system-profile" && (model.routing.kind === "global" || !support.profileSourceRegions.includes(model.sourceRegion))) {
    throw new BatchInferenceError(
      `batch = job: ${where}: AWS runs batch jobs through a ${fm} geographic profile from ${support.profileSourceRegions.join(", ")} only, and lists no global profile (${page})`,
    );
  }
  if (kind !== "foundation-model" && kind !== "system-profile") {
    throw new BatchInferenceError(`batch = job: ${where}: only a foundation model or a system inference profile is supported for batch jobs here (${page})`);
  }
}

export interface BatchRolesInput {
  model: ResolvedModel;
  payloadBucketArn: string;
  /** The service role Bedrock assumes for the job (passed by the workflow's role). */
  serviceRoleArn: string;
}

/** `arn:<p>:bedrock:<region>:<account>:model-invocation-job/*`: the jobs of this account in the source Region. */
function modelInvocationJobArns(model: Pick<ResolvedModel, "account" | "partition" | "sourceRegion">): string {
  return `arn:${model.partition}:bedrock:${model.sourceRegion}:${model.account}:model-invocation-job/*`;
}

/**
 * The workflow's statements: create a job for the model (the foundation model in every Region it routes to) and this account's jobs in the source Region; read the job's state; pass only the service role, only
 * to Bedrock. Jobs are named per execution (`model-invocation-job/*`: the job ID is only known once it exists).
 */
export function batchJobStatements(input: BatchRolesInput): PolicyStatement[] {
  const { model } = input;
  const jobs = modelInvocationJobArns(model);
  const routed = model.routing.kind === "regions" ? model.routing.regions : [model.sourceRegion];
  const models = model.foundationModelId ? routed.map((r) => foundationModelArn(model.partition, r, model.foundationModelId!)) : [];
  return [
    // The Service Authorization Reference lists foundation-model, custom-model and model-invocation-job as this action's
    // resources (no inference-profile): the foundation model in every Region the profile routes to, and the jobs.
    { Sid: "CreateModelInvocationJob", Effect: "Allow", Action: ["bedrock:CreateModelInvocationJob"], Resource: [...models, jobs] },
    { Sid: "TrackModelInvocationJob", Effect: "Allow", Action: ["bedrock:GetModelInvocationJob", "bedrock:StopModelInvocationJob"], Resource: [jobs] },
    {
      Sid: "PassBatchServiceRole",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: [input.serviceRoleArn],
      Condition: { StringEquals: { "iam:PassedToService": "bedrock.amazonaws.com" } },
    },
  ];
}

/** Bedrock may assume the service role only for this account's batch jobs in the source Region (confused-deputy protection). */
export function batchServiceTrustPolicy(model: Pick<ResolvedModel, "account" | "partition" | "sourceRegion">): TrustPolicyDocument {
  return serviceTrustPolicy("bedrock.amazonaws.com", model.account, modelInvocationJobArns(model));
}

/**
 * The service role's permissions: list and read the job inputs under batch-input/, write under batch-output/, and
 * for an inference profile the same routed InvokeModel grants as a single call (the job invokes through the profile).
 */
export function batchServiceRolePolicy(input: Omit<BatchRolesInput, "serviceRoleArn">): PolicyDocument {
  const { model, payloadBucketArn } = input;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ListBatchInputs",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [payloadBucketArn],
        Condition: { StringLike: { "s3:prefix": [`${BATCH_INPUT_PREFIX}*`] } },
      },
      { Sid: "ReadBatchInputs", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${payloadBucketArn}/${BATCH_INPUT_PREFIX}*`] },
      { Sid: "WriteBatchOutputs", Effect: "Allow", Action: ["s3:PutObject"], Resource: [`${payloadBucketArn}/${BATCH_OUTPUT_PREFIX}*`] },
      ...(model.routing.kind === "regions" ? requiredBedrockStatements(model) : []),
    ],
  };
}
