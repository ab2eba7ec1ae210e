// Declarations shipped with dist/library.js (the bundle carries no types). Kept in step with library.ts by
// types/check.ts, which `npm run typecheck` compiles.
import type { EnforcementLevel, Policies } from "@pulumi/policy";

/** The names of the pack's policies, as the CLI lists them and as `--policy-pack-config` keys them. */
export declare const POLICY_NAMES: string[];

export interface BedrockPoliciesOptions {
  /** Every policy at this level, unless `enforcementLevels` names it. Default: each policy's own level. */
  enforcementLevel?: EnforcementLevel;
  /** Per policy name, its enforcement level ("advisory", "mandatory", "remediate" or "disabled"). */
  enforcementLevels?: Record<string, EnforcementLevel>;
  /** Per policy name, configuration baked into the pack (the schema's default and what a direct call sees). */
  config?: Record<string, Record<string, unknown>>;
}

/**
 * A user error in the factory's options: names the option, the bad value and the valid choices. It is a
 * `BedrockSfnError` of the bedrock-sfn library (`instanceof BedrockSfnError` holds, across copies).
 */
export declare class BedrockPoliciesOptionsError extends Error {
  readonly kind: "policy-pack-options";
  /** The option the problem is about, e.g. `enforcementLevels.bedrock-least-privilege`. */
  readonly argument?: string;
  constructor(message: string, option?: string);
}

/** The pack's policies with the given levels and configuration; the defaults give exactly the published pack. */
export declare function bedrockPolicies(options?: BedrockPoliciesOptions): Policies;
