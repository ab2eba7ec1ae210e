// Both stand-ins together, as one local "cloud" for runs of the workflow: started, used, closed.

import type { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import type { S3Client } from "@aws-sdk/client-s3";
import { startBedrockStandIn, type BedrockStandIn, type BedrockStandInOptions } from "../stand-ins/bedrock-stand-in";
import { runWorkflow, type RunWorkflowOptions, type WorkflowRun } from "../runners/run-workflow";
import { startS3StandIn, type S3StandIn } from "../stand-ins/s3-stand-in";

export interface LocalEnvironmentOptions extends BedrockStandInOptions {
  /** Created empty at start, as the stack's payload bucket. */
  payloadBucket: string;
}

export interface LocalEnvironment {
  payloadBucket: string;
  bedrock: BedrockStandIn;
  s3: S3StandIn;
  bedrockClient: BedrockRuntimeClient;
  s3Client: S3Client;
  /** Runs one execution against these stand-ins. */
  run(options: Omit<RunWorkflowOptions, "bedrock" | "s3">): Promise<WorkflowRun>;
  /** Stops both servers and removes the S3 data. */
  close(): Promise<void>;
}

export async function startLocalEnvironment(options: LocalEnvironmentOptions): Promise<LocalEnvironment> {
  const s3 = await startS3StandIn({ buckets: [options.payloadBucket], region: options.region });
  let bedrock: BedrockStandIn;
  try {
    bedrock = await startBedrockStandIn(options);
  } catch (error) {
    await s3.close();
    throw error;
  }
  const bedrockClient = bedrock.createClient();
  const s3Client = s3.createClient();
  return {
    payloadBucket: options.payloadBucket,
    bedrock,
    s3,
    bedrockClient,
    s3Client,
    run: (runOptions) => runWorkflow({ ...runOptions, bedrock: bedrockClient, s3: s3Client }),
    async close() {
      bedrockClient.destroy();
      s3Client.destroy();
      await Promise.allSettled([bedrock.close(), s3.close()]);
    },
  };
}
