// The api-gateway-role-scope policy: a role API Gateway assumes may call only the front-door actions, only on the
// state machines its integrations front. Over hand-written stacks, and over what the program synthesizes.
import { strict as assert } from "node:assert";
import { frontDoorRolePolicy } from "../../src/api/role-policy";
import { InputResource, evaluateResources } from "../../tools/shared/evaluate-pack";
import { API_GATEWAY_ROLE_SCOPE, apiGatewayRoleScopePolicy } from "../../policy-pack/policies/api-gateway-role-scope";
import { synthesize } from "../../tools/cli/lib/synth";
import { ACCOUNT, advisory, blocking, policyDocument, role, rolePolicy, run } from "./helpers";

const MACHINE = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:bedrock-workflow`;
const OTHER = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:payments`;
const EXECUTIONS = `arn:aws:states:us-east-1:${ACCOUNT}:execution:bedrock-workflow:*`;

function apiRole(name = "api-role"): InputResource {
  const trust = policyDocument({ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" });
  return role(name, { assumeRolePolicy: JSON.stringify(trust) });
}
function integration(stateMachineArn: unknown, roleName = "api-role"): InputResource {
  return {
    type: "aws:apigateway/integration:Integration",
    name: "generate-integration",
    inputs: {
      type: "AWS",
      credentials: `arn:aws:iam::${ACCOUNT}:role/${roleName}`,
      requestTemplates: { "application/json": typeof stateMachineArn === "string" ? `{"stateMachineArn": "${stateMachineArn}", "input": "..."}` : stateMachineArn },
    },
  };
}
const stack = (...statements: object[]) => [apiRole(), integration(MACHINE), rolePolicy("api-start", policyDocument(...statements), "api-role")];

describe(`${API_GATEWAY_ROLE_SCOPE} policy`, function () {
  this.timeout(60_000);

  it("passes the front door's own role policy, for both workflow types", async () => {
    for (const type of ["EXPRESS", "STANDARD"] as const) {
      const resources = [apiRole(), integration(MACHINE), rolePolicy("api-start", frontDoorRolePolicy(MACHINE, type), "api-role")];
      assert.deepEqual(await run(apiGatewayRoleScopePolicy, resources), [], type);
    }
  });

  it("blocks a role that may start another state machine, naming it and the fronted one", async () => {
    const [found] = blocking(await run(apiGatewayRoleScopePolicy, stack({ Effect: "Allow", Action: "states:StartSyncExecution", Resource: [MACHINE, OTHER] })));
    assert.match(found.message, /payments/);
    assert.match(found.message, /beyond the state machines this role fronts:\s+arn:aws:states:us-east-1:111122223333:stateMachine:bedrock-workflow/);
  });

  it("blocks wildcard resources and broad actions", async () => {
    const wildcard = blocking(await run(apiGatewayRoleScopePolicy, stack({ Effect: "Allow", Action: "states:StartExecution", Resource: "*" })));
    assert.equal(wildcard.length, 1);
    assert.match(wildcard[0].message, /'\*'/);
    const pattern = blocking(
      await run(apiGatewayRoleScopePolicy, stack({ Effect: "Allow", Action: "states:StartExecution", Resource: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:*` })),
    );
    assert.equal(pattern.length, 1);
    const broad = blocking(await run(apiGatewayRoleScopePolicy, stack({ Effect: "Allow", Action: ["states:*"], Resource: MACHINE })));
    assert.match(broad[0].message, /'states:\*'.*needs only states:StartSyncExecution/);
    const everything = blocking(await run(apiGatewayRoleScopePolicy, stack({ Effect: "Allow", Action: "*", Resource: MACHINE })));
    assert.equal(everything.length, 1);
    const rewrite = blocking(await run(apiGatewayRoleScopePolicy, stack({ Effect: "Allow", Action: "states:UpdateStateMachine", Resource: MACHINE })));
    assert.match(rewrite[0].message, /UpdateStateMachine/);
  });

  it("accepts the executions of a fronted state machine, and ignores other services' grants", async () => {
    assert.deepEqual(await run(apiGatewayRoleScopePolicy, stack({ Effect: "Allow", Action: ["states:DescribeExecution", "states:StopExecution"], Resource: EXECUTIONS })), []);
    assert.deepEqual(await run(apiGatewayRoleScopePolicy, stack({ Effect: "Allow", Action: "logs:CreateLogStream", Resource: "*" })), []);
  });

  it("blocks Step Functions grants on a role that fronts nothing, and leaves roles API Gateway does not assume alone", async () => {
    const orphan = [apiRole(), rolePolicy("api-start", policyDocument({ Effect: "Allow", Action: "states:StartExecution", Resource: MACHINE }), "api-role")];
    assert.match(blocking(await run(apiGatewayRoleScopePolicy, orphan))[0].message, /no API Gateway integration in this stack uses this role/);
    const stepFunctionsRole: InputResource = {
      ...apiRole("exec"),
      inputs: {
        ...apiRole("exec").inputs,
        assumeRolePolicy: JSON.stringify(policyDocument({ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" })),
      },
    };
    assert.deepEqual(
      await run(apiGatewayRoleScopePolicy, [stepFunctionsRole, rolePolicy("p", policyDocument({ Effect: "Allow", Action: "states:*", Resource: "*" }), "exec")]),
      [],
    );
  });

  it("only notes (never blocks) when the fronted state machine is unknown during preview", async () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const resources = [apiRole(), integration({ "application/json": unknown }), rolePolicy("api-start", frontDoorRolePolicy(MACHINE, "EXPRESS"), "api-role")];
    const violations = await run(apiGatewayRoleScopePolicy, resources);
    assert.equal(blocking(violations).length, 0);
    assert.equal(advisory(violations).length, 1);
  });

  for (const workflowType of ["EXPRESS", "STANDARD"]) {
    it(`the whole pack passes the synthesized stack with bedrock-sfn:api = rest (${workflowType})`, async () => {
      const result = await synthesize({ stack: "dev", overrides: { "bedrock-sfn:api": "rest", "bedrock-sfn:workflowType": workflowType } });
      const violations = await evaluateResources(result.resources, { region: result.config["aws:region"] });
      assert.deepEqual(
        violations.filter((v) => v.policyName === API_GATEWAY_ROLE_SCOPE),
        [],
      );
      assert.deepEqual(blocking(violations), []);
    });
  }
});
