// The HTTP front door planned as pure data: its role's documents, its API resources and routes with their mapping
// templates, and the digest that redeploys the API when any of them changes. The component registers what this says;
// the ARN of the state machine may only be known at deployment, so what depends on it is a function of it.
import { createHash } from "node:crypto";
import type { PolicyDocument, TrustPolicyDocument } from "../bedrock/grants";
import type { ApiAuth, WorkflowType } from "../core/defaults";
import { EXECUTIONS_PATH, GENERATE_PATH, GENERATE_REQUEST_SCHEMA } from "./contract";
import { BAD_REQUEST_BODY_TEMPLATE, describeRequestTemplate, integrationResponses, startRequestTemplate } from "./mapping-templates";
import { executionArnPrefix, frontDoorRolePolicy, frontDoorTrustPolicy } from "./role-policy";

/** An API resource (a path part) under the root or under another planned resource. */
export interface ApiResourcePlan {
  id: string;
  /** The planned resource it sits under; undefined for the API's root. */
  parent?: string;
  pathPart: string;
}

/** One method on a planned resource, integrated with a Step Functions action. */
export interface RoutePlan {
  id: string;
  resource: string;
  httpMethod: "GET" | "POST";
  /** The Step Functions API action the integration calls. */
  action: string;
  kind: "sync" | "start" | "describe";
  requestTemplate(stateMachineArn: string): string;
  /** The body is validated against the request model. */
  validatesBody: boolean;
  /** Path parameters the method requires. */
  pathParameters: string[];
}

export interface FrontDoorPlan {
  /** Parents before children, in the order they are registered. */
  resources: ApiResourcePlan[];
  routes: RoutePlan[];
  /** `iam`: SigV4 (execute-api:Invoke); `apiKey`: an API key, no IAM authorisation. */
  methodAuth: { authorization: "AWS_IAM" | "NONE"; apiKeyRequired: boolean };
  policy(stateMachineArn: string): { trust: TrustPolicyDocument; permissions: PolicyDocument };
  /** A digest of everything a deployment snapshots: routes, templates, the model, auth. */
  digest(stateMachineArn: string): string;
}

/**
 * EXPRESS: POST /generate waits for the run (StartSyncExecution). STANDARD: POST /generate starts it
 * (StartExecution) and GET /executions/{id} describes it (DescribeExecution).
 */
export function planFrontDoor(workflowType: WorkflowType, auth: ApiAuth): FrontDoorPlan {
  const express = workflowType === "EXPRESS";
  const generate: RoutePlan = {
    id: "generate",
    resource: "generate",
    httpMethod: "POST",
    action: express ? "StartSyncExecution" : "StartExecution",
    kind: express ? "sync" : "start",
    requestTemplate: startRequestTemplate,
    validatesBody: true,
    pathParameters: [],
  };
  const describe: RoutePlan = {
    id: "describe",
    resource: "execution",
    httpMethod: "GET",
    action: "DescribeExecution",
    kind: "describe",
    requestTemplate: (arn) => describeRequestTemplate(executionArnPrefix(arn)),
    validatesBody: false,
    pathParameters: ["id"],
  };
  const resources: ApiResourcePlan[] = [{ id: "generate", pathPart: GENERATE_PATH.slice(1) }];
  if (!express) resources.push({ id: "executions", pathPart: EXECUTIONS_PATH.slice(1) }, { id: "execution", parent: "executions", pathPart: "{id}" });
  const routes = express ? [generate] : [generate, describe];
  return {
    resources,
    routes,
    methodAuth: auth === "iam" ? { authorization: "AWS_IAM", apiKeyRequired: false } : { authorization: "NONE", apiKeyRequired: true },
    policy: (arn) => ({ trust: frontDoorTrustPolicy(), permissions: frontDoorRolePolicy(arn, workflowType) }),
    digest: (arn) =>
      createHash("sha256")
        .update(
          JSON.stringify({
            workflowType,
            auth,
            schema: GENERATE_REQUEST_SCHEMA,
            start: startRequestTemplate(arn),
            describe: express ? undefined : describe.requestTemplate(arn),
            responses: routes.map((route) => integrationResponses(route.kind)),
            badBody: BAD_REQUEST_BODY_TEMPLATE,
          }),
        )
        .digest("hex"),
  };
}

/** One JSON line per request: who, what, how it ended; never the body. */
export const ACCESS_LOG_FORMAT = {
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  caller: "$context.identity.caller",
  user: "$context.identity.user",
  apiKeyId: "$context.identity.apiKeyId",
  requestTime: "$context.requestTime",
  httpMethod: "$context.httpMethod",
  resourcePath: "$context.resourcePath",
  status: "$context.status",
  responseLength: "$context.responseLength",
  integrationStatus: "$context.integration.status",
  integrationLatency: "$context.integration.latency",
  error: "$context.error.message",
};
