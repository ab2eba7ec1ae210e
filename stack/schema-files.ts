// What derives from the settings' schema: Pulumi.yaml's config section (so the Pulumi CLI checks the same types, and
// every key's description, limits and default live in one file), which `npm run schema` writes and a test keeps
// current; and the settings table that `npm run -s schema -- --table` prints (no page keeps a copy of it).
import { parseDocument } from "yaml";
import type { ArgumentSpec } from "../components/arguments";
import { CONFIG_KEYS, SETTINGS, type Settings } from "./settings";

/** Pulumi.yaml's config types: it has no number type, so a number is declared a string (stack/settings.ts reads it). */
const PULUMI_TYPES = { string: "string", integer: "integer", number: "string", boolean: "boolean", list: "array", map: "string" } as const;

const entries = () => Object.entries(SETTINGS) as [keyof Settings, ArgumentSpec][];

/** The config section: every project key with its type, description and default. */
function pulumiConfigSchema(): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [field, spec] of entries()) {
    // Keys of other namespaces (aws:region) belong to their provider.
    if (CONFIG_KEYS[field].includes(":") && !CONFIG_KEYS[field].startsWith(`${SETTINGS_NAMESPACE}:`)) continue;
    const type = PULUMI_TYPES[spec.kind];
    // The CLI requires a value for a declared key without a default: optional keys default to empty ("not set").
    const fallback = spec.defaultDoc === "(required)" ? undefined : spec.kind === "list" ? [] : "";
    const value = spec.default === undefined ? fallback : spec.kind === "number" ? String(spec.default) : spec.default;
    config[field] = {
      type,
      ...(type === "array" ? { items: { type: "string" } } : {}),
      description: `${spec.doc}${limitsOf(spec) ? ` (${limitsOf(spec)})` : ""}`,
      ...(value === undefined ? {} : { default: value }),
    };
  }
  return config;
}

const SETTINGS_NAMESPACE = CONFIG_KEYS.modelId.split(":")[0];

/** Pulumi.yaml with its config section rewritten from the schema (the rest kept as written). */
export function pulumiYaml(current: string): string {
  const doc = parseDocument(current);
  doc.set("config", pulumiConfigSchema());
  return doc.toString({ lineWidth: 0 });
}

/** "1 to 131072", "STANDARD, EXPRESS": the values an argument takes, in words. */
function limitsOf(spec: ArgumentSpec): string {
  if (spec.choices) return `one of ${spec.choices.join(", ")}`;
  if (spec.kind === "string" && spec.max !== undefined) return `at most ${spec.max} characters`;
  if (spec.min !== undefined && spec.max !== undefined) return `${spec.min} to ${spec.max}`;
  return "";
}

/** The settings as a Markdown table: key, default, values, what it does. */
export function settingsTable(): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const rows = entries().map(([field, spec]) => {
    const shown = spec.default !== undefined ? `\`${spec.default}\`` : spec.required ? "(required)" : (spec.defaultDoc ?? "(none)");
    return `| \`${CONFIG_KEYS[field]}\` | ${cell(shown)} | ${cell(limitsOf(spec) || spec.kind)} | ${cell(spec.doc)} |`;
  });
  return ["| Key | Default | Values | What it does |", "| --- | --- | --- | --- |", ...rows].join("\n");
}
