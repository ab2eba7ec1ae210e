// API Gateway REST API types, for the front door to the workflow (a REST API integrated directly with Step
// Functions, stage throttling, API keys with a usage plan, access logs). IDs follow API Gateway's formats.
import { randomBytes } from "node:crypto";
import type { AccountContext, ResourceKind } from "./resource-kind";
import { Inputs, kept, known, knownString, now, regionOf, secretValue } from "./values";
import { fail, oneOf, policyProblems } from "./validate";

/** API Gateway's 10-character lowercase IDs (REST APIs, keys, usage plans, deployments). */
function apiId(length = 10): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join("");
}

const HTTP_METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "ANY"];
const STATUS_CODE = /^[1-5]\d\d$/;

const apiArn = (ctx: AccountContext, inputs: Inputs, path: string) => `arn:${ctx.partition}:apigateway:${regionOf(inputs, ctx)}::${path}`;

/** Sub-resources identified by the API, resource and method (`agm-...`, `agi-...`). */
const methodScoped = (prefix: string, validate?: ResourceKind["validate"], withStatus = false): ResourceKind => ({
  replaceOn: ["restApi", "resourceId", "httpMethod", ...(withStatus ? ["statusCode"] : [])],
  validate: (inputs) => [
    ...fail("httpMethod", oneOf(known(inputs, "httpMethod"), HTTP_METHODS)),
    ...(withStatus ? fail("statusCode", statusProblem(known(inputs, "statusCode"))) : []),
    ...(validate?.(inputs) ?? []),
  ],
  outputs: (inputs) => ({
    id: [
      prefix,
      knownString(inputs, "restApi"),
      knownString(inputs, "resourceId"),
      knownString(inputs, "httpMethod"),
      ...(withStatus ? [knownString(inputs, "statusCode")] : []),
    ].join("-"),
    computed: {},
  }),
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function statusProblem(code: unknown): string | undefined {
  return code === undefined || STATUS_CODE.test(String(code)) ? undefined : `'${String(code)}' is not an HTTP status code (100-599)`;
}

export const API_GATEWAY_KINDS: Record<string, ResourceKind> = {
  "aws:apigateway/restApi:RestApi": {
    replaceOn: [],
    autoName: { property: "name", maxLength: 1024 },
    validate: (inputs) => {
      const types = (known(inputs, "endpointConfiguration") as { types?: string } | undefined)?.types;
      return fail("endpointConfiguration.types", oneOf(types, ["EDGE", "REGIONAL", "PRIVATE"]));
    },
    outputs(inputs, ctx, previous) {
      const id = kept(previous, "id", apiId);
      return {
        id,
        computed: {
          arn: apiArn(ctx, inputs, `/restapis/${id}`),
          executionArn: `arn:${ctx.partition}:execute-api:${regionOf(inputs, ctx)}:${ctx.account}:${id}`,
          rootResourceId: kept(previous, "rootResourceId", apiId),
          createdDate: kept(previous, "createdDate", now),
        },
      };
    },
  },
  "aws:apigateway/resource:Resource": {
    replaceOn: ["restApi", "parentId", "pathPart"],
    validate: (inputs) => {
      const part = knownString(inputs, "pathPart");
      return fail("pathPart", part === undefined || /^(\{[\w-]+\+?\}|[\w.:~-]+)$/.test(part) ? undefined : `'${part}' is not a path segment (letters, digits, ._:~- or {param})`);
    },
    outputs: (_inputs, _ctx, previous) => ({ id: kept(previous, "id", () => apiId(6)), computed: {} }),
  },
  "aws:apigateway/method:Method": methodScoped("agm", (inputs) =>
    fail("authorization", oneOf(known(inputs, "authorization"), ["NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"])),
  ),
  "aws:apigateway/integration:Integration": methodScoped("agi", (inputs) => {
    const type = known(inputs, "type");
    const uri = knownString(inputs, "uri");
    const credentials = knownString(inputs, "credentials");
    return [
      ...fail("type", oneOf(type, ["AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK"])),
      ...fail(
        "uri",
        type === "AWS" && uri !== undefined && !/^arn:aws[\w-]*:apigateway:[a-z0-9-]+:[a-z0-9.-]+:(action|path)\/.+$/.test(uri)
          ? `'${uri}' is not an AWS service integration URI (arn:aws:apigateway:<region>:<service>:action/<Action>)`
          : undefined,
      ),
      ...fail(
        "credentials",
        credentials === undefined || /^arn:aws[\w-]*:iam::(\d{12}|\*):(role|user)\/.+/.test(credentials) ? undefined : `'${credentials}' is not an IAM role ARN`,
      ),
    ];
  }),
  "aws:apigateway/methodResponse:MethodResponse": methodScoped("agmr", undefined, true),
  "aws:apigateway/integrationResponse:IntegrationResponse": methodScoped("agir", undefined, true),
  "aws:apigateway/deployment:Deployment": {
    replaceOn: ["restApi", "triggers"],
    outputs: (_inputs, _ctx, previous) => ({
      id: kept(previous, "id", apiId),
      computed: { createdDate: kept(previous, "createdDate", now) },
    }),
  },
  "aws:apigateway/stage:Stage": {
    replaceOn: ["restApi", "stageName"],
    validate: (inputs) => {
      const name = knownString(inputs, "stageName");
      return fail("stageName", name === undefined || /^[\w-]{1,128}$/.test(name) ? undefined : `'${name}' may contain only letters, digits, '-' and '_'`);
    },
    outputs(inputs, ctx) {
      const api = knownString(inputs, "restApi") ?? "";
      const stage = knownString(inputs, "stageName") ?? "";
      const region = regionOf(inputs, ctx);
      return {
        id: `ags-${api}-${stage}`,
        computed: {
          arn: apiArn(ctx, inputs, `/restapis/${api}/stages/${stage}`),
          executionArn: `arn:${ctx.partition}:execute-api:${region}:${ctx.account}:${api}/${stage}`,
          invokeUrl: `https://${api}.execute-api.${region}.amazonaws.com/${stage}`,
        },
      };
    },
  },
  "aws:apigateway/methodSettings:MethodSettings": {
    replaceOn: ["restApi", "stageName", "methodPath"],
    outputs: (inputs) => ({ id: `${knownString(inputs, "restApi")}-${knownString(inputs, "stageName")}-${knownString(inputs, "methodPath")}`, computed: {} }),
  },
  "aws:apigateway/apiKey:ApiKey": {
    replaceOn: [],
    autoName: { property: "name", maxLength: 1024 },
    outputs(inputs, ctx, previous) {
      const id = kept(previous, "id", apiId);
      return {
        id,
        computed: {
          arn: apiArn(ctx, inputs, `/apikeys/${id}`),
          value: secretValue(previous?.value ?? known(inputs, "value") ?? randomBytes(30).toString("base64url").slice(0, 40)),
          createdDate: kept(previous, "createdDate", now),
        },
      };
    },
  },
  "aws:apigateway/usagePlan:UsagePlan": {
    replaceOn: [],
    autoName: { property: "name", maxLength: 1024 },
    outputs(inputs, ctx, previous) {
      const id = kept(previous, "id", () => apiId(6));
      return { id, computed: { arn: apiArn(ctx, inputs, `/usageplans/${id}`) } };
    },
  },
  "aws:apigateway/usagePlanKey:UsagePlanKey": {
    replaceOn: ["keyId", "keyType", "usagePlanId"],
    validate: (inputs) => fail("keyType", oneOf(known(inputs, "keyType"), ["API_KEY"])),
    outputs: (inputs) => ({ id: knownString(inputs, "keyId") ?? "", computed: { name: known(inputs, "keyId") } }),
  },
  "aws:apigateway/requestValidator:RequestValidator": {
    replaceOn: ["restApi"],
    outputs: (_inputs, _ctx, previous) => ({ id: kept(previous, "id", () => apiId(6)), computed: {} }),
  },
  "aws:apigateway/model:Model": {
    replaceOn: ["restApi", "name", "contentType"],
    validate: (inputs) => {
      const schema = knownString(inputs, "schema");
      return fail("schema", schema === undefined || isJson(schema) ? undefined : "BadRequestException: the model schema is not valid JSON");
    },
    outputs: (_inputs, _ctx, previous) => ({ id: kept(previous, "id", () => apiId(6)), computed: {} }),
  },
  "aws:apigateway/response:Response": {
    replaceOn: ["restApiId", "responseType"],
    validate: (inputs) => fail("statusCode", statusProblem(known(inputs, "statusCode"))),
    outputs: (inputs) => ({ id: `aggr-${knownString(inputs, "restApiId")}-${knownString(inputs, "responseType")}`, computed: {} }),
  },
  "aws:apigateway/restApiPolicy:RestApiPolicy": {
    replaceOn: ["restApiId"],
    validate: (inputs) => {
      const policy = known(inputs, "policy");
      return policy === undefined ? [] : policyProblems(policy, "resource", 8192).map((reason) => ({ property: "policy", reason }));
    },
    outputs: (inputs) => ({ id: knownString(inputs, "restApiId") ?? "", computed: {} }),
  },
  "aws:apigateway/account:Account": {
    replaceOn: [],
    outputs: () => ({ id: "api-gateway-account", computed: { throttleSettings: [{ burstLimit: 5000, rateLimit: 10000 }] } }),
  },
};
