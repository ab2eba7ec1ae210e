// --format sarif: a SARIF 2.1.0 log that the OASIS schema accepts (checked with ajv's draft-04 validator against the
// schema file @microsoft/jest-sarif publishes; unicodeRegExp off: its `language` pattern is not valid under the u flag), with
// one rule per pack policy and results located at file:line.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import Ajv from "ajv-draft-04";
import { policies } from "../../../policy-pack/policies";
import { main } from "../../../tools/cli/check";

const FIXTURES = path.resolve(__dirname, "../../fixtures/check");
const SCHEMA = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json") as Record<string, unknown>;

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string; fullDescription: { text: string }; help?: { text: string } }[] } };
    results: {
      ruleId: string;
      ruleIndex?: number;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[];
    }[];
    invocations: { toolExecutionNotifications: { message: { text: string } }[] }[];
  }[];
}

async function sarif(files: string[], extra: string[] = []): Promise<{ code: number; log: SarifLog }> {
  let out = "";
  const code = await main(["--format", "sarif", "--region", "us-east-1", ...extra, ...files], (t) => {
    out += t;
  });
  return { code, log: JSON.parse(out) as SarifLog };
}

describe("bedrock-sfn check --format sarif", () => {
  const validate = new Ajv({ strict: false, validateFormats: false, unicodeRegExp: false }).compile(SCHEMA);

  it("validates against the SARIF 2.1.0 schema, with findings from every format and notes", async () => {
    const files = ["sam-profile-source-region-only.yaml", "cdk-invoke-model-profile.template.json", "terraform-plan-source-region-only.json", "policy-profile-only.json"].map((f) =>
      path.relative(process.cwd(), path.join(FIXTURES, f)),
    );
    const { code, log } = await sarif(files);
    assert.equal(code, 1);
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 1));
    assert.equal(log.version, "2.1.0");
    // The validator does refuse what is not SARIF 2.1.0.
    assert.equal(validate({ ...log, version: "2.0.0" }), false);
    assert.equal(validate({ ...log, runs: [{ ...log.runs[0], results: [{ level: "fatal" }] }] }), false);
    const run = log.runs[0];
    assert.ok(run.results.length >= 4);
    assert.ok(new Set(run.results.map((r) => r.locations[0].physicalLocation.artifactLocation.uri)).size === 4);
  });

  it("validates when there is nothing to report", async () => {
    const { code, log } = await sarif([path.join(FIXTURES, "policy-profile-all-regions.json")]);
    assert.equal(code, 0);
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 1));
    assert.deepEqual(log.runs[0].results, []);
  });

  it("lists the pack's policies as rules, and locates each result at the resource's line", async () => {
    const file = path.join(FIXTURES, "sam-profile-source-region-only.yaml");
    const { log } = await sarif([file], ["--account", "111122223333"]);
    const { rules } = log.runs[0].tool.driver;
    assert.deepEqual(
      rules.map((r) => r.id),
      policies.map((p) => p.name),
    );
    const routed = log.runs[0].results.find((r) => r.ruleId === "bedrock-profile-routed-regions");
    assert.equal(routed?.level, "error");
    assert.equal(rules[routed?.ruleIndex ?? -1]?.id, "bedrock-profile-routed-regions");
    assert.equal(routed?.locations[0].physicalLocation.region?.startLine, 38);
    assert.match(routed?.message.text ?? "", /us-west-2::foundation-model/);
    assert.equal(rules[0].fullDescription.text, policies[0].description);
    assert.equal(rules[0].help?.text, policies[0].remediationSteps);
  });
});
