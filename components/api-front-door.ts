import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EXECUTIONS_PATH, GENERATE_PATH, GENERATE_REQUEST_SCHEMA, STAGE_NAME } from "../src/api/contract";
import {
  BAD_REQUEST_BODY_TEMPLATE,
  JSON_CONTENT_TYPE,
  METHOD_STATUS_CODES,
  REQUEST_CONTENT_TYPES,
  describeRequestTemplate,
  integrationResponses,
  startRequestTemplate,
} from "../src/api/mapping-templates";
import { executionArnPrefix, frontDoorRolePolicy, frontDoorTrustPolicy } from "../src/api/role-policy";
import { partitionOf } from "../src/bedrock/arn";
import { type ApiAuth, WORKFLOW_TYPES, type WorkflowType } from "../src/core/defaults";
import { API_ARGUMENTS, API_DEFAULTS, argumentChecks } from "./arguments";
import { leanRegistration } from "./registration-stacks";

export interface ApiFrontDoorArgs {
  /** The state machine the API starts; the API's role may call it (and read its executions) and nothing else. */
  stateMachineArn: pulumi.Input<string>;
  /** EXPRESS: POST /generate answers when the run ends (StartSyncExecution). STANDARD: 202 + GET /executions/{id}. */
  workflowType: WorkflowType;
  /**
   * `iam`: callers sign with SigV4 and need execute-api:Invoke. `apiKey`: an API key and a usage plan.
   * @default "iam"
   */
  auth?: ApiAuth;
  /**
   * Steady-state requests per second for the whole stage (and the usage plan), 1 to 10000.
   * @default 10
   */
  rateLimit?: number;
  /**
   * Burst of requests above the rate, 1 to 5000.
   * @default 20
   */
  burstLimit?: number;
  /**
   * Access-log retention, in days (one of the values CloudWatch accepts).
   * @default 30
   */
  logRetentionDays?: pulumi.Input<number>;
  /**
   * The Region of the API, its stage and access logs (the `region` input of @pulumi/aws 7).
   * @default the provider's Region
   */
  region?: string;
  /**
   * Tags on the role, API, stage, log group and (with `apiKey`) the usage plan and key.
   * @default {}
   */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * An API Gateway REST API in front of a Bedrock workflow, integrated directly with Step Functions (an AWS service
 * integration: no Lambda). Requests are validated against a model, turned into an execution by a mapping template,
 * and the execution's outcome into `{generated_text, stop_reason, usage, model}` or a JSON error.
 */
export class ApiFrontDoor extends pulumi.ComponentResource {
  /** `https://<api>.execute-api.<region>.amazonaws.com/v1` */
  readonly url: pulumi.Output<string>;
  readonly restApiId: pulumi.Output<string>;
  readonly stageName: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  /** The API key's ID with `apiKey` auth (read its value with `aws apigateway get-api-key --include-value`). */
  readonly apiKeyId: pulumi.Output<string | undefined>;

  /** The API's execution role (starts the workflow only). */
  readonly role: aws.iam.Role;
  /** The REST API. */
  readonly restApi: aws.apigateway.RestApi;
  /** The stage (`v1`), with access logs and throttling. */
  readonly stage: aws.apigateway.Stage;
  /** The access-log group (`/aws/apigateway/<project>-<name>-<stack>/access`). */
  readonly accessLogGroup: aws.cloudwatch.LogGroup;

