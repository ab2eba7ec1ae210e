import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { checkSettings } from "../../config/check";
import { CONFIG_KEYS, ConfigError, parseSettings, settingsSchema } from "../../config/settings";

const root = path.resolve(__dirname, "..", "..");
const base = { region: "us-east-1", modelId: "anthropic.claude-3-haiku-20240307-v1:0" };

describe("stack settings", () => {
  it("applies the same defaults as Pulumi.yaml's config schema", () => {
    const project = parseYaml(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { config: Record<string, { default?: unknown }> };
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
    assert.deepEqual(Object.keys(project.config).sort(), Object.values(CONFIG_KEYS).filter((k) => k !== "aws:region").sort());
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
    [{ maxTokens: "1e9" }, /^bedrock-sfn:maxTokens = '1e9': must be at most 131072$/m],
    [{ temperature: "7" }, /^bedrock-sfn:temperature = '7': must be at most 1$/m],
    [{ temperature: "warm" }, /^bedrock-sfn:temperature = 'warm': must be a number$/m],
    [{ logRetentionDays: "10" }, /^bedrock-sfn:logRetentionDays = '10': must be one of 1, 3, 5, 7, 14, 30/m],
    [{ region: "tokyo" }, /^aws:region = 'tokyo': must be an AWS Region name/m],
    [{ modelId: undefined }, /^bedrock-sfn:modelId = \(not set\): is required/m],
    [{ destinationRegions: "us-east-1,mars" }, /^bedrock-sfn:destinationRegions = 'us-east-1,mars': must be a list of AWS Region names/m],
  ];
  for (const [override, message] of bad) {
    it(`rejects ${JSON.stringify(override)} naming key, value and choices`, () => {
      assert.throws(() => parseSettings({ ...base, ...override }), (e: Error) => e instanceof ConfigError && message.test(e.message));
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
    assert.throws(() => checkSettings(settings), (e: Error) => e instanceof ConfigError && /^bedrock-sfn:modelId = 'jp\.anthropic[^']*': inference profile .* cannot be called from Region 'us-east-1'.*ap-northeast-1, ap-northeast-3$/.test(e.message));
    const unsupported = parseSettings({ region: "us-east-1", modelId: "amazon.titan-embed-text-v2:0" });
    assert.throws(() => checkSettings(unsupported), /bedrock-sfn:modelId = 'amazon\.titan-embed-text-v2:0': .*not supported/);
    const provisioned = parseSettings({ region: "us-east-2", modelId: "arn:aws:bedrock:us-east-2:123456789012:provisioned-model/abc" });
    assert.throws(() => checkSettings(provisioned), /request format cannot be told from the identifier; set bedrock-sfn:modelFamily/);
    assert.doesNotThrow(() => checkSettings({ ...provisioned, modelFamily: "anthropic" }));
  });

  it("has a schema field for every config key", () => {
    assert.deepEqual(Object.keys(settingsSchema.shape).sort(), Object.keys(CONFIG_KEYS).sort());
  });
});
