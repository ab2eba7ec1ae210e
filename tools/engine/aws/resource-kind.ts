// What the stand-in knows of one resource type: its replacement rules, its physical name, AWS's checks and what
// AWS computes. Apart from the kinds themselves (resources.ts, apigateway.ts), so that both import it one way.
import type { Inputs } from "./values";

export interface AccountContext {
  region: string;
  account: string;
  partition: string;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface ResourceKind {
  /** Inputs whose change replaces the resource (AWS cannot change them in place). */
  replaceOn: string[];
  /** The input holding the physical name, generated when absent (`namePrefix` honoured where AWS has one). */
  autoName?: { property: string; maxLength: number; lowercase?: boolean };
  validate?(inputs: Inputs): CheckFailure[];
  /** The ID and the outputs AWS computes, given the checked inputs (and, on update, the recorded outputs and `id`). */
  outputs(inputs: Inputs, ctx: AccountContext, previous?: Inputs): { id: string; computed: Inputs };
}
