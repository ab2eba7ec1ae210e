// The API front door's config keys: defaults (off, SigV4), coercion, and errors that name key, value and choices.
import * as assert from "node:assert/strict";
import { ConfigError, parseSettings } from "../../stack/settings";

const base = { region: "us-east-1", modelId: "anthropic.claude-3-haiku-20240307-v1:0" };

describe("API front door settings", () => {
  it("is off by default, and secure when on: SigV4, 10 requests per second, bursts of 20", () => {
    const s = parseSettings(base);
    assert.deepEqual([s.api, s.apiAuth, s.apiRateLimit, s.apiBurstLimit], ["none", "iam", 10, 20]);
    const on = parseSettings({ ...base, api: "rest", apiAuth: "apiKey", apiRateLimit: "50", apiBurstLimit: "100" });
    assert.deepEqual([on.api, on.apiAuth, on.apiRateLimit, on.apiBurstLimit], ["rest", "apiKey", 50, 100]);
  });

  it("names the key, the value and the choices in one line per problem", () => {
    assert.throws(
      () => parseSettings({ ...base, api: "http", apiAuth: "cognito", apiRateLimit: "0", apiBurstLimit: "lots" }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        const lines = e.message.split("\n");
        assert.equal(lines.length, 4, e.message);
        assert.ok(lines.includes("bedrock-sfn:api = 'http': must be one of none, rest"), e.message);
        assert.ok(lines.includes("bedrock-sfn:apiAuth = 'cognito': must be one of iam, apiKey"), e.message);
        assert.ok(lines.includes("bedrock-sfn:apiRateLimit = '0': must be at least 1"), e.message);
        assert.ok(lines.includes("bedrock-sfn:apiBurstLimit = 'lots': must be a whole number, written in digits (e.g. 1024)"), e.message);
        return true;
      },
    );
  });
});
