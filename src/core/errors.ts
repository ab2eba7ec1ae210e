// The one base type of every error that is the user's input, not a bug. Callers tell user errors apart with
// `instanceof BedrockSfnError` (or `isBedrockSfnError`) and `kind`, never by class name or message text.

/** What the user got wrong. */
export type BedrockSfnErrorKind =
  /** A component argument (`argument` names it). */
  | "argument"
  /** Stack config: a key, a stack file, a stack name. */
  | "config"
  /** Command-line use of the CLIs. */
  | "usage"
  /** A model identifier that is not one Bedrock takes. */
  | "model-id"
  /** A model that cannot be called from the Region, or routing config that contradicts what is known. */
  | "routing"
  /**
   * A model whose routing is unknown offline (a profile the catalog lacks, an application profile): AWS
   * (GetInferenceProfile) or config (destinationRegions, underlyingModelId) can tell, so it may deploy.
   */
  | "routing-unknown"
  /** A model past its end of life on Bedrock (every call fails): the message names the date and a successor. */
  | "model-lifecycle"
  /** A request parameter the model rejects, set explicitly (temperature for Opus 4.7-class Claude). */
  | "model-parameter"
  /** A model whose request/response format the workflow cannot speak. */
  | "model-family"
  /** A workflow definition that cannot be analysed into a role. */
  | "definition"
  /** Input given to the offline tools: execution input (--prompt, --input-file), stack outputs, a checkpoint. */
  | "input"
  /** The options of the policy pack's factory, `bedrockPolicies()` (`argument` names the option). */
  | "policy-pack-options";

// A registered symbol, so an error thrown by another copy of this class is recognised too: the published policy
// pack bundles its own copy (its factory's option errors), and a user's project may hold two versions of the
// library. `instanceof BedrockSfnError` holds across copies.
const BRAND = Symbol.for("bedrock-sfn.error");

export class BedrockSfnError extends Error {
  /**
   * @param kind what the user got wrong
   * @param argument the argument or setting the problem is about (a component argument such as `modelId`, or a
   *   config field), when there is one: the stack program maps it to its config key
   */
  constructor(
    readonly kind: BedrockSfnErrorKind,
    message: string,
    readonly argument?: string,
  ) {
    super(message);
    this.name = new.target.name;
    // Not a declared field: the brand stays out of the type, so shipped declarations (the pack's) can describe it.
    Object.defineProperty(this, BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses keep the ordinary prototype check; the base recognises every copy's errors by the brand.
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of instanceof (a subclass or the base), not BedrockSfnError
    if (this !== BedrockSfnError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return isBedrockSfnError(value);
  }
}

/** True for an error of this library (any copy of it): the user's input, with a `kind`. */
export function isBedrockSfnError(value: unknown): value is BedrockSfnError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
