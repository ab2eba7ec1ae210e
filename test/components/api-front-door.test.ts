// The API front door under Pulumi's mock engine, for both workflow types and both auth modes: its resources, the
// Step Functions integration, and the API role judged by iam-simulate (it may start this state machine only).
import * as assert from "node:assert/strict";
import { SynthResource, SynthResult, synthesize } from "../../tools/cli/lib/synth";
import { simulate } from "../support/simulate";

const of = (result: SynthResult, type: string): SynthResource[] => result.resources.filter((r) => r.type === type);
const one = (result: SynthResult, type: string, name?: string): SynthResource => {
  const found = of(result, type).filter((r) => name === undefined || r.name === name);
  assert.equal(found.length, 1, `one ${type} ${name ?? ""}`);
  return found[0];
};
const request = (action: string, resource: string) => ({ action, resource, context: {}, region: "ap-northeast-1", why: "test" });

describe("ApiFrontDoor under mocks", function () {
  this.timeout(120_000);

  it("adds nothing by default (bedrock-sfn:api = none)", async () => {
    const result = await synthesize({ stack: "dev" });
    assert.equal(result.resources.filter((r) => r.type.startsWith("aws:apigateway/")).length, 0);
    assert.equal(result.outputs.apiUrl, undefined);
  });

  for (const workflowType of ["EXPRESS", "STANDARD"] as const) {
    for (const auth of ["iam", "apiKey"] as const) {
      describe(`${workflowType}, ${auth}`, () => {
        let result: SynthResult;
        let stateMachineArn: string;
        before(async () => {
          result = await synthesize({
            stack: "dev",
            overrides: {
              "bedrock-sfn:api": "rest",
              "bedrock-sfn:workflowType": workflowType,
              "bedrock-sfn:apiAuth": auth,
              "bedrock-sfn:apiRateLimit": "5",
              "bedrock-sfn:apiBurstLimit": "7",
            },
          });
          stateMachineArn = String(result.outputs.stateMachineArn);
        });

        it("integrates POST /generate directly with Step Functions (no Lambda)", () => {
          assert.equal(of(result, "aws:lambda/function:Function").length, 0);
          const integration = one(result, "aws:apigateway/integration:Integration", "bedrock-sfn-http-generate-integration");
          const action = workflowType === "EXPRESS" ? "StartSyncExecution" : "StartExecution";
          assert.equal(integration.inputs.type, "AWS");
          assert.equal(integration.inputs.integrationHttpMethod, "POST");
          assert.equal(integration.inputs.uri, `arn:aws:apigateway:ap-northeast-1:states:action/${action}`);
          assert.equal(integration.inputs.passthroughBehavior, "NEVER");
          assert.equal(integration.inputs.credentials, result.outputs.apiRoleArn);
          const template = (integration.inputs.requestTemplates as Record<string, string>)["application/json"];
          assert.ok(template.includes(`"stateMachineArn": "${stateMachineArn}"`));
          const method = one(result, "aws:apigateway/method:Method", "bedrock-sfn-http-generate");
          assert.equal(method.inputs.httpMethod, "POST");
          assert.equal(method.inputs.authorization, auth === "iam" ? "AWS_IAM" : "NONE");
          assert.equal(method.inputs.apiKeyRequired, auth === "apiKey");
          assert.ok(method.inputs.requestValidatorId, "a request validator checks the body");
          const model = one(result, "aws:apigateway/model:Model");
          assert.deepEqual(JSON.parse(String(model.inputs.schema)).required, ["prompt"]);
          assert.equal(one(result, "aws:apigateway/response:Response").inputs.responseType, "BAD_REQUEST_BODY");
        });

        it(workflowType === "STANDARD" ? "adds GET /executions/{id} (DescribeExecution)" : "has no GET route (the answer comes synchronously)", () => {
          const describe = of(result, "aws:apigateway/integration:Integration").filter((r) => r.name === "bedrock-sfn-http-describe-integration");
          assert.equal(describe.length, workflowType === "STANDARD" ? 1 : 0);
          if (workflowType === "STANDARD") {
            assert.equal(describe[0].inputs.uri, "arn:aws:apigateway:ap-northeast-1:states:action/DescribeExecution");
            const paths = of(result, "aws:apigateway/resource:Resource")
              .map((r) => r.inputs.pathPart)
              .sort();
            assert.deepEqual(paths, ["executions", "generate", "{id}"]);
          }
        });

        it("deploys a stage with throttling, access logs and execution logs off", () => {
          const stage = one(result, "aws:apigateway/stage:Stage");
          assert.equal(stage.inputs.stageName, "v1");
          const access = stage.inputs.accessLogSettings as { destinationArn: string; format: string };
          assert.match(access.destinationArn, /log-group/);
          assert.equal(JSON.parse(access.format).requestId, "$context.requestId");
          const settings = one(result, "aws:apigateway/methodSettings:MethodSettings").inputs.settings as Record<string, unknown>;
          assert.equal(settings.throttlingRateLimit, 5);
          assert.equal(settings.throttlingBurstLimit, 7);
          assert.equal(settings.loggingLevel, "OFF");
          assert.match(String(result.outputs.apiUrl), /^https:\/\/.+\.execute-api\.ap-northeast-1\.amazonaws\.com\/v1$/);
        });

        it(auth === "apiKey" ? "adds an API key in a usage plan with the same throttle" : "adds no API key or usage plan", () => {
          const plans = of(result, "aws:apigateway/usagePlan:UsagePlan");
          assert.equal(plans.length, auth === "apiKey" ? 1 : 0);
          assert.equal(of(result, "aws:apigateway/apiKey:ApiKey").length, auth === "apiKey" ? 1 : 0);
          assert.equal(of(result, "aws:apigateway/usagePlanKey:UsagePlanKey").length, auth === "apiKey" ? 1 : 0);
          if (auth === "apiKey") assert.deepEqual(plans[0].inputs.throttleSettings, { rateLimit: 5, burstLimit: 7 });
        });

        it("gives the API role exactly the calls it makes on this state machine (iam-simulate)", async () => {
          const role = one(result, "aws:iam/role:Role", "bedrock-sfn-http-role");
          assert.equal(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0].Principal.Service, "apigateway.amazonaws.com");
          const policy = JSON.parse(String(one(result, "aws:iam/rolePolicy:RolePolicy", "bedrock-sfn-http-start").inputs.policy));
          const other = stateMachineArn.replace(/stateMachine:.+$/, "stateMachine:someone-elses");
          const execution = `${stateMachineArn.replace(":stateMachine:", ":execution:")}:a-request-id`;
          const allowed =
            workflowType === "EXPRESS"
              ? [request("states:StartSyncExecution", stateMachineArn)]
              : [request("states:StartExecution", stateMachineArn), request("states:DescribeExecution", execution)];
          for (const r of allowed) assert.equal(await simulate([policy], r), "Allowed", `${r.action} ${r.resource}`);
          const denied = [
            request(workflowType === "EXPRESS" ? "states:StartSyncExecution" : "states:StartExecution", other),
            request("states:DeleteStateMachine", stateMachineArn),
            request("states:StopExecution", execution),
            request("states:UpdateStateMachine", stateMachineArn),
            request("states:DescribeExecution", `${other.replace(":stateMachine:", ":execution:")}:x`),
            request(workflowType === "EXPRESS" ? "states:StartExecution" : "states:StartSyncExecution", stateMachineArn),
            request("bedrock:InvokeModel", "arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"),
          ];
          for (const r of denied) assert.notEqual(await simulate([policy], r), "Allowed", `${r.action} ${r.resource}`);
        });
      });
    }
  }
});
