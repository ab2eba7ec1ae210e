// Resource properties as plain data. During `pulumi preview` some values are not known yet: @pulumi/policy hands
// them over behind a proxy that throws on access. We copy the properties once, turning each unknown into an
// `Unknown` marker, so that a policy can say "cannot judge during preview" instead of failing as a whole.

/** A value Pulumi will only know after deployment. */
export class Unknown {
  constructor(readonly path: string) {}
  toString(): string {
    return `<unknown during preview: ${this.path}>`;
  }
}

// The sentinels of Pulumi's analyzer protocol for unknown values, one per type (@pulumi/policy's proxy.ts).
const UNKNOWN_SENTINELS = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string (also the engine's generic unknown)
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

// @pulumi/policy's proxy answers these two keys without checking for unknowns.
const IS_PROXY = "__isSpecialProxy";
const PROXY_TARGET = "__getSpecialProxyTarget";

function unwrapProxy(value: unknown): unknown {
  if (typeof value === "object" && value !== null && (value as Record<string, unknown>)[IS_PROXY] === true) {
    return (value as Record<string, unknown>)[PROXY_TARGET];
  }
  return value;
}

/** A plain copy of resource properties, with `Unknown` in place of every value not known during preview. */
export function plainProperties(props: unknown): Record<string, unknown> {
  const copy = toPlain(unwrapProxy(props), "");
  return typeof copy === "object" && copy !== null && !Array.isArray(copy) && !(copy instanceof Unknown) ? (copy as Record<string, unknown>) : {};
}

function toPlain(value: unknown, path: string): unknown {
  if (typeof value === "string") return UNKNOWN_SENTINELS.has(value) ? new Unknown(path || ".") : value;
  if (value instanceof Unknown) return value;
  if (Array.isArray(value)) return value.map((v, i) => toPlain(v, `${path}[${i}]`));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlain(v, path ? `${path}.${k}` : k);
    return out;
  }
  return value;
}

/** The first unknown inside a value, if any. */
export function findUnknown(value: unknown): Unknown | undefined {
  if (value instanceof Unknown) return value;
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = findUnknown(v);
      if (found) return found;
    }
  } else if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) {
      const found = findUnknown(v);
      if (found) return found;
    }
  }
  return undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function isUnknownValue(value: unknown): value is Unknown {
  return value instanceof Unknown;
}
