// Issue 17: routing by AWS's rules where they make data unnecessary, a dated catalog with sources that a catalog
// file extends, model lifecycle, and request bodies that fit the model.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { activeCatalog, stalenessNote, useBundledCatalog, validateCatalog } from "../../../src/bedrock/catalog";
import { type PolicyDocument, routedRequests } from "../../../src/bedrock/grants";
import { lifecycleFinding } from "../../../src/bedrock/lifecycle";
import { resolveModel } from "../../../src/bedrock/resolve";
import { generationSettingsForModelId, rejectedParameters } from "../../../src/bedrock/request-parameters";
import { MOCK_ACCOUNT } from "../../../tools/shared/mocks";
import { SynthResult, synthesize } from "../../../tools/cli/lib/synth";
import { simulate } from "../../support/simulate";
import { type InputResource, evaluateResources } from "../../../tools/shared/evaluate-pack";

const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const STATE_MACHINE = "aws:sfn/stateMachine:StateMachine";

function invokePolicy(result: SynthResult) {
  const policy = result.resources.find((r) => r.type === ROLE_POLICY && r.name.endsWith("-invoke"));
  assert.ok(policy, "the role's invoke policy");
  return JSON.parse(String(policy.inputs.policy)) as PolicyDocument & { Statement: { Action: string[]; Resource: string[] }[] };
}

function definitionOf(result: SynthResult): string {
  const machine = result.resources.find((r) => r.type === STATE_MACHINE);
  assert.ok(machine, "the state machine");
  return String(machine.inputs.definition);
}

const packInput = (result: SynthResult): InputResource[] => result.resources.map(({ outputs, ...r }) => ({ ...r, id: r.id, outputs }));
const mandatory = <V extends { enforcementLevel: string }>(violations: V[]): V[] => violations.filter((v) => v.enforcementLevel === "mandatory");

const bedrockStatements = (result: SynthResult) => invokePolicy(result).Statement.filter((s) => [s.Action].flat().some((a) => a.startsWith("bedrock:")));
// A body field in either query language: `\"temperature\": 0.5` inside a JSONata string, `"temperature":0.5` in JSONPath.
const SAMPLING_FIELD = /\\?"(temperature|top_p|top_k)\\?"\s*:/;

