// The whole execution-role policy of a BedrockStateMachine, as one pure function, so that tests and
// the policy pack can judge exactly what the component writes without running Pulumi.
import { PolicyDocument, loggingStatements, payloadStatements, requiredBedrockStatements, tracingStatements } from "./grants";
import { ResolvedModel } from "./resolve";

export interface RolePolicyInput {
  model: ResolvedModel;
  payloadBucketArn: string;
  inputPrefix: string;
  outputPrefix: string;
  logGroupArn: string;
  tracing: boolean;
}

export function rolePolicyDocument(input: RolePolicyInput): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      ...requiredBedrockStatements(input.model),
      ...payloadStatements(input.payloadBucketArn, input.inputPrefix, input.outputPrefix),
      ...loggingStatements(input.logGroupArn),
      ...(input.tracing ? tracingStatements() : []),
    ],
  };
}
