// The API Gateway role's policy: exactly the Step Functions calls the front door makes, on this state machine and
// its executions. One source for the component (writes it), the tests (simulate it) and the pack (compares with it).
import type { PolicyDocument, TrustPolicyDocument } from "../bedrock/grants";
import type { WorkflowType } from "../core/defaults";

// Execution ARNs are built in one place (src/bedrock/arn.ts), shared with the batch role.
import { executionArnPattern } from "../bedrock/arn";

export { executionArnPattern, executionArnPrefix } from "../bedrock/arn";

export function frontDoorRolePolicy(stateMachineArn: string, workflowType: WorkflowType): PolicyDocument {
  const statements =
    workflowType === "EXPRESS"
      ? [{ Sid: "StartSyncExecution", Effect: "Allow", Action: ["states:StartSyncExecution"], Resource: [stateMachineArn] }]
      : [
          { Sid: "StartExecution", Effect: "Allow", Action: ["states:StartExecution"], Resource: [stateMachineArn] },
          { Sid: "DescribeExecution", Effect: "Allow", Action: ["states:DescribeExecution"], Resource: [executionArnPattern(stateMachineArn)] },
        ];
  return { Version: "2012-10-17", Statement: statements } as PolicyDocument;
}

/**
 * Trust policy: the API Gateway service principal, as AWS's console writes it for an integration role. No
 * aws:SourceArn/SourceAccount condition: AWS does not document that API Gateway sets them when it assumes
 * integration credentials, and a condition that is never populated would break every call (docs/http-front-door.md).
 */
export function frontDoorTrustPolicy(): TrustPolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }] };
}
