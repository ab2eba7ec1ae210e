// Compile-time only: the shipped declarations (types/library.d.ts) describe library.ts exactly, both ways.
import type * as Real from "../library";
import type * as Shipped from "./library";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const checks: [
  Same<typeof Real.bedrockPolicies, typeof Shipped.bedrockPolicies>,
  Same<Real.BedrockPoliciesOptions, Shipped.BedrockPoliciesOptions>,
  Same<typeof Real.POLICY_NAMES, typeof Shipped.POLICY_NAMES>,
  Same<InstanceType<typeof Real.BedrockPoliciesOptionsError>, InstanceType<typeof Shipped.BedrockPoliciesOptionsError>>,
] = [true, true, true, true];
export default checks;
