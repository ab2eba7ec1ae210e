// A user's own definition: read from a JSON or YAML file, then `${...}` placeholders replaced as SAM's
// DefinitionSubstitutions do. Substitution walks the parsed document's strings (never the raw text), so a
// value can never break the JSON around it; an unknown placeholder is an error naming it.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { DefinitionError } from "./analysis";

/** The placeholders every definition may use; the values come from the stack. */
const DEFINITION_SUBSTITUTIONS = ["PayloadBucket", "AWS::Region", "AWS::AccountId", "AWS::Partition"] as const;

export interface BuiltInSubstitutions {
  PayloadBucket: string;
  "AWS::Region": string;
  "AWS::AccountId": string;
  "AWS::Partition": string;
}

const PLACEHOLDER = /\$\{([^}]*)\}/g;
const USER_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Guards against a definition that is large enough to make the walk itself a problem. */
const MAX_DEFINITION_BYTES = 1024 * 1024;

/** Checks the user's substitution map: plain names, string values, no shadowing of the built-in ones. */
export function checkUserSubstitutions(user: Record<string, unknown>, key = "definitionSubstitutions"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(user)) {
    if ((DEFINITION_SUBSTITUTIONS as readonly string[]).includes(name)) {
      throw new DefinitionError(`${key}: '${name}' is set by the stack and cannot be overridden`, "definitionSubstitutions");
    }
    if (!USER_NAME.test(name)) throw new DefinitionError(`${key}: '${name}' is not a valid name (letters, digits and _, starting with a letter)`, "definitionSubstitutions");
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw new DefinitionError(`${key}: '${name}' must be a string, got ${JSON.stringify(value)}`, "definitionSubstitutions");
    }
    out[name] = String(value);
  }
  return out;
}

/** A copy of the definition with every `${Name}` in its strings (keys included) replaced. */
export function substituteDefinition(definition: unknown, builtIn: BuiltInSubstitutions, user: Record<string, string> = {}): unknown {
  const values: Record<string, string> = { ...checkUserSubstitutions(user), ...builtIn };
  const unknown = new Set<string>();
  const replace = (text: string): string =>
    text.replace(PLACEHOLDER, (whole, name: string) => {
      if (Object.hasOwn(values, name)) return values[name];
      unknown.add(name);
      return whole;
    });
  const visit = (value: unknown): unknown => {
    if (typeof value === "string") return replace(value);
    if (Array.isArray(value)) return value.map(visit);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [replace(k), visit(v)]));
    return value;
  };
  const result = visit(typeof definition === "string" ? parseDefinitionText(definition, "the definition") : definition);
  if (unknown.size > 0) {
    const names = [...unknown].map((n) => `\${${n}}`).join(", ");
    const known = [...DEFINITION_SUBSTITUTIONS, ...Object.keys(user)].map((n) => `\${${n}}`).join(", ");
    throw new DefinitionError(`the definition uses unknown substitution${unknown.size > 1 ? "s" : ""} ${names}; known: ${known} (add your own in definitionSubstitutions)`);
  }
  return result;
}

/**
 * Parses ASL text as JSON, or as YAML when it is not JSON; `source` names it in errors, `argument` is the errors'
 * argument (the setting the text came from).
 */
export function parseDefinitionText(text: string, source: string, argument?: string): Record<string, unknown> {
  if (Buffer.byteLength(text) > MAX_DEFINITION_BYTES) throw new DefinitionError(`${source} is over 1 MB; Step Functions accepts definitions up to 1 MB`, argument);
  let value: unknown;
  try {
    value = text.trimStart().startsWith("{") ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new DefinitionError(`${source} is neither JSON nor YAML: ${(error as Error).message.split("\n")[0]}`, argument);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new DefinitionError(`${source} must hold an ASL object with StartAt and States`, argument);
  const doc = value as Record<string, unknown>;
  if (typeof doc.StartAt !== "string" || !doc.States || typeof doc.States !== "object" || Array.isArray(doc.States)) {
    throw new DefinitionError(`${source} must hold an ASL object with StartAt (a state name) and States (an object of states)`, argument);
  }
  return doc;
}

/** Reads a definition file (path relative to `baseDir`, or absolute); its errors name `key` (argument "definitionFile"). */
export function loadDefinitionFile(file: string, baseDir: string, key = "definitionFile"): Record<string, unknown> {
  const full = path.resolve(baseDir, file);
  let text: string;
  try {
    text = fs.readFileSync(full, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DefinitionError(`${key} = '${file}': ${code === "ENOENT" ? `no such file (looked for ${full})` : (error as Error).message}`, "definitionFile");
  }
  return parseDefinitionText(text, `${key} = '${file}'`, "definitionFile");
}
