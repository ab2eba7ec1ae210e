// One reading of numbers and booleans: stack config strings are read as the Pulumi CLI reads Pulumi.yaml's types
// (strconv.Atoi for integers, exactly true/false for booleans; a decimal for numbers), and the library refuses the
// same values by name. test/engine/engine.test.ts puts the same strings to the real engine where it is built.
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parseSettings } from "../../stack/settings";
import { offlineMocks } from "../../tools/shared/mocks";

const base = { region: "us-east-1", modelId: "anthropic.claude-3-haiku-20240307-v1:0" };
const read = (key: string, value: string) => parseSettings({ ...base, [key]: value })[key as keyof ReturnType<typeof parseSettings>];

/** [setting, string, the value read or undefined when refused] */
const READINGS: [string, string, unknown][] = [
  ["maxTokens", "1000", 1000],
  ["maxTokens", "+5", 5],
  ["maxTokens", "007", 7],
  ["maxTokens", "1e3", undefined],
  ["maxTokens", "0x1", undefined],
  ["maxTokens", " 5", undefined],
  ["maxTokens", "5 ", undefined],
  ["maxTokens", "5.0", undefined],
  ["maxTokens", "1_000", undefined],
  ["temperature", "0.5", 0.5],
  ["temperature", ".5", 0.5],
  ["temperature", "1", 1],
  ["temperature", "5e-1", 0.5],
  ["temperature", "0x1", undefined],
  ["temperature", " 0.5", undefined],
  ["temperature", "NaN", undefined],
  ["temperature", "Infinity", undefined],
  ["temperature", "0.5abc", undefined],
  ["tracing", "true", true],
  ["tracing", "false", false],
  ["tracing", "True", undefined],
  ["tracing", "TRUE", undefined],
  ["tracing", "1", undefined],
  ["tracing", " true", undefined],
];

describe("one reading of numbers and booleans", () => {
  for (const [key, value, expected] of READINGS) {
    it(`${key} = ${JSON.stringify(value)} is ${expected === undefined ? "refused, naming the key and the value" : `read as ${expected}`}`, () => {
      if (expected !== undefined) {
        assert.equal(read(key, value), expected);
        return;
      }
      assert.throws(
        () => read(key, value),
        (e: unknown) => e instanceof ConfigError && e.message.startsWith(`bedrock-sfn:${key} = '${value}': must be `) && !e.message.includes("\n"),
      );
    });
  }

  it("a stack file's YAML numbers and booleans are the same values", () => {
    const s = parseSettings({ ...base, maxTokens: 2048, temperature: 0.2, tracing: true });
    assert.deepEqual([s.maxTokens, s.temperature, s.tracing], [2048, 0.2, true]);
  });

  describe("the library refuses the same values by argument name", () => {
    before(async () => {
      await pulumi.runtime.setMocks(offlineMocks("us-east-1"), "bedrock-sfn", "dev", true);
    });
    const refused: [string, unknown, RegExp][] = [
      ["temperature", Number.NaN, /temperature = 'NaN': must be a number$/],
      ["temperature", Number.POSITIVE_INFINITY, /temperature = 'Infinity': must be a number$/],
      ["maxTokens", "1000", /maxTokens = '1000': must be a whole number$/],
      ["maxTokens", 1e3 + 0.5, /maxTokens = '1000.5': must be a whole number$/],
      ["tracing", "true", /tracing = 'true': must be true or false$/],
    ];
    for (const [argument, value, message] of refused) {
      it(`${argument} = ${String(value)} (${typeof value})`, () => {
        const { BedrockStateMachine } = require("../../components/bedrock-state-machine") as typeof import("../../components/bedrock-state-machine");
        assert.throws(
          () => new BedrockStateMachine("bad", { modelId: base.modelId, [argument]: value }),
          (e: unknown) => e instanceof Error && (e as { argument?: string }).argument === argument && message.test(e.message),
        );
      });
    }
  });
});
