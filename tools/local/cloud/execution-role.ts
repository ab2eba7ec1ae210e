// The identity the local cloud acts as when the workflow calls Bedrock and S3: the execution role's ARN and its
// IAM policies, read and decided by the project's own evaluator (src/iam/). This is the thin adapter between src/iam/'s
// documents and decisions and the stand-ins' "may this call go ahead" question.

import { BedrockSfnError } from "../../../src/core/errors";
import { evaluateRequest, readPolicyDocument, type Decision, type IamRequest, type ParsedDocument } from "../../../src/iam";

/** A role policy that cannot be read (a --role-policy-file, or a stack's role): the user's input. */
export class RolePolicyError extends BedrockSfnError {
  constructor(message: string) {
    super("input", message);
  }
}

export interface RolePolicySource {
  /** Where the policy came from, for messages (a resource name or a file). */
  source: string;
  /** The policy document, as an object or the JSON string AWS receives. */
  policy: unknown;
}

export interface ExecutionRole {
  roleArn: string;
  /** The principal AWS names in an AccessDenied message: the role's assumed-role session. */
  principalArn: string;
  account: string;
  documents: ParsedDocument[];
  /** What IAM decides for this request as this role. */
  decide(request: IamRequest): Decision;
}

/** Step Functions assumes the execution role under a session of its own; the name is not documented, so this one is ours. */
const LOCAL_SESSION_NAME = "local-step-functions";

export function executionRole(roleArn: string, policies: RolePolicySource[]): ExecutionRole {
  const match = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  if (!match) throw new RolePolicyError(`'${roleArn}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
  const [, partition, account, name] = match;
  const documents = policies.map(({ source, policy }) => {
    const read = readPolicyDocument(unwrapJsonString(policy), source);
    const malformed = read.diagnostics.filter((d) => d.kind === "malformed");
    if (!read.document || malformed.length > 0) throw new RolePolicyError(malformed.map((d) => d.message).join("; ") || `${source}: unreadable policy`);
    return read.document;
  });
  return {
    roleArn,
    principalArn: `arn:${partition}:sts::${account}:assumed-role/${name}/${LOCAL_SESSION_NAME}`,
    account,
    documents,
    decide: (request) => evaluateRequest(request, documents),
  };
}

/**
 * The message AWS gives with an AccessDeniedException, e.g. `User: arn:aws:sts::...:assumed-role/r/s is not
 * authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:... because no identity-based policy
 * allows the bedrock:InvokeModel action`.
 */
export function accessDeniedMessage(role: ExecutionRole, request: IamRequest, decision: Decision): string {
  const because =
    decision.verdict === "explicit-deny" ? "with an explicit deny in an identity-based policy" : `because no identity-based policy allows the ${request.action} action`;
  return `User: ${role.principalArn} is not authorized to perform: ${request.action} on resource: ${request.resource} ${because}`;
}

/** A policy pasted from `synth --json` may still be the JSON string it is there; read through one level of quoting. */
function unwrapJsonString(policy: unknown): unknown {
  if (typeof policy !== "string") return policy;
  try {
    const value: unknown = JSON.parse(policy);
    return typeof value === "string" ? value : policy;
  } catch {
    return policy;
  }
}
