import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GENERATE_REQUEST_SCHEMA, STAGE_NAME } from "../src/api/contract";
import { BAD_REQUEST_BODY_TEMPLATE, JSON_CONTENT_TYPE, METHOD_STATUS_CODES, REQUEST_CONTENT_TYPES, integrationResponses } from "../src/api/mapping-templates";
import { ACCESS_LOG_FORMAT, planFrontDoor } from "../src/api/plan";
import { partitionOf } from "../src/bedrock/arn";
import { type ApiAuth, WORKFLOW_TYPES, type WorkflowType } from "../src/core/defaults";
import { API_ARGUMENTS, API_DEFAULTS, argumentChecks } from "./arguments";
import { registerLean } from "./registration-stacks";

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
    const built = registerLean(() => this.build(name, args));
    this.role = built.role;
    this.restApi = built.api;
    this.stage = built.stage;
    this.accessLogGroup = built.logGroup;
    this.url = pulumi.interpolate`https://${built.api.id}.execute-api.${built.region}.amazonaws.com/${built.stage.stageName}`;
    this.restApiId = built.api.id;
    this.stageName = built.stage.stageName;
    this.roleArn = built.role.arn;
    this.apiKeyId = built.apiKeyId;
    this.registerOutputs({ url: this.url, restApiId: this.restApiId, stageName: this.stageName, roleArn: this.roleArn, apiKeyId: this.apiKeyId });
  }

  /** Plans the front door (src/api/plan.ts) and registers it: role, API, routes, deployment, stage, throttling, key. */
  private build(name: string, args: ApiFrontDoorArgs) {
    const child = { parent: this };
    const auth = args.auth ?? API_DEFAULTS.auth;
    const plan = planFrontDoor(args.workflowType, auth);
    // Physical names carry the project, so two projects' front doors of the same name and stack do not collide.
    const physical = `${pulumi.getProject()}-${name}-${pulumi.getStack()}`;
    const region = args.region ? pulumi.output(args.region) : aws.getRegionOutput({}, child).region;
    const partition = args.region ? pulumi.output(partitionOf(args.region)) : aws.getPartitionOutput({}, child).partition;
    const tags = pulumi.output(args.tags ?? {}).apply((extra) => ({ "bedrock-sfn:component": "api-front-door", ...extra }));
    const arn = pulumi.output(args.stateMachineArn);
    const documents = arn.apply((a) => plan.policy(a));

    const role = new aws.iam.Role(
      `${name}-role`,
      { description: `API Gateway role of ${name}: starts the Bedrock workflow only`, assumeRolePolicy: documents.apply((d) => JSON.stringify(d.trust)), tags },
      child,
    );
    const rolePolicy = new aws.iam.RolePolicy(`${name}-start`, { role: role.id, policy: documents.apply((d) => JSON.stringify(d.permissions)) }, child);

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
    const parts: pulumi.Resource[] = [model, validator, badBody, rolePolicy];

    // Each route's resources, parents first, registered just before the route.
    const resources = new Map<string, aws.apigateway.Resource>();
    const resourceOf = (id: string): aws.apigateway.Resource => {
      const known = resources.get(id);
      if (known) return known;
      const spec = plan.resources.find((r) => r.id === id)!;
      const parentId = spec.parent ? resourceOf(spec.parent).id : api.rootResourceId;
      const created = new aws.apigateway.Resource(`${name}-${id}`, { ...inApi, parentId, pathPart: spec.pathPart }, child);
      resources.set(id, created);
      parts.push(created);
      return created;
    };

    for (const route of plan.routes) {
      const resourceId = resourceOf(route.resource).id;
      const method = new aws.apigateway.Method(
        `${name}-${route.id}`,
        {
          ...inApi,
          resourceId,
          httpMethod: route.httpMethod,
          ...plan.methodAuth,
          requestValidatorId: validator.id,
          ...(route.validatesBody ? { requestModels: Object.fromEntries(REQUEST_CONTENT_TYPES.map((type) => [type, model.name])) } : {}),
          ...(route.pathParameters.length ? { requestParameters: Object.fromEntries(route.pathParameters.map((p) => [`method.request.path.${p}`, true])) } : {}),
        },
        child,
      );
      const requestTemplate = arn.apply((a) => route.requestTemplate(a));
      const integration = new aws.apigateway.Integration(
        `${name}-${route.id}-integration`,
        {
          ...inApi,
          resourceId,
          httpMethod: method.httpMethod,
          type: "AWS",
          integrationHttpMethod: "POST",
          uri: pulumi.interpolate`arn:${partition}:apigateway:${region}:states:action/${route.action}`,
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
            `${name}-${route.id}-${statusCode}`,
            { ...inApi, resourceId, httpMethod: method.httpMethod, statusCode, responseModels: { [JSON_CONTENT_TYPE]: "Empty" } },
            child,
          ),
      );
      const responses = integrationResponses(route.kind).map(
        (spec) =>
          new aws.apigateway.IntegrationResponse(
            `${name}-${route.id}-response-${spec.statusCode}`,
            {
              ...inApi,
              resourceId,
              httpMethod: method.httpMethod,
              statusCode: spec.statusCode,
              selectionPattern: spec.selectionPattern,
              responseTemplates: { [JSON_CONTENT_TYPE]: spec.template },
            },
            { ...child, dependsOn: [integration, ...methodResponses] },
          ),
      );
      parts.push(method, integration, ...methodResponses, ...responses);
    }

    const deployment = new aws.apigateway.Deployment(
      `${name}-deployment`,
      {
        ...inApi,
        description: `${name} (${args.workflowType}, ${auth})`,
        // Redeploy when the routes or templates change; a Deployment is a snapshot of the API.
        triggers: { routes: arn.apply((a) => plan.digest(a)) },
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
        { name: physical, apiStages: [{ apiId: api.id, stage: stage.stageName }], throttleSettings: { rateLimit, burstLimit }, region: args.region, tags },
        child,
      );
      const key = new aws.apigateway.ApiKey(`${name}-key`, { name: physical, enabled: true, region: args.region, tags }, child);
      new aws.apigateway.UsagePlanKey(`${name}-plan-key`, { keyId: key.id, keyType: "API_KEY", usagePlanId: plan.id, region: args.region }, child);
      apiKeyId = key.id;
    }
    return { role, api, stage, logGroup, region, apiKeyId };
  }
}
