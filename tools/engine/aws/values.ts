// Property values as a Node provider receives them: unknowns as a sentinel string during preview, secrets
// wrapped in an object carrying Pulumi's signature key. Checks read through the wrapping; outputs keep it.

/** The engine's stand-in for a value not known until deployment. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

export type Inputs = Record<string, unknown>;

/** A value wrapped as secret, as a provider receives it and as a checkpoint records it (there with ciphertext). */
export function isSecret(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIGNATURE_KEY] === SECRET_SIGNATURE;
}

/** Wraps a value the engine must keep secret (encrypted in the state, hidden in output). */
export function secretValue(value: unknown): unknown {
  return isSecret(value) ? value : { [SIGNATURE_KEY]: SECRET_SIGNATURE, value };
}

/** The plain value: secrets unwrapped, deeply. */
function plain(value: unknown): unknown {
  if (isSecret(value)) return plain(value.value);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** True when the value, or anything inside it, is not known yet. */
export function hasUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(hasUnknown);
  if (typeof value === "object" && value !== null) return Object.values(value).some(hasUnknown);
  return false;
}

/** A known string input, or undefined when it is absent or unknown. */
export function knownString(inputs: Inputs, key: string): string | undefined {
  const value = plain(inputs[key]);
  return typeof value === "string" && value !== UNKNOWN ? value : undefined;
}

/** The Region a regional resource is in: its own `region` input (@pulumi/aws 7), else its provider's. */
export function regionOf(inputs: Inputs, provider: { region: string }): string {
  return knownString(inputs, "region") ?? provider.region;
}

/** A known input of any type (secrets unwrapped), or undefined when absent or not fully known. */
export function known(inputs: Inputs, key: string): unknown {
  const value = plain(inputs[key]);
  return value === undefined || hasUnknown(value) ? undefined : value;
}

/** Structural equality of two property values, as the engine compares them. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export const now = (): string => new Date().toISOString();

/** A computed output AWS assigns once (IDs, creation dates): the recorded one on update, a new one on create. */
export function kept(previous: Inputs | undefined, key: string, make: () => string): string {
  const value = previous?.[key];
  return typeof value === "string" && value !== "" ? value : make();
}
