// Wiring only: the CLI runs this file (bundled to dist/index.js, the package's main), and constructing the
// PolicyPack starts its gRPC server. Never import it from tests; use policies/, library.ts or evaluate.ts instead.
import { PolicyPack } from "@pulumi/policy";
import { bedrockPolicies } from "./policies/factory";

new PolicyPack("bedrock-sfn", {
  description: "Catches, before deployment, IAM policies that would make Bedrock calls from Step Functions fail with AccessDenied.",
  enforcementLevel: "mandatory",
  policies: bedrockPolicies(),
});
