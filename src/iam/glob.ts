// IAM's glob: `*` is any run of characters, `?` exactly one, everything else literal. Matched without regular
// expressions and without backtracking: the pattern is split at its stars into parts; the first part must start the
// value, the last must end it, and every part between is found at its leftmost place after the previous one (for a
// glob, leftmost placement is always safe, so no earlier choice is ever revisited). Cost: O(|pattern| + |value| x
// longest part); the value side is always a short ARN, action or context value, so attacker-written patterns of any
// length and any number of stars stay linear (a `StringLike` of `******Z` used to take 22 s as a RegExp).
//
// Policy variables exist only in documents with `Version: "2012-10-17"`: there `${*}`, `${?}`, `${$}` are the literal
// characters and `${key}` / `${key, 'default'}` is replaced by the request's value; under `2008-10-17` (or no
// Version) the same text is literal, stars included.

/** One run of the pattern between stars; `any[i]` marks a `?` at position i (null when there is none). */
interface Part {
  text: string;
  any: boolean[] | null;
}

export interface CompiledGlob {
  /** The runs between stars; a pattern without stars has exactly one part and must equal the value. */
  parts: Part[];
  /** True when the pattern contains at least one `*`. */
  starred: boolean;
  caseInsensitive: boolean;
}

/** How a `${key}` variable is answered: its value, "unknown" when the request carries it but its value is not known here, or undefined when absent. */
export type VariableLookup = (key: string) => string | "unknown-value" | undefined;

export interface GlobOptions {
  caseInsensitive?: boolean;
  /** Honour `${...}` (Version 2012-10-17). Default true. */
  variables?: boolean;
  /** Answers policy variables; without it a variable (not an escape) stays literal text. */
  lookup?: VariableLookup;
}

export type CompileResult = { glob: CompiledGlob } | { unresolved: string };

const ESCAPES: Record<string, string> = { "*": "*", "?": "?", $: "$" };

/** Compiles a pattern; `unresolved` names a policy variable the lookup could not answer. */
export function compileGlob(pattern: string, options: GlobOptions = {}): CompileResult {
  const caseInsensitive = options.caseInsensitive ?? false;
  const variables = options.variables ?? true;
  const parts: Part[] = [];
  let text = "";
  let any: boolean[] | null = null;
  let starred = false;
  const push = (ch: string, wild: boolean) => {
    if (wild) {
      any ??= new Array<boolean>(text.length).fill(false);
      any.push(true);
      text += "?";
      return;
    }
    if (any) any.push(false);
    text += caseInsensitive ? ch.toLowerCase() : ch;
  };
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (variables && ch === "$" && pattern[i + 1] === "{") {
      const close = pattern.indexOf("}", i + 2);
      if (close > 0) {
        const inner = pattern.slice(i + 2, close);
        const escaped = ESCAPES[inner];
        if (escaped !== undefined) {
          push(escaped, false);
          i = close;
          continue;
        }
        if (options.lookup) {
          const { key, fallback } = splitVariable(inner);
          const value = options.lookup(key);
          const resolved = value === undefined ? fallback : value === "unknown-value" ? undefined : value;
          if (resolved === undefined) return { unresolved: key };
          for (const c of resolved) push(c, false);
          i = close;
          continue;
        }
      }
    }
    if (ch === "*") {
      parts.push({ text, any });
      text = "";
      any = null;
      starred = true;
    } else push(ch, ch === "?");
  }
  parts.push({ text, any });
  return { glob: { parts, starred, caseInsensitive } };
}

/** `aws:username, 'guest'` -> key and default (IAM's default-value syntax). */
function splitVariable(inner: string): { key: string; fallback?: string } {
  const comma = inner.indexOf(",");
  if (comma < 0) return { key: inner.trim() };
  const rest = inner.slice(comma + 1).trim();
  const quoted = rest.length >= 2 && rest.startsWith("'") && rest.endsWith("'");
  return { key: inner.slice(0, comma).trim(), fallback: quoted ? rest.slice(1, -1) : undefined };
}

/** Does part match the value at offset `at` exactly? */
function partAt(part: Part, value: string, at: number): boolean {
  const { text, any } = part;
  if (at + text.length > value.length) return false;
  if (!any) return value.startsWith(text, at);
  for (let j = 0; j < text.length; j++) {
    if (!any[j] && value.charCodeAt(at + j) !== text.charCodeAt(j)) return false;
  }
  return true;
}

/** Leftmost offset >= from where the part matches, ending at or before `limit`; -1 when none. */
function findPart(part: Part, value: string, from: number, limit: number): number {
  if (!part.any) {
    const at = value.indexOf(part.text, from);
    return at >= 0 && at + part.text.length <= limit ? at : -1;
  }
  for (let at = from; at + part.text.length <= limit; at++) if (partAt(part, value, at)) return at;
  return -1;
}

export function matchGlob(glob: CompiledGlob, rawValue: string): boolean {
  const value = glob.caseInsensitive ? rawValue.toLowerCase() : rawValue;
  const { parts } = glob;
  if (!glob.starred) return parts[0].text.length === value.length && partAt(parts[0], value, 0);
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (first.text.length + last.text.length > value.length) return false;
  if (!partAt(first, value, 0)) return false;
  const end = value.length - last.text.length;
  if (!partAt(last, value, end)) return false;
  let at = first.text.length;
  for (let p = 1; p < parts.length - 1; p++) {
    const part = parts[p];
    if (part.text.length === 0) continue;
    const found = findPart(part, value, at, end);
    if (found < 0) return false;
    at = found + part.text.length;
  }
  return true;
}

// Patterns without variables are compiled once; the cache is bounded so that a huge document cannot grow it forever.
const CACHE_LIMIT = 20_000;
// One map per (case, variables) mode, keyed by the pattern itself: no key string is built per call.
const caches = [new Map<string, CompiledGlob>(), new Map<string, CompiledGlob>(), new Map<string, CompiledGlob>(), new Map<string, CompiledGlob>()];

/** A compiled pattern without variable lookup (escapes honoured when `variables` is not false), cached. */
export function cachedGlob(pattern: string, caseInsensitive: boolean, variables = true): CompiledGlob {
  const cache = caches[(caseInsensitive ? 2 : 0) + (variables ? 1 : 0)];
  let glob = cache.get(pattern);
  if (!glob) {
    glob = (compileGlob(pattern, { caseInsensitive, variables }) as { glob: CompiledGlob }).glob;
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, glob);
  }
  return glob;
}

/** Position of the first policy variable (`${` not one of the three escapes), or -1. Linear scan, no RegExp. */
export function policyVariableAt(text: string): number {
  let from = 0;
  for (;;) {
    const at = text.indexOf("${", from);
    if (at < 0) return -1;
    const close = text.indexOf("}", at + 2);
    if (close < 0) return -1;
    if (ESCAPES[text.slice(at + 2, close)] === undefined) return at;
    from = close + 1;
  }
}

/** True when the text has a `*` or `?` that is not inside one of the escapes. */
export function hasUnescapedWildcard(text: string, variables = true): boolean {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (variables && ch === "$" && text[i + 1] === "{") {
      const close = text.indexOf("}", i + 2);
      if (close > 0 && ESCAPES[text.slice(i + 2, close)] !== undefined) {
        i = close;
        continue;
      }
    }
    if (ch === "*" || ch === "?") return true;
  }
  return false;
}
