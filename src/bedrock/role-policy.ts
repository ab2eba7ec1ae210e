// The IAM documents of a BedrockStateMachine, as pure functions, so that tests and the policy pack can judge exactly
// what the component writes without running Pulumi: its role's trust policy, its permissions for the built-in
// workflow or for a definition of your own (whose statements the analysis derives), and the payload bucket's policy.
// (The front door's role documents are in src/api/role-policy.ts.)
import {
  PolicyDocument,
  PolicyStatement,
  TrustPolicyDocument,
  serviceTrustPolicy,
  guardrailProfileArns,
  distributedMapStatements,
  guardrailStatements,
  loggingStatements,
  payloadStatements,
  requiredBedrockStatements,
  tracingStatements,
} from "./grants";
import { ResolvedModel } from "./resolve";

export interface RolePolicyInput {
  model: ResolvedModel;
  payloadBucketArn: string;
  inputPrefix: string;
  outputPrefix: string;
  logGroupArn: string;
  tracing: boolean;
  /** The built-in workflow's guardrail, when it has one. */
  guardrailArn?: string;
  /** The built-in workflow's fallback models, in order: each with its own routes (Sids suffixed Fallback1, ...). */
  fallbackModels?: ResolvedModel[];
  /** A batch (`batch = map`): the state machine's own ARN and the results prefix its Distributed Map writes under. */
  batchMap?: { stateMachineArn: string; resultsPrefix: string };
}

/** The built-in workflow's role: the model with its routes, the payload prefixes, logs, traces and the guardrail. */
export function rolePolicyDocument(input: RolePolicyInput): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      ...requiredBedrockStatements(input.model),
      // The same grants builder for every model of the chain; a policy's Sids must be unique.
      ...(input.fallbackModels ?? []).flatMap((model, i) => requiredBedrockStatements(model).map((s) => ({ ...s, Sid: `${s.Sid}Fallback${i + 1}` }))),
      ...payloadStatements(input.payloadBucketArn, input.inputPrefix, input.outputPrefix),
      ...loggingStatements(input.logGroupArn),
      ...(input.tracing ? tracingStatements() : []),
      // With a geographic profile, the guardrail profile in each destination Region too (guardrailProfileArns).
      ...guardrailStatements(
        input.guardrailArn ? [...new Set([input.guardrailArn, ...[input.model, ...(input.fallbackModels ?? [])].flatMap(guardrailProfileArns)])] : [],
        "ApplyGuardrail",
      ),
      ...(input.batchMap ? distributedMapStatements({ ...input.batchMap, bucketArn: input.payloadBucketArn }) : []),
    ],
  };
}

/** A definition of your own: what the analysis derived from its tasks, then logs and traces. */
export function definitionRolePolicy(input: { statements: PolicyStatement[]; logGroupArn: string; tracing: boolean }): PolicyDocument {
  return { Version: "2012-10-17", Statement: [...input.statements, ...loggingStatements(input.logGroupArn), ...(input.tracing ? tracingStatements() : [])] };
}

/** Step Functions may assume the role, for this account's state machines in this Region only (confused-deputy protection). */
export function stateMachineTrustPolicy(context: { account: string; region: string; partition: string }): TrustPolicyDocument {
  const { account, region, partition } = context;
  return serviceTrustPolicy("states.amazonaws.com", account, `arn:${partition}:states:${region}:${account}:stateMachine:*`);
}

/** The payload bucket's policy: refuse every request that does not use TLS. */
export function payloadBucketPolicy(bucketArn: string): { Version: "2012-10-17"; Statement: Record<string, unknown>[] } {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}