  /** @throws BedrockSfnError (before anything is registered) for an argument that cannot work; `argument` names it */
  constructor(name: string, args: ApiFrontDoorArgs, opts?: pulumi.ComponentResourceOptions) {
    const check = argumentChecks("ApiFrontDoor", name);
    if (!args?.stateMachineArn) check.fail("stateMachineArn", args?.stateMachineArn, "is required (the ARN of the state machine the API starts)");
    if (args.workflowType === undefined) check.fail("workflowType", undefined, `is required: ${WORKFLOW_TYPES.join(" or ")}`);
    check.oneOf("workflowType", args.workflowType, WORKFLOW_TYPES);
    check.schema(API_ARGUMENTS, args);
    super("bedrock-sfn:index:ApiFrontDoor", name, {}, opts);
    // Children register with lean stack captures (registration-stacks.ts says why).
    const lean = leanRegistration();
    try {
      const child = { parent: this };
      const auth = args.auth ?? API_DEFAULTS.auth;
      const express = args.workflowType === "EXPRESS";
      // Physical names carry the project, so two projects' front doors of the same name and stack do not collide.
      const physical = `${pulumi.getProject()}-${name}-${pulumi.getStack()}`;
      const region = args.region ? pulumi.output(args.region) : aws.getRegionOutput({}, child).region;
      const partition = args.region ? pulumi.output(partitionOf(args.region)) : aws.getPartitionOutput({}, child).partition;
      const tags = pulumi.output(args.tags ?? {}).apply((extra) => ({ "bedrock-sfn:component": "api-front-door", ...extra }));
      const arn = pulumi.output(args.stateMachineArn);

      const role = new aws.iam.Role(
        `${name}-role`,
        { description: `API Gateway role of ${name}: starts the Bedrock workflow only`, assumeRolePolicy: JSON.stringify(frontDoorTrustPolicy()), tags },
        child,
      );
      const rolePolicy = new aws.iam.RolePolicy(`${name}-start`, { role: role.id, policy: arn.apply((a) => JSON.stringify(frontDoorRolePolicy(a, args.workflowType))) }, child);

      const api = new aws.apigateway.RestApi(
        `${name}-api`,
        {
          name: physical,
          description: "Bedrock workflow front door (Step Functions service integration)",
          endpointConfiguration: { types: "REGIONAL" },
          apiKeySource: "HEADER",
          region: args.region,
          tags,
        },
        child,
      );
      const inApi = { restApi: api.id, region: args.region };

      const model = new aws.apigateway.Model(
        `${name}-request-model`,
        { ...inApi, name: "GenerateRequest", contentType: JSON_CONTENT_TYPE, schema: JSON.stringify(GENERATE_REQUEST_SCHEMA) },
        child,
      );
      const validator = new aws.apigateway.RequestValidator(
        `${name}-validator`,
        { ...inApi, name: "body-and-parameters", validateRequestBody: true, validateRequestParameters: true },
        child,
      );
      // Name what is wrong with a refused body, as JSON (API Gateway's default says only "Invalid request body").
      const badBody = new aws.apigateway.Response(
        `${name}-bad-request-body`,
        { restApiId: api.id, region: args.region, responseType: "BAD_REQUEST_BODY", statusCode: "400", responseTemplates: { [JSON_CONTENT_TYPE]: BAD_REQUEST_BODY_TEMPLATE } },
        child,
      );

      const uri = (action: string) => pulumi.interpolate`arn:${partition}:apigateway:${region}:states:action/${action}`;
      const methodAuth = auth === "iam" ? { authorization: "AWS_IAM", apiKeyRequired: false } : { authorization: "NONE", apiKeyRequired: true };
      const parts: pulumi.Resource[] = [model, validator, badBody, rolePolicy];

      const route = (
        id: string,
        resourceId: pulumi.Input<string>,
        httpMethod: "GET" | "POST",
        action: string,
        requestTemplate: pulumi.Input<string>,
        kind: "sync" | "start" | "describe",
        method: Partial<aws.apigateway.MethodArgs>,
      ) => {
        const m = new aws.apigateway.Method(`${name}-${id}`, { ...inApi, resourceId, httpMethod, ...methodAuth, requestValidatorId: validator.id, ...method }, child);
        const integration = new aws.apigateway.Integration(
          `${name}-${id}-integration`,
          {
            ...inApi,
            resourceId,
            httpMethod: m.httpMethod,
            type: "AWS",
            integrationHttpMethod: "POST",
            uri: uri(action),
            credentials: role.arn,
            // Only the mapped content types apply; any other is refused (415), never passed through raw.
            passthroughBehavior: "NEVER",
            requestTemplates: Object.fromEntries(REQUEST_CONTENT_TYPES.map((type) => [type, requestTemplate])),
            // API Gateway's maximum for REST APIs without a quota increase: a run with long retries ends in 504.
            timeoutMilliseconds: 29_000,
          },
          child,
        );
        const methodResponses = METHOD_STATUS_CODES.map(
          (statusCode) =>
            new aws.apigateway.MethodResponse(
              `${name}-${id}-${statusCode}`,
              { ...inApi, resourceId, httpMethod: m.httpMethod, statusCode, responseModels: { [JSON_CONTENT_TYPE]: "Empty" } },
              child,
            ),
        );
        const responses = integrationResponses(kind).map(
          (spec) =>
            new aws.apigateway.IntegrationResponse(
              `${name}-${id}-response-${spec.statusCode}`,
              {
                ...inApi,
                resourceId,
                httpMethod: m.httpMethod,
                statusCode: spec.statusCode,
                selectionPattern: spec.selectionPattern,
                responseTemplates: { [JSON_CONTENT_TYPE]: spec.template },
              },
              { ...child, dependsOn: [integration, ...methodResponses] },
            ),
        );
        parts.push(m, integration, ...methodResponses, ...responses);
      };

      const generate = new aws.apigateway.Resource(`${name}-generate`, { ...inApi, parentId: api.rootResourceId, pathPart: GENERATE_PATH.slice(1) }, child);
      parts.push(generate);
      route("generate", generate.id, "POST", express ? "StartSyncExecution" : "StartExecution", arn.apply(startRequestTemplate), express ? "sync" : "start", {
        requestModels: Object.fromEntries(REQUEST_CONTENT_TYPES.map((type) => [type, model.name])),
      });
      if (!express) {
        const executions = new aws.apigateway.Resource(`${name}-executions`, { ...inApi, parentId: api.rootResourceId, pathPart: EXECUTIONS_PATH.slice(1) }, child);
        const execution = new aws.apigateway.Resource(`${name}-execution`, { ...inApi, parentId: executions.id, pathPart: "{id}" }, child);
        parts.push(executions, execution);
        route(
          "describe",
          execution.id,
          "GET",
          "DescribeExecution",
          arn.apply((a) => describeRequestTemplate(executionArnPrefix(a))),
          "describe",
          {
            requestParameters: { "method.request.path.id": true },
          },
        );
      }

      const deployment = new aws.apigateway.Deployment(
        `${name}-deployment`,
        {
          ...inApi,
          description: `${name} (${args.workflowType}, ${auth})`,
          // Redeploy when the routes or templates change; a Deployment is a snapshot of the API.
          triggers: { routes: arn.apply((a) => apiDigest(a, args.workflowType, auth)) },
        },
        { ...child, dependsOn: parts },
      );

      const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-access-logs`,
        { name: `/aws/apigateway/${physical}/access`, retentionInDays: args.logRetentionDays ?? API_DEFAULTS.logRetentionDays, region: args.region, tags },
        child,
      );
      const stage = new aws.apigateway.Stage(
        `${name}-stage`,
        {
          ...inApi,
          deployment: deployment.id,
          stageName: STAGE_NAME,
          accessLogSettings: { destinationArn: logGroup.arn, format: JSON.stringify(ACCESS_LOG_FORMAT) },
          tags,
        },
        child,
      );
      const rateLimit = args.rateLimit ?? API_DEFAULTS.rateLimit;
      const burstLimit = args.burstLimit ?? API_DEFAULTS.burstLimit;
      new aws.apigateway.MethodSettings(
        `${name}-throttling`,
        {
          ...inApi,
          stageName: stage.stageName,
          methodPath: "*/*",
          // Execution logs off: they would hold prompts and answers. Access logs and metrics stay on.
          settings: { throttlingRateLimit: rateLimit, throttlingBurstLimit: burstLimit, metricsEnabled: true, loggingLevel: "OFF", dataTraceEnabled: false },
        },
        child,
      );

      let apiKeyId: pulumi.Output<string | undefined> = pulumi.output(undefined);
      if (auth === "apiKey") {
        const plan = new aws.apigateway.UsagePlan(
          `${name}-usage-plan`,
          {
            name: physical,
            apiStages: [{ apiId: api.id, stage: stage.stageName }],
            throttleSettings: { rateLimit, burstLimit },
            region: args.region,
            tags,
          },
          child,
        );
        const key = new aws.apigateway.ApiKey(`${name}-key`, { name: physical, enabled: true, region: args.region, tags }, child);
        new aws.apigateway.UsagePlanKey(`${name}-plan-key`, { keyId: key.id, keyType: "API_KEY", usagePlanId: plan.id, region: args.region }, child);
        apiKeyId = key.id;
      }

      this.role = role;
      this.restApi = api;
      this.stage = stage;
      this.accessLogGroup = logGroup;
      this.url = pulumi.interpolate`https://${api.id}.execute-api.${region}.amazonaws.com/${stage.stageName}`;
      this.restApiId = api.id;
      this.stageName = stage.stageName;
      this.roleArn = role.arn;
      this.apiKeyId = apiKeyId;
      this.registerOutputs({ url: this.url, restApiId: this.restApiId, stageName: this.stageName, roleArn: this.roleArn, apiKeyId: this.apiKeyId });
    } catch (error) {
      throw lean.failed(error);
    } finally {
      lean.end();
    }
  }
}

/** A digest of everything a deployment snapshots: routes, templates, the model, auth. */
function apiDigest(stateMachineArn: string, workflowType: WorkflowType, auth: ApiAuth): string {
  const kinds = workflowType === "EXPRESS" ? (["sync"] as const) : (["start", "describe"] as const);
  const content = JSON.stringify({
    workflowType,
    auth,
    schema: GENERATE_REQUEST_SCHEMA,
    start: startRequestTemplate(stateMachineArn),
    describe: workflowType === "STANDARD" ? describeRequestTemplate(executionArnPrefix(stateMachineArn)) : undefined,
    responses: kinds.map((kind) => integrationResponses(kind)),
    badBody: BAD_REQUEST_BODY_TEMPLATE,
  });
  return createHash("sha256").update(content).digest("hex");
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