describe("model catalog, lifecycle and request parameters (issue 17)", function () {
  this.timeout(120_000);
  afterEach(() => useBundledCatalog());

  describe("the catalog file contract", () => {
    it("the bundled catalog is dated, and every lifecycle entry names its source", () => {
      const catalog = activeCatalog();
      assert.match(catalog._meta.snapshotDate, /^\d{4}-\d{2}-\d{2}$/);
      assert.ok(Object.keys(catalog.models).length > 0);
      for (const [id, model] of Object.entries(catalog.models)) assert.ok(model.source?.startsWith("https://"), `${id} names the page it came from`);
    });

    it("refuses a malformed file with one line naming the file and the field", () => {
      const base = { _meta: { snapshotDate: "2026-12-01" }, profiles: {}, models: {} };
      assert.throws(
        () => validateCatalog({ ...base, _meta: { snapshotDate: "12/01/2026" } }, "my.json"),
        /^CatalogError: catalog my\.json: _meta\.snapshotDate must be a date YYYY-MM-DD, got '12\/01\/2026'$/,
      );
      assert.throws(
        () => validateCatalog({ ...base, models: { "anthropic.claude-x": { status: "RETIRED" } } }, "my.json"),
        /catalog my\.json: models\['anthropic\.claude-x'\]\.status must be one of ACTIVE, LEGACY, EOL, got 'RETIRED'/,
      );
      assert.throws(
        () => validateCatalog({ ...base, profiles: { "us.a.b": { prefix: "us", foundationModelId: "a.b", sourceToDestinations: { "us-east-1": [] } } } }, "my.json"),
        /profiles\['us\.a\.b'\]\.sourceToDestinations\['us-east-1'\] must be "\*" or a non-empty list of Region names/,
      );
    });

    it("says once when the bundled catalog is over six months old, and how to refresh it", () => {
      const snapshot = new Date(`${activeCatalog()._meta.snapshotDate}T00:00:00Z`);
      assert.equal(stalenessNote(snapshot), undefined);
      const later = new Date(snapshot);
      later.setUTCMonth(later.getUTCMonth() + 7);
      assert.match(stalenessNote(later) ?? "", /^note: the bundled model catalog is from \d{4}-\d{2}-\d{2}, over 6 months ago; refresh it .*npx bedrock-sfn catalog/);
    });
  });

  describe("global profiles by rule", () => {
    // A model newer than the catalog: no entry for its profile, its model or its Regions.
    const NEW_MODEL = "anthropic.claude-sonnet-5";
    const PROFILE = `global.${NEW_MODEL}`;
    for (const region of ["us-east-1", "eu-west-1", "ap-south-1", "ap-south-2", "ap-northeast-1"]) {
      it(`synthesises ${PROFILE} offline from ${region} with exactly AWS's three-part policy, checked by iam-simulate`, async () => {
        const result = await synthesize({ stack: "dev", overrides: { "aws:region": region, "bedrock-sfn:modelId": PROFILE } });
        const profileArn = `arn:aws:bedrock:${region}:${MOCK_ACCOUNT}:inference-profile/${PROFILE}`;
        assert.deepEqual(
          bedrockStatements(result).map((s) => s.Resource),
          [[profileArn], [`arn:aws:bedrock:${region}::foundation-model/${NEW_MODEL}`], [`arn:aws:bedrock:::foundation-model/${NEW_MODEL}`]],
        );
        assert.ok(
          result.notes?.some((n) => n.includes(`'${PROFILE}' is not listed from ${region}`)),
          "a note says the catalog does not list the source Region",
        );
        const policy = invokePolicy(result);
        const model = resolveModel({ modelId: PROFILE, sourceRegion: region, account: MOCK_ACCOUNT });
        for (const request of routedRequests(model)) assert.equal(await simulate([policy], request, MOCK_ACCOUNT), "Allowed", `${request.why} from ${region}`);
        // Nothing else: the Regional model elsewhere, and another model through the same profile, are denied.
        const [, , regionless] = routedRequests(model);
        assert.notEqual(await simulate([policy], { ...regionless, resource: "arn:aws:bedrock:::foundation-model/anthropic.claude-opus-4-7" }, MOCK_ACCOUNT), "Allowed");
        assert.notEqual(await simulate([policy], { ...regionless, resource: `arn:aws:bedrock:us-west-2::foundation-model/${NEW_MODEL}` }, MOCK_ACCOUNT), "Allowed");
      });
    }

    it("offline, a geographic profile the catalog does not know keeps the error listing the ways to supply its routing", () => {
      assert.throws(
        () => resolveModel({ modelId: "us.anthropic.claude-sonnet-5", sourceRegion: "us-east-1", account: MOCK_ACCOUNT }),
        /not in the routing catalog; offline, set destinationRegions or catalogFile \(docs\/models\.md\), or deploy with AWS credentials/,
      );
    });

    it("when AWS's answer differs from the catalog, AWS's wins and one warning names both", () => {
      const profile = "apac.anthropic.claude-sonnet-4-20250514-v1:0";
      const catalogued = resolveModel({ modelId: profile, sourceRegion: "ap-northeast-1", account: MOCK_ACCOUNT });
      const live = resolveModel({
        modelId: profile,
        sourceRegion: "ap-northeast-1",
        account: MOCK_ACCOUNT,
        liveModelArns: ["ap-northeast-1", "ap-south-2"].map((r) => `arn:aws:bedrock:${r}::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0`),
      });
      assert.deepEqual(live.routing, { kind: "regions", regions: ["ap-northeast-1", "ap-south-2"] });
      assert.equal(live.notes?.length, 1);
      assert.match(live.notes![0], /^warning: AWS \(GetInferenceProfile\) routes .* to ap-northeast-1, ap-south-2, but the model catalog says .*; the role grants AWS's answer$/);
      assert.ok(live.notes![0].includes((catalogued.routing as { regions: string[] }).regions.join(", ")));
      const same = resolveModel({
        modelId: profile,
        sourceRegion: "ap-northeast-1",
        account: MOCK_ACCOUNT,
        liveModelArns: (catalogued.routing as { regions: string[] }).regions.map((r) => `arn:aws:bedrock:${r}::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0`),
      });
      assert.equal(same.notes, undefined);
    });
  });

  describe("lifecycle", () => {
    it("refuses an EOL model by name and date, suggesting its successor (exit 2 offline)", async () => {
      await assert.rejects(
        synthesize({ stack: "prod", overrides: { "bedrock-sfn:modelId": "us.anthropic.claude-3-7-sonnet-20250219-v1:0" } }),
        /anthropic\.claude-3-7-sonnet-20250219-v1:0\) reached end of life on Amazon Bedrock on 2026-04-28: every call to it fails; use anthropic\.claude-sonnet-4-6/,
      );
      const seed = lifecycleFinding("anthropic.claude-3-5-sonnet-20240620-v1:0");
      assert.equal(seed?.level, "error");
      assert.match(seed?.message ?? "", /^anthropic\.claude-3-5-sonnet-20240620-v1:0 reached end of life on Amazon Bedrock on 2026-03-01/);
    });

    it("warns once for a Legacy model, naming a successor, and deploys", async () => {
      const result = await synthesize({ stack: "dev", overrides: { "bedrock-sfn:modelId": "apac.anthropic.claude-sonnet-4-20250514-v1:0" } });
      const warnings = (result.notes ?? []).filter((n) => n.startsWith("warning:"));
      assert.equal(warnings.length, 1, warnings.join("\n"));
      assert.match(warnings[0], /is Legacy on Amazon Bedrock .*; use anthropic\.claude-sonnet-4-6 \(through an inference profile your Region offers\) instead$/);
    });

    it("the dev and prod stacks synthesise with no lifecycle warning", async () => {
      for (const stack of ["dev", "prod"]) {
        const result = await synthesize({ stack });
        assert.deepEqual(
          (result.notes ?? []).filter((n) => /warning|Legacy|end of life/.test(n)),
          [],
          stack,
        );
      }
    });

    it("the pack: a state machine calling an EOL model is a mandatory violation, a role granting only one an advisory", async () => {
      const result = await synthesize({ stack: "dev" });
      const resources = packInput(result).map((r) =>
        r.type === STATE_MACHINE || r.type === ROLE_POLICY
          ? { ...r, inputs: JSON.parse(JSON.stringify(r.inputs).replaceAll("claude-opus-4-6-v1", "claude-3-7-sonnet-20250219-v1:0")), outputs: undefined }
          : r,
      );
      const violations = (await evaluateResources(resources, { region: "ap-northeast-1" })).filter((v) => v.policyName === "bedrock-model-lifecycle");
      assert.equal(mandatory(violations).length, 1, violations.map((v) => v.message).join("\n"));
      assert.match(mandatory(violations)[0].message, /anthropic\.claude-3-7-sonnet-20250219-v1:0\) reached end of life on Amazon Bedrock on 2026-04-28/);
      const advisory = violations.filter((v) => v.enforcementLevel === "advisory");
      assert.equal(advisory.length, 1);
      assert.match(advisory[0].message, /grants bedrock:InvokeModel only on models past their end of life/);
      // The dev stack itself: nothing from this policy.
      assert.deepEqual(
        (await evaluateResources(packInput(result), { region: "ap-northeast-1" })).filter((v) => v.policyName === "bedrock-model-lifecycle"),
        [],
      );
    });

    it("leaves GovCloud alone: the lifecycle pages read are about the commercial Regions", () => {
      assert.equal(lifecycleFinding("us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0", undefined, "aws-us-gov"), undefined);
      assert.equal(lifecycleFinding("us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0")?.level, "error");
    });
  });

  describe("request bodies that fit the model", () => {
    it("Opus 4.7-class Claude rejects sampling parameters (the catalog's entry, and the rule for newer IDs)", () => {
      assert.deepEqual(rejectedParameters("anthropic.claude-opus-4-7").parameters, ["temperature", "top_p", "top_k"]);
      assert.deepEqual(rejectedParameters("anthropic.claude-opus-5").parameters, ["temperature", "top_p", "top_k"]);
      assert.deepEqual(rejectedParameters("anthropic.claude-opus-4-6-v1").parameters, []);
      assert.deepEqual(rejectedParameters("anthropic.claude-sonnet-4-20250514-v1:0").parameters, []);
      assert.deepEqual(generationSettingsForModelId({ modelId: "global.anthropic.claude-opus-4-7", maxTokens: 1024 }), { maxTokens: 1024 });
      assert.deepEqual(generationSettingsForModelId({ modelId: "global.anthropic.claude-opus-4-6-v1", maxTokens: 1024 }), { maxTokens: 1024, temperature: 0.5 });
    });

    for (const queryLanguage of ["JSONata", "JSONPath"]) {
      it(`the ${queryLanguage} definition body for an Opus 4.7-class model carries no sampling parameter`, async () => {
        const opus47 = await synthesize({ stack: "prod", overrides: { "bedrock-sfn:queryLanguage": queryLanguage } });
        assert.equal(opus47.outputs.modelId, "global.anthropic.claude-opus-4-7");
        assert.doesNotMatch(definitionOf(opus47), SAMPLING_FIELD);
        // The same stack on a model that takes temperature does carry it: the check above can fail.
        const opus46 = await synthesize({ stack: "prod", overrides: { "bedrock-sfn:queryLanguage": queryLanguage, "bedrock-sfn:modelId": "global.anthropic.claude-opus-4-6-v1" } });
        assert.match(definitionOf(opus46), SAMPLING_FIELD);
      });
    }

    it("an explicit temperature for a model that rejects it is refused, naming the model and the key", async () => {
      await assert.rejects(
        synthesize({ stack: "prod", overrides: { "bedrock-sfn:temperature": "0.2" } }),
        /bedrock-sfn:temperature = '0\.2': 'global\.anthropic\.claude-opus-4-7' \(anthropic\.claude-opus-4-7\) rejects temperature, top_p, top_k/,
      );
    });

    it("bounds maxTokens by the model's documented maximum", () => {
      assert.throws(() => generationSettingsForModelId({ modelId: "global.anthropic.claude-opus-4-7", maxTokens: 131072 }), /generates at most 128000 tokens a request/);
    });
  });

  describe("a catalog file extends and overrides the bundled data", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-catalog-"));
    const file = path.join(dir, "catalog.json");
    // A profile only this file knows (as `bedrock-sfn catalog` would write it from an account), and a lifecycle override.
    const PROFILE = "apac.anthropic.claude-sonnet-5";
    fs.writeFileSync(
      file,
      JSON.stringify({
        _meta: { what: "test fixture", snapshotDate: "2026-12-04", source: "ListInferenceProfiles (fixture)" },
        profiles: {
          [PROFILE]: {
            prefix: "apac",
            foundationModelId: "anthropic.claude-sonnet-5",
            sourceToDestinations: { "ap-northeast-1": ["ap-northeast-1", "ap-south-1", "ap-southeast-2"] },
          },
        },
        models: { "anthropic.claude-opus-4-6-v1": { status: "EOL", eolDate: "2026-12-01", successor: "anthropic.claude-opus-4-7" } },
      }),
    );

    it("a profile known only from the file gets the right role (component under mocks), checked by iam-simulate", async () => {
      const result = await synthesize({ stack: "dev", overrides: { "bedrock-sfn:modelId": PROFILE, "bedrock-sfn:catalogFile": file } });
      const statements = bedrockStatements(result);
      assert.deepEqual(
        statements[1].Resource,
        ["ap-northeast-1", "ap-south-1", "ap-southeast-2"].map((r) => `arn:aws:bedrock:${r}::foundation-model/anthropic.claude-sonnet-5`),
      );
      const model = resolveModel({ modelId: PROFILE, sourceRegion: "ap-northeast-1", account: MOCK_ACCOUNT });
      for (const request of routedRequests(model)) assert.equal(await simulate([invokePolicy(result)], request, MOCK_ACCOUNT), "Allowed", request.why);
    });

    it("the pack, given the file as its catalogFile config, judges that role right; without it, cannot confirm the routing", async () => {
      const result = await synthesize({ stack: "dev", overrides: { "bedrock-sfn:modelId": PROFILE, "bedrock-sfn:catalogFile": file } });
      useBundledCatalog();
      const region = result.config["aws:region"];
      const withFile = await evaluateResources(packInput(result), { region, config: { "bedrock-model-lifecycle": { catalogFile: file } } });
      assert.deepEqual(mandatory(withFile), [], withFile.map((v) => v.message).join("\n"));
      assert.ok(!withFile.some((v) => v.policyName === "bedrock-state-machine-role"), "the stack view confirms every routed Region");
      // Without the file a role missing one of the file's Regions would go unnoticed: the pack says it cannot judge.
      useBundledCatalog();
      const without = await evaluateResources(packInput(result), { region });
      assert.ok(
        without.some((v) => v.policyName === "bedrock-state-machine-role" && /routing catalog|cannot judge/.test(v.message)),
        without.map((v) => v.message).join("\n"),
      );
    });

    it("its lifecycle overrides the bundled lifecycle", async () => {
      await assert.rejects(
        synthesize({ stack: "dev", overrides: { "bedrock-sfn:catalogFile": file } }),
        /reached end of life on Amazon Bedrock on 2026-12-01: every call to it fails; use global\.anthropic\.claude-opus-4-7 instead/,
      );
    });

    it("a file that cannot be read is one line naming the key and the file", async () => {
      await assert.rejects(
        synthesize({ stack: "dev", overrides: { "bedrock-sfn:catalogFile": path.join(dir, "missing.json") } }),
        /bedrock-sfn:catalogFile = '.*missing\.json': catalog .*missing\.json: cannot be read \(ENOENT\)/,
      );
    });
  });
});
