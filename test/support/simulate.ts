// Independent IAM evaluation for tests: @cloud-copilot/iam-simulate (AGPL, dev-only: never imported by shipped code).
import { runSimulation, runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import type { AuthorizationRequest, PolicyDocument } from "../../src/bedrock/grants";

const TEST_ROLE = "arn:aws:iam::123456789012:role/bedrock-sfn-role";

/** "Allowed" or the simulator's verdict, for one request against identity policies of one role. */
export async function simulate(policies: PolicyDocument[], request: AuthorizationRequest, account = "123456789012"): Promise<string> {
  const simulation: Simulation = {
    identityPolicies: policies.map((policy, i) => ({ name: `policy${i}`, policy: policy as never })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      action: request.action,
      principal: TEST_ROLE.replace("123456789012", account),
      resource: { resource: request.resource, accountId: account },
      contextVariables: request.context,
    },
  };
  // iam-simulate's resource-type validation does not know the Region-less model ARN that AWS uses for global
  // profiles; evaluate that one request without input validation (statement matching is unchanged).
  if (request.resource.split(":")[3] === "") return String(runUnsafeSimulation(simulation, {}));
  const result = await runSimulation(simulation, {});
  if (result.resultType === "error") throw new Error(`iam-simulate could not run: ${JSON.stringify(result.errors)}`);
  return String((result as { result: { analysis: { result: string } } }).result.analysis.result);
}
