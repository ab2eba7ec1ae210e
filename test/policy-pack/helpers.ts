// Shared test helpers: build resources as the engine hands them to the pack, and run the pack's real policies.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Policy } from "@pulumi/policy";
import { EvaluateOptions, InputResource, PackViolation, evaluateResources } from "../../tools/shared/evaluate-pack";

export const ACCOUNT = "111122223333";
export const SONNET_4 = "anthropic.claude-sonnet-4-20250514-v1:0";
export const APAC_SONNET_4 = `apac.${SONNET_4}`;

export function fixture(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", name), "utf8"));
}

export function policyDocument(...statements: object[]): { Version: string; Statement: object[] } {
  return { Version: "2012-10-17", Statement: statements };
}

export const allow = (Resource: string | string[], extra: object = {}) => ({ Effect: "Allow", Action: "bedrock:InvokeModel", Resource, ...extra });

/** An aws.iam.RolePolicy whose `policy` is a JSON string, as Pulumi programs usually write it. */
export function rolePolicy(name: string, policy: unknown, role = "exec-role"): InputResource {
  return { type: "aws:iam/rolePolicy:RolePolicy", name, inputs: { role, policy: typeof policy === "string" ? policy : JSON.stringify(policy) } };
}

export function role(name: string, inputs: Record<string, unknown> = {}): InputResource {
  return {
    type: "aws:iam/role:Role",
    name,
    inputs: {
      name,
      arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
      assumeRolePolicy: JSON.stringify(policyDocument({ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" })),
      ...inputs,
    },
  };
}

export function stateMachine(name: string, definition: unknown, roleName = "exec-role", extra: Record<string, unknown> = {}): InputResource {
  return {
    type: "aws:sfn/stateMachine:StateMachine",
    name,
    inputs: { roleArn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`, definition: typeof definition === "string" ? definition : JSON.stringify(definition), ...extra },
  };
}

/** Runs one policy (a real policy object) over the resources. */
export async function run(policy: Policy, resources: InputResource[], options: Omit<EvaluateOptions, "policies"> = {}): Promise<PackViolation[]> {
  return evaluateResources(resources, { ...options, policies: [policy] });
}

export const blocking = (violations: PackViolation[]) => violations.filter((v) => v.enforcementLevel === "mandatory");
export const advisory = (violations: PackViolation[]) => violations.filter((v) => v.enforcementLevel === "advisory");
