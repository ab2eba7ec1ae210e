// The request context AWS fills on every call a role makes, so that conditions on these keys are judged as AWS
// judges them instead of as "key absent". Values the stack does not know (the role's ARN during a first preview)
// are "present, value unknown": a condition on them is "cannot judge", a Null check on them still decides.
import type { RequestContext } from "./conditions";
import { splitArnFields } from "./wildcard";

const SECURE_TRANSPORT_KEY = "aws:SecureTransport";
export const PRINCIPAL_ACCOUNT_KEY = "aws:PrincipalAccount";
export const PRINCIPAL_ARN_KEY = "aws:PrincipalArn";
const PRINCIPAL_TYPE_KEY = "aws:PrincipalType";
const CURRENT_TIME_KEY = "aws:CurrentTime";
const EPOCH_TIME_KEY = "aws:EpochTime";
const REQUESTED_REGION_KEY = "aws:RequestedRegion";

/** Keys this project fills (or marks present) on every request it judges. */
export const FILLED_CONTEXT_KEYS: readonly string[] = [
  SECURE_TRANSPORT_KEY,
  PRINCIPAL_ACCOUNT_KEY,
  PRINCIPAL_ARN_KEY,
  PRINCIPAL_TYPE_KEY,
  CURRENT_TIME_KEY,
  EPOCH_TIME_KEY,
  REQUESTED_REGION_KEY,
];

export interface PrincipalFacts {
  /** The role's ARN (`arn:aws:iam::<account>:role/<name>`), when known. */
  principalArn?: string;
  /** The role's account, when known (taken from principalArn otherwise). */
  principalAccount?: string;
  /** The time the request is judged at; now by default. */
  now?: Date;
  /** The role's tags, when known: AWS sets `aws:PrincipalTag/<key>` for each. */
  tags?: Record<string, string>;
}

export interface FilledContext {
  context: RequestContext;
  /** Keys every real request carries whose value is not known here. */
  unknownKeys: string[];
}

/**
 * What AWS puts in the context of a call made with a role's credentials (a Step Functions execution role calling
 * Bedrock or S3): TLS always (AWS SDK endpoints are HTTPS), the role as principal, the current time. Merge the
 * request's own keys (aws:RequestedRegion, bedrock:InferenceProfileArn) over it.
 */
export function awsRequestContext(facts: PrincipalFacts = {}): FilledContext {
  const now = facts.now ?? new Date();
  const account = facts.principalAccount ?? accountOfArn(facts.principalArn);
  const context: RequestContext = {
    [SECURE_TRANSPORT_KEY]: "true",
    [PRINCIPAL_TYPE_KEY]: "AssumedRole",
    [CURRENT_TIME_KEY]: now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    [EPOCH_TIME_KEY]: String(Math.floor(now.getTime() / 1000)),
  };
  const unknownKeys: string[] = [];
  if (facts.principalArn) context[PRINCIPAL_ARN_KEY] = facts.principalArn;
  else unknownKeys.push(PRINCIPAL_ARN_KEY);
  if (account) context[PRINCIPAL_ACCOUNT_KEY] = account;
  else unknownKeys.push(PRINCIPAL_ACCOUNT_KEY);
  for (const [key, value] of Object.entries(facts.tags ?? {})) context[`aws:PrincipalTag/${key}`] = value;
  return { context, unknownKeys };
}

export function accountOfArn(arn: string | undefined): string | undefined {
  const account = arn === undefined ? undefined : splitArnFields(arn)?.[4];
  return account && account.length === 12 && [...account].every((c) => c >= "0" && c <= "9") ? account : undefined;
}
