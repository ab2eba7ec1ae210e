// The pack's policies, in the order the CLI lists them. index.ts serves them; evaluate.ts runs them without the CLI.
import type { Policies } from "@pulumi/policy";
import { apiGatewayRoleScopePolicy } from "./api-gateway-role-scope";
import { dataResidencyPolicy } from "./data-residency";
import { inferenceProfileArnPolicy } from "./inference-profile-arn";
import { leastPrivilegePolicy } from "./least-privilege";
import { modelLifecyclePolicy } from "./model-lifecycle";
import { readableDocumentsPolicy } from "./readable-documents";
import { routedRegionsPolicy } from "./routed-regions";
import { stackViewPolicy } from "./stack-view";

export const policies: Policies = [
  routedRegionsPolicy,
  inferenceProfileArnPolicy,
  modelLifecyclePolicy,
  stackViewPolicy,
  leastPrivilegePolicy,
  dataResidencyPolicy,
  readableDocumentsPolicy,
  apiGatewayRoleScopePolicy,
];
