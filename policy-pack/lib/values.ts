// Resource properties as plain data. During `pulumi preview` some values are not known yet: @pulumi/policy hands
// them over behind a proxy that throws on access. We copy the properties once, turning each unknown into an
// `Unknown` marker, so that a policy can say "cannot judge during preview" instead of failing as a whole.

/** A value Pulumi will only know after deployment. */
class Unknown {
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
  // Every policy reads the same resource: copy its properties once.
  const source = unwrapProxy(props);
  if (typeof source === "object" && source !== null) {
    const known = copies.get(source);
    if (known) return known;
  }
  const copy = toPlain(source);
  const result = typeof copy === "object" && copy !== null && !Array.isArray(copy) && !(copy instanceof Unknown) ? (copy as Record<string, unknown>) : {};
  if (typeof source === "object" && source !== null) copies.set(source, result);
  return result;
}

const copies = new WeakMap<object, Record<string, unknown>>();

// Iterative (an explicit work list, no recursion): a property nested thousands of levels deep cannot overflow the
// stack and make the whole resource unjudgeable.
function toPlain(root: unknown): unknown {
  const leaf = (value: unknown, path: string): unknown => (typeof value === "string" && UNKNOWN_SENTINELS.has(value) ? new Unknown(path || ".") : value);
  const isContainer = (value: unknown): value is object => typeof value === "object" && value !== null && !(value instanceof Unknown);
  if (!isContainer(root)) return leaf(root, "");
  const out: unknown = Array.isArray(root) ? [] : {};
  // Shared (or cyclic) objects are copied once: the copy keeps the sharing, so work stays linear in distinct objects.
  const done = new Map<object, unknown>([[root, out]]);
  const work: { from: object; to: Record<string, unknown> | unknown[]; path: string }[] = [{ from: root, to: out as Record<string, unknown>, path: "" }];
  while (work.length > 0) {
    const { from, to, path } = work.pop()!;
    const entries: [string, unknown][] = [];
    if (Array.isArray(from)) for (let i = 0; i < from.length; i++) entries.push([String(i), from[i]]);
    else for (const k of Object.keys(from)) entries.push([k, (from as Record<string, unknown>)[k]]);
    for (const [k, v] of entries) {
      const childPath = Array.isArray(from) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
      const value = unwrapProxy(v);
      let copy: unknown;
      if (isContainer(value)) {
        copy = done.get(value);
        if (copy === undefined) {
          copy = Array.isArray(value) ? [] : {};
          done.set(value, copy);
          work.push({ from: value, to: copy as Record<string, unknown>, path: childPath });
        }
      } else copy = leaf(value, childPath);
      if (Array.isArray(to)) to[Number(k)] = copy;
      else to[k] = copy;
    }
  }
  return out;
}

/** The first unknown inside a value, if any (iterative, like toPlain). */
export function findUnknown(value: unknown): Unknown | undefined {
  const work: unknown[] = [value];
  const seen = new Set<object>();
  while (work.length > 0) {
    const v = work.pop();
    if (v instanceof Unknown) return v;
    if (typeof v === "object" && v !== null) {
      if (seen.has(v)) continue;
      seen.add(v);
    }
    if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) work.push(v[i]);
    else if (typeof v === "object" && v !== null) work.push(...Object.values(v).reverse());
  }
  return undefined;
}

export function isUnknownValue(value: unknown): value is Unknown {
  return value instanceof Unknown;
}
