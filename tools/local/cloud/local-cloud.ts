// The local cloud: Bedrock and S3 stand-ins on 127.0.0.1 that act as AWS does for the stack's execution role.
// Every InvokeModel is routed (seeded, or pinned to one Region) and authorised with the checks AWS makes for the
// kind of model ID; the workflow's S3 calls are authorised against the same role. Users' own S3 calls (uploads by
// `invoke`, reads of outputs) go through unrestricted, as they would with the user's credentials.

import type { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import type { S3Client } from "@aws-sdk/client-s3";
import { startBedrockStandIn, type BedrockStandIn, type FaultPlan } from "../stand-ins/bedrock-stand-in";
import type { LocalEnvironment } from "../clients/environment";
import { configuredFamilies } from "../clients/local-stack";
import { runWorkflow, type RunWorkflowOptions, type WorkflowRun } from "../runners/run-workflow";
import { startS3StandIn, type S3StandIn } from "../stand-ins/s3-stand-in";
import { createBedrockGate } from "./bedrock-gate";
import { createBedrockRouter, type BedrockRouter } from "./bedrock-routing";
import type { CloudStack } from "./cloud-stack";
import { executionRole, type ExecutionRole, type RolePolicySource } from "./execution-role";
import { startS3FrontDoor, type S3FrontDoor } from "./s3-front-door";

export interface LocalCloudOptions {
  stack: CloudStack;
  /** Act as a role holding these policies instead of the stack's own (`--role-policy-file`). */
  rolePolicies?: RolePolicySource[];
  /** Fixes the routing of calls (default 1). */
  seed?: number;
  /** Lands every call in this Region (it must be one the model routes to). */
  route?: string;
  /** false: route and count, but refuse nothing (the bench's baseline). Default true. */
  authorise?: boolean;
  faults?: FaultPlan;
  /** Fixed ports on 127.0.0.1 (0 or absent: any free port). */
  ports?: { bedrock?: number; s3?: number };
  /** false: the Bedrock stand-in keeps no record of calls (a large Distributed Map). Default true. */
  recordCalls?: boolean;
}

export interface LocalCloud extends LocalEnvironment {
  stack: CloudStack;
  role: ExecutionRole;
  router: BedrockRouter;
  s3FrontDoor: S3FrontDoor;
  /** S3 as the execution role: every call authorised by the S3 front door. */
  roleS3Client: S3Client;
  /** What callers point their SDKs at. */
  endpoints: { bedrock: string; s3: string };
}

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const { stack } = options;
  // Bad policies and bad routes are the user's input: fail before any server starts.
  const role = executionRole(stack.roleArn, options.rolePolicies ?? stack.rolePolicies);
  const router = createBedrockRouter({ model: stack.model, seed: options.seed, pin: options.route });
  const authorise = options.authorise ?? true;

  const started: { close(): Promise<void> }[] = [];
  const closeAll = async () => void (await Promise.allSettled(started.reverse().map((server) => server.close())));
  try {
    const s3: S3StandIn = await startS3StandIn({ buckets: [stack.payloadBucket], region: stack.region });
    started.push(s3);
    const s3FrontDoor = await startS3FrontDoor({
      upstream: s3.endpoint,
      role,
      partition: stack.model.partition,
      region: stack.region,
      authorise,
      port: options.ports?.s3,
    });
    started.push(s3FrontDoor);
    const bedrock: BedrockStandIn = await startBedrockStandIn({
      family: stack.family,
      familyByModel: configuredFamilies(stack),
      faults: options.faults,
      region: stack.region,
      port: options.ports?.bedrock,
      recordCalls: options.recordCalls,
      gate: createBedrockGate({ router, role, authorise }),
    });
    started.push(bedrock);

    const bedrockClient: BedrockRuntimeClient = bedrock.createClient();
    const roleS3Client: S3Client = s3FrontDoor.createRoleClient();
    const userS3Client: S3Client = s3.createClient();
    return {
      stack,
      role,
      router,
      payloadBucket: stack.payloadBucket,
      bedrock,
      s3,
      s3FrontDoor,
      bedrockClient,
      s3Client: userS3Client,
      roleS3Client,
      endpoints: { bedrock: bedrock.endpoint, s3: s3FrontDoor.endpoint },
      run: (runOptions: Omit<RunWorkflowOptions, "bedrock" | "s3">): Promise<WorkflowRun> =>
        runWorkflow({ stateMachineArn: stack.stateMachineArn, workflowType: stack.workflowType, ...runOptions, bedrock: bedrockClient, s3: roleS3Client }),
      async close() {
        bedrockClient.destroy();
        roleS3Client.destroy();
        userS3Client.destroy();
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
