// API Gateway mapping templates rendered locally: Velocity by velocityjs (maintained, the engine itself is not ours),
// with API Gateway's variables written on top: $input (body, json, path, params), $util (escapeJavaScript,
// parseJson, urlEncode/urlDecode, base64Encode/base64Decode), $context (request, identity, stage, error,
// responseOverride) and the Java String methods templates call (replaceAll, matches) that JavaScript strings lack.
import { JSONPath } from "jsonpath-plus";
import { render } from "velocityjs";

type CompileConfig = NonNullable<Parameters<typeof render>[3]>;

export interface TemplateRequest {
  /** The raw body: the client's request (request templates) or the integration's answer (response templates). */
  body: string;
  /** Request parameters, as `$input.params(name)` finds them: path first, then query string, then headers. */
  params?: { path?: Record<string, string>; querystring?: Record<string, string>; header?: Record<string, string> };
  context: Record<string, unknown>;
  stageVariables?: Record<string, string>;
}

export interface RenderedTemplate {
  output: string;
  /** `$context.responseOverride.status`, when the template set it. */
  statusOverride?: number;
  headerOverrides: Record<string, string>;
}

/** A body that `$input.json`/`$input.path` cannot parse; API Gateway answers 400 with this message. */
export class BodyNotJsonError extends Error {
  override name = "BodyNotJsonError";
}

export function renderMappingTemplate(template: string, request: TemplateRequest): RenderedTemplate {
  let parsed: { value: unknown } | undefined;
  const body = (): unknown => {
    if (parsed) return parsed.value;
    try {
      parsed = { value: request.body.trim() === "" ? {} : JSON.parse(request.body) };
    } catch (error) {
      throw new BodyNotJsonError(`Could not parse request body into json: ${(error as Error).message}`);
    }
    return parsed.value;
  };
  const select = (path: string): unknown => {
    const found = JSONPath({ path: String(path), json: body() as object, wrap: true }) as unknown[];
    return found.length === 0 ? undefined : found.length === 1 && !/[*]|\.\.|\[\?/.test(String(path)) ? found[0] : found;
  };
  const params = { path: {}, querystring: {}, header: {}, ...request.params };
  const responseOverride: { status?: number; header: Record<string, string> } = { header: {} };
  const context = { ...request.context, responseOverride };

  const input = {
    body: request.body,
    json: (path: string) => JSON.stringify(select(path) ?? null),
    path: (path: string) => withoutNulls(select(path)),
    // Header names match case-insensitively, as HTTP headers do.
    params: (name?: string) => {
      if (name === undefined) return params;
      const header = Object.entries(params.header).find(([key]) => key.toLowerCase() === String(name).toLowerCase());
      return params.path[name as keyof typeof params.path] ?? params.querystring[name as keyof typeof params.querystring] ?? header?.[1] ?? "";
    },
  };
  const output = render(template, { input, util: UTIL, context, stageVariables: request.stageVariables ?? {} }, {}, CONFIG);
  const status = responseOverride.status === undefined ? undefined : Number(responseOverride.status);
  return { output, statusOverride: Number.isInteger(status) ? status : undefined, headerOverrides: { ...responseOverride.header } };
}

/**
 * Java's Velocity treats a null value as an absent one (`$!x` renders nothing, `#if($x)` is false); velocityjs
 * renders null as "null". Values handed to templates drop their nulls so that templates behave as on AWS.
 */
function withoutNulls(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, withoutNulls(v)]),
    );
  }
  return value;
}

/** `$util`: the functions API Gateway documents for mapping templates. */
const UTIL = {
  escapeJavaScript: (value: unknown) => (value === null || value === undefined ? "" : escapeJavaScript(String(value))),
  parseJson: (text: unknown) => withoutNulls(JSON.parse(String(text))),
  urlEncode: (value: unknown) => encodeURIComponent(String(value)).replace(/%20/g, "+"),
  urlDecode: (value: unknown) => decodeURIComponent(String(value).replace(/\+/g, "%20")),
  base64Encode: (value: unknown) => Buffer.from(String(value), "utf8").toString("base64"),
  base64Decode: (value: unknown) => Buffer.from(String(value), "base64").toString("utf8"),
};

/**
 * JavaScript string rules as API Gateway applies them (Apache Commons' escapeJavaScript): `"`, `'`, `\` and `/`
 * backslash-escaped, control characters as \b \f \n \r \t or \u00XX, and every character above U+007F as \uXXXX.
 * The `\'` it writes is why templates follow it with `.replaceAll("\\'", "'")` before using it in JSON.
 */
export function escapeJavaScript(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const code = text.charCodeAt(i);
    if (code > 0x7f) out += `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
    else if (code < 0x20) out += SHORT_ESCAPES[ch] ?? `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
    else if (ch === '"' || ch === "'" || ch === "\\" || ch === "/") out += `\\${ch}`;
    else out += ch;
  }
  return out;
}
const SHORT_ESCAPES: Record<string, string> = { "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

// Java's String#replaceAll and #matches take regular expressions; JavaScript's replaceAll with a string pattern
// would match it literally. The patterns templates use are in the syntax both languages share.
const javaString = (property: string, run: (text: string, params: unknown[]) => unknown) => ({
  uid: `java-string-${property}`,
  match: ({ property: called, context }: { property: string; context: unknown }) => called === property && typeof context === "string",
  resolve: ({ context, params }: { context: unknown; params: unknown[] }) => run(context as string, params),
});

const CONFIG: CompileConfig = {
  escape: false,
  customMethodHandlers: [
    javaString("replaceAll", (text, [pattern, replacement]) => text.replace(new RegExp(String(pattern), "g"), String(replacement))),
    javaString("matches", (text, [pattern]) => new RegExp(`^(?:${String(pattern)})$`).test(text)),
  ],
};

/**
 * A gateway response template: plain `$context.a.b` substitution, no VTL (as API Gateway renders them). Values
 * are written as JSON string content, so the template's quotes around them hold whatever they contain.
 */
export function renderGatewayResponse(template: string, context: Record<string, unknown>): string {
  return template.replace(/\$context((?:\.[A-Za-z]\w*)+)/g, (_, path: string) => {
    const value = path
      .slice(1)
      .split(".")
      .reduce<unknown>((at, key) => (at !== null && typeof at === "object" ? (at as Record<string, unknown>)[key] : undefined), context);
    return value === undefined || value === null ? "" : JSON.stringify(String(value)).slice(1, -1);
  });
}
