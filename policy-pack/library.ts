// The pack as a library, for an organisation that assembles its own pack from these policies (no side effects:
// importing it starts nothing). Bundled to dist/library.js; `require("bedrock-sfn-policy-pack/library")`.
export { BedrockPoliciesOptions, BedrockPoliciesOptionsError, POLICY_NAMES, bedrockPolicies } from "./policies/factory";
