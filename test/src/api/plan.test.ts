// The front door's plan, without Pulumi: which routes each workflow type gets, the role's documents, the digest.
import * as assert from "node:assert/strict";
import { planFrontDoor } from "../../../src/api/plan";

const ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:bedrock-sfn-dev";

describe("planFrontDoor", () => {
  it("EXPRESS: POST /generate only, through StartSyncExecution; the role may call that on this state machine only", () => {
    const plan = planFrontDoor("EXPRESS", "iam");
    assert.deepEqual(
      plan.routes.map((r) => [r.httpMethod, r.resource, r.action, r.kind]),
      [["POST", "generate", "StartSyncExecution", "sync"]],
    );
    assert.deepEqual(
      plan.resources.map((r) => r.pathPart),
      ["generate"],
    );
    assert.deepEqual(plan.methodAuth, { authorization: "AWS_IAM", apiKeyRequired: false });
    const { trust, permissions } = plan.policy(ARN);
    assert.equal(trust.Statement[0].Principal.Service, "apigateway.amazonaws.com");
    assert.deepEqual(permissions.Statement, [{ Sid: "StartSyncExecution", Effect: "Allow", Action: ["states:StartSyncExecution"], Resource: [ARN] }]);
    assert.match(plan.routes[0].requestTemplate(ARN), new RegExp(ARN));
  });

  it("STANDARD: POST /generate starts, GET /executions/{id} describes this state machine's executions; apiKey needs no IAM", () => {
    const plan = planFrontDoor("STANDARD", "apiKey");
    assert.deepEqual(
      plan.routes.map((r) => [r.httpMethod, r.resource, r.action, r.pathParameters]),
      [
        ["POST", "generate", "StartExecution", []],
        ["GET", "execution", "DescribeExecution", ["id"]],
      ],
    );
    assert.deepEqual(
      plan.resources.map((r) => [r.id, r.parent, r.pathPart]),
      [
        ["generate", undefined, "generate"],
        ["executions", undefined, "executions"],
        ["execution", "executions", "{id}"],
      ],
    );
    assert.deepEqual(plan.methodAuth, { authorization: "NONE", apiKeyRequired: true });
    assert.deepEqual(
      plan.policy(ARN).permissions.Statement.map((s) => s.Resource),
      [[ARN], ["arn:aws:states:us-east-1:123456789012:execution:bedrock-sfn-dev:*"]],
    );
  });

  it("redeploys (a new digest) when the state machine, the workflow type or the auth changes, and only then", () => {
    const digest = planFrontDoor("STANDARD", "iam").digest(ARN);
    assert.equal(planFrontDoor("STANDARD", "iam").digest(ARN), digest);
    assert.notEqual(planFrontDoor("STANDARD", "iam").digest(`${ARN}-2`), digest);
    assert.notEqual(planFrontDoor("EXPRESS", "iam").digest(ARN), digest);
    assert.notEqual(planFrontDoor("STANDARD", "apiKey").digest(ARN), digest);
  });
});
