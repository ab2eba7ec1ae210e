// Wiring only: the CLI runs this file (`pulumi preview --policy-pack ./policy-pack`), and constructing the
// PolicyPack starts its gRPC server. Never import it from tests; use policies/ or evaluate.ts instead.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("bedrock-sfn", {
  description: "Catches, before deployment, IAM policies that would make Bedrock calls from Step Functions fail with AccessDenied.",
  enforcementLevel: "mandatory",
  policies,
});
