// The components' `@default` docs say what src/core/defaults.ts applies: a library user reads the docs, the component
// applies DEFAULTS / API_DEFAULTS, and neither may drift from the other.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { API_ARGUMENTS, API_DEFAULTS, DEFAULTS, PAYLOAD_BUCKET_ARGUMENTS, STATE_MACHINE_ARGUMENTS } from "../../components/arguments";
import { DEFAULT_INPUT_PREFIX, DEFAULT_OUTPUT_PREFIX } from "../../src/workflow/contract";

const root = path.resolve(__dirname, "..", "..");

/** Argument name -> the literal its doc comment gives after `@default`, for every literal (JSON) default. */
function documentedDefaults(file: string): Map<string, unknown> {
  const text = fs.readFileSync(path.join(root, file), "utf8");
  const found = new Map<string, unknown>();
  for (const match of text.matchAll(/@default (.+)\n\s*\*\/\n\s*(\w+)\?:/g)) {
    try {
      found.set(match[2], JSON.parse(match[1].trim()));
    } catch {
      // Prose ("the provider's Region"): not a value to compare.
    }
  }
  return found;
}

/** The fields of the file's exported args interface that carry a doc comment. */
function documentedFields(file: string): Set<string> {
  const text = fs.readFileSync(path.join(root, file), "utf8");
  const body = /export interface \w+Args \{([\s\S]*?)\n\}/.exec(text)?.[1] ?? "";
  return new Set([...body.matchAll(/\*\/\n\s*(\w+)\??:/g)].map((m) => m[1]));
}

describe("the components' documented defaults", () => {
  const schemas: [string, Record<string, unknown>][] = [
    ["components/bedrock-state-machine.ts", STATE_MACHINE_ARGUMENTS],
    ["components/api-front-door.ts", API_ARGUMENTS],
    ["components/payload-bucket.ts", PAYLOAD_BUCKET_ARGUMENTS],
  ];
  for (const [file, schema] of schemas) {
    it(`${path.basename(file)}: every argument of the schema is a documented field of the args interface`, () => {
      const fields = documentedFields(file);
      for (const argument of Object.keys(schema)) assert.ok(fields.has(argument), `${file} documents ${argument}`);
    });
  }

  const cases: [string, Record<string, unknown>][] = [
    ["components/bedrock-state-machine.ts", DEFAULTS],
    [
      "components/api-front-door.ts",
      { auth: API_DEFAULTS.auth, rateLimit: API_DEFAULTS.rateLimit, burstLimit: API_DEFAULTS.burstLimit, logRetentionDays: API_DEFAULTS.logRetentionDays },
    ],
    ["components/payload-bucket.ts", { retentionDays: DEFAULTS.payloadRetentionDays, inputPrefix: DEFAULT_INPUT_PREFIX, outputPrefix: DEFAULT_OUTPUT_PREFIX }],
  ];
  for (const [file, applied] of cases) {
    it(`${path.basename(file)}: every @default of a value src/core/defaults.ts owns is that value`, () => {
      const documented = documentedDefaults(file);
      for (const [argument, value] of Object.entries(applied)) {
        assert.ok(documented.has(argument), `${file} documents the default of ${argument}`);
        assert.deepEqual(documented.get(argument), value, `${file}: ${argument}`);
      }
    });
  }
});
