import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { checkSettings } from "../../stack/check";
import { CONFIG_KEYS, ConfigError, PROJECT, SETTINGS, parseSettings } from "../../stack/settings";
import { pulumiYaml, settingsTable } from "../../stack/schema-files";
import { API_DEFAULTS, DEFAULTS } from "../../components/arguments";
import { DEFAULT_API_TYPE } from "../../src/core/defaults";

const root = path.resolve(__dirname, "..", "..");
const base = { region: "us-east-1", modelId: "anthropic.claude-3-haiku-20240307-v1:0" };

describe("stack settings", () => {
  it("Pulumi.yaml's config section is what `npm run schema` writes", () => {
    const yaml = fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8");
    assert.equal(pulumiYaml(yaml), yaml, "Pulumi.yaml is stale: run npm run schema");
  });

  it("applies the same defaults as Pulumi.yaml's config schema", () => {
    const project = parseYaml(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, { default?: unknown }> };
    // The project name is the config namespace (stack/project.ts), and the engine's stack folder.
    assert.equal(project.name, PROJECT);
    // Keys without a namespace belong to the project's, as Pulumi reads them.
    project.config = Object.fromEntries(Object.entries(project.config).map(([k, v]) => [k.includes(":") ? k : `bedrock-sfn:${k}`, v]));
    const settings = parseSettings(base);
    for (const [field, key] of Object.entries(CONFIG_KEYS)) {
      if (key === "aws:region" || key === CONFIG_KEYS.modelId) continue;
      const declared = project.config[key];
      assert.ok(declared, `Pulumi.yaml declares ${key}`);
      const expected = declared.default === undefined ? undefined : parseSettings({ ...base, [field]: declared.default })[field as keyof typeof settings];
      assert.deepEqual(settings[field as keyof typeof settings], expected, key);
    }
    assert.deepEqual(
      Object.keys(project.config).sort(),
      Object.values(CONFIG_KEYS)
        .filter((k) => k !== "aws:region")
        .sort(),
    );
  });

  it("takes its defaults from src/core/defaults.ts, the API front door's included", () => {
    const settings = parseSettings(base);
    const fromLibrary = {
      ...DEFAULTS,
      api: DEFAULT_API_TYPE,
      apiAuth: API_DEFAULTS.auth,
      apiRateLimit: API_DEFAULTS.rateLimit,
      apiBurstLimit: API_DEFAULTS.burstLimit,
    };
    // temperature alone has no setting default: whether the user chose one decides what a model that rejects it
    // gets (bedrock/request-parameters.ts), and the library's default applies where the model takes it.
    assert.equal(settings.temperature, undefined);
    for (const [field, value] of Object.entries(fromLibrary)) if (field !== "temperature") assert.deepEqual(settings[field as keyof typeof settings], value, field);
  });

  it("is documented in the settings table (`npm run -s schema -- --table`) with the same defaults", () => {
    const rows = new Map([...settingsTable().matchAll(/^\| `([\w-]+:\w+)` \| ([^|]+) \|/gm)].map((m) => [m[1], m[2].trim()]));
    const settings = parseSettings(base);
    for (const [field, key] of Object.entries(CONFIG_KEYS)) {
      const shown = rows.get(key);
      assert.ok(shown, `the settings table lists ${key}`);
      if (shown === "(required)" || shown === "(derived)") continue;
      const actual = settings[field as keyof typeof settings];
      if (shown === "(none)") {
        assert.equal(actual, undefined, key);
        continue;
      }
      const literal = /^`([^`]+)`$/.exec(shown)?.[1];
      assert.ok(literal !== undefined, `${key}: the table shows its default as a literal, got ${shown}`);
      assert.deepEqual(parseSettings({ ...base, [field]: literal })[field as keyof typeof settings], actual, key);
    }
  });

  it("coerces strings the way the CLI stores them", () => {
    const s = parseSettings({ ...base, maxTokens: "2048", temperature: "0.2", tracing: "true", destinationRegions: "us-east-1, us-west-2" });
    assert.deepEqual([s.maxTokens, s.temperature, s.tracing, s.destinationRegions], [2048, 0.2, true, ["us-east-1", "us-west-2"]]);
    assert.deepEqual(parseSettings({ ...base, destinationRegions: '["eu-west-1"]' }).destinationRegions, ["eu-west-1"]);
  });

  const bad: [Record<string, unknown>, RegExp][] = [
    [{ workflowType: "BATCH" }, /^bedrock-sfn:workflowType = 'BATCH': must be one of STANDARD, EXPRESS$/m],
    [{ queryLanguage: "jsonpath" }, /^bedrock-sfn:queryLanguage = 'jsonpath': must be one of JSONata, JSONPath$/m],
    [{ maxTokens: "-5" }, /^bedrock-sfn:maxTokens = '-5': must be at least 1$/m],
    [{ maxTokens: "999999999" }, /^bedrock-sfn:maxTokens = '999999999': must be at most 131072$/m],
    [{ temperature: "7" }, /^bedrock-sfn:temperature = '7': must be at most 1$/m],
    [{ temperature: "warm" }, /^bedrock-sfn:temperature = 'warm': must be a number, written in decimal \(e\.g\. 0\.5\)$/m],
    [{ logRetentionDays: "10" }, /^bedrock-sfn:logRetentionDays = '10': must be one of 1, 3, 5, 7, 14, 30/m],
    [{ region: "tokyo" }, /^aws:region = 'tokyo': must be an AWS Region name/m],
    [{ modelId: undefined }, /^bedrock-sfn:modelId = \(not set\): is required/m],
    [{ destinationRegions: "us-east-1,mars" }, /^bedrock-sfn:destinationRegions = 'us-east-1,mars': must be a list of AWS Region names/m],
  ];
  for (const [override, message] of bad) {
    it(`rejects ${JSON.stringify(override)} naming key, value and choices`, () => {
      assert.throws(
        () => parseSettings({ ...base, ...override }),
        (e: Error) => e instanceof ConfigError && message.test(e.message),
      );
    });
  }

  it("reports every bad key at once", () => {
    assert.throws(
      () => parseSettings({ ...base, workflowType: "x", queryLanguage: "y" }),
      (e: Error) => e.message.split("\n").length === 2,
    );
  });

  it("checks the model against the Region before anything is deployed", () => {
    const settings = parseSettings({ region: "us-east-1", modelId: "jp.anthropic.claude-sonnet-4-5-20250929-v1:0" });
    assert.throws(
      () => checkSettings(settings),
      (e: Error) =>
        e instanceof ConfigError &&
        /^bedrock-sfn:modelId = 'jp\.anthropic[^']*': inference profile .* cannot be called from Region 'us-east-1'.*ap-northeast-1, ap-northeast-3$/.test(e.message),
    );
    const unsupported = parseSettings({ region: "us-east-1", modelId: "amazon.titan-embed-text-v2:0" });
    assert.throws(() => checkSettings(unsupported), /bedrock-sfn:modelId = 'amazon\.titan-embed-text-v2:0': .*not supported/);
    const provisioned = parseSettings({ region: "us-east-2", modelId: "arn:aws:bedrock:us-east-2:123456789012:provisioned-model/abc" });
    assert.throws(() => checkSettings(provisioned), /request format cannot be told from the identifier; set modelFamily/);
    assert.doesNotThrow(() => checkSettings({ ...provisioned, modelFamily: "anthropic" }));
  });

  it("checks every fallback model as it checks the model, naming bedrock-sfn:fallbackModels", () => {
    const chain = (fallbackModels: string, extra: Record<string, string> = {}) => parseSettings({ ...base, fallbackModels, ...extra });
    assert.doesNotThrow(() => checkSettings(chain('["us.amazon.nova-lite-v1:0", "meta.llama3-1-8b-instruct-v1:0"]')));
    assert.throws(
      () => checkSettings(chain('["jp.anthropic.claude-sonnet-4-5-20250929-v1:0"]')),
      /bedrock-sfn:fallbackModels 'jp\.anthropic[^']*': inference profile .* cannot be called from Region 'us-east-1'/,
    );
    assert.throws(() => checkSettings(chain('["amazon.titan-embed-text-v2:0"]')), /bedrock-sfn:fallbackModels 'amazon\.titan-embed-text-v2:0': .*not supported/);
    assert.throws(() => checkSettings(chain(`["${base.modelId}"]`)), /bedrock-sfn:fallbackModels '.*': listed twice/);
    assert.throws(() => checkSettings(chain(JSON.stringify(["a", "b", "c", "d", "e"]))), /bedrock-sfn:fallbackModels: 5 models given, at most 4/);
    assert.throws(() => chain('["us.amazon.nova-lite-v1:0"]', { queryLanguage: "JSONPath" }), /bedrock-sfn:fallbackModels .*needs bedrock-sfn:queryLanguage JSONata/);
  });

  it("has a schema field for every config key", () => {
    assert.deepEqual(Object.keys(SETTINGS).sort(), Object.keys(CONFIG_KEYS).sort());
  });
});

describe("settings for a definition of your own and guardrails", () => {
  const region = "us-east-1";
  it("needs modelId only without definitionFile", () => {
    assert.equal(parseSettings({ region, definitionFile: "examples/prompt-chain.asl.json" }).modelId, "");
    assert.throws(() => parseSettings({ region }), /bedrock-sfn:modelId = \(not set\): is required .*unless bedrock-sfn:definitionFile is set$/m);
  });

  it("reads allowedModels, extraPolicyFiles and definitionSubstitutions as the CLI stores them", () => {
    const s = parseSettings({
      region,
      definitionFile: "f.json",
      allowedModels: "us.amazon.nova-lite-v1:0, anthropic.claude-3-haiku-20240307-v1:0",
      extraPolicyFiles: '["p.json"]',
      definitionSubstitutions: '{"Topic": "news", "N": 3}',
    });
    assert.deepEqual(
      [s.allowedModels, s.extraPolicyFiles, s.definitionSubstitutions],
      [["us.amazon.nova-lite-v1:0", "anthropic.claude-3-haiku-20240307-v1:0"], ["p.json"], { Topic: "news", N: 3 }],
    );
    assert.throws(
      () => parseSettings({ region, definitionFile: "f.json", definitionSubstitutions: "Topic=news" }),
      /bedrock-sfn:definitionSubstitutions = 'Topic=news': must be a JSON object of names to strings/m,
    );
  });

  const combos: [Record<string, unknown>, RegExp][] = [
    [{ ...base, guardrailVersion: "1" }, /^bedrock-sfn:guardrailId = \(not set\): is required when bedrock-sfn:guardrailVersion is set/m],
    [{ ...base, guardrailId: "abc123" }, /^bedrock-sfn:guardrailVersion = \(not set\): is required when bedrock-sfn:guardrailId is set/m],
    [{ ...base, trace: "ENABLED" }, /^bedrock-sfn:guardrailId = \(not set\): is required when bedrock-sfn:trace is set/m],
    [{ ...base, guardrailId: "abc123", guardrailVersion: "latest" }, /^bedrock-sfn:guardrailVersion = 'latest': must be DRAFT or a version number/m],
    [{ ...base, guardrailId: "ABC 1", guardrailVersion: "1" }, /^bedrock-sfn:guardrailId = 'ABC 1': must be a guardrail ID/m],
    [{ ...base, guardrailId: "abc123", guardrailVersion: "1", trace: "on" }, /^bedrock-sfn:trace = 'on': must be one of ENABLED, DISABLED, ENABLED_FULL$/m],
    [
      { region, definitionFile: "f.json", guardrailId: "abc123", guardrailVersion: "1" },
      /^bedrock-sfn:guardrailId = 'abc123': bedrock-sfn:guardrailId, bedrock-sfn:guardrailVersion configure the built-in workflow/m,
    ],
    [{ ...base, allowedModels: "us.amazon.nova-lite-v1:0" }, /^bedrock-sfn:allowedModels = 'us\.amazon\.nova-lite-v1:0': applies only to a definition of your own/m],
    [{ ...base, definitionSubstitutions: '{"A": "b"}' }, /^bedrock-sfn:definitionSubstitutions = '\{"A": "b"\}': applies only to a definition of your own/m],
  ];
  for (const [raw, message] of combos) {
    it(`refuses ${JSON.stringify(raw).slice(0, 110)}`, () =>
      assert.throws(
        () => parseSettings(raw),
        (e: Error) => e instanceof ConfigError && message.test(e.message),
      ));
  }

  it("accepts a complete guardrail", () => {
    const s = parseSettings({ ...base, guardrailId: "abc123", guardrailVersion: "DRAFT", trace: "ENABLED_FULL" });
    assert.deepEqual([s.guardrailId, s.guardrailVersion, s.trace], ["abc123", "DRAFT", "ENABLED_FULL"]);
  });
});
