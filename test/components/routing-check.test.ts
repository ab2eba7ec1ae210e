// Issue 17: in routingSource `auto`, a geographic profile the catalog knows is also checked against AWS
// (aws.bedrock.getInferenceProfile) where AWS answers: the same answer changes nothing; a different one wins, with
// one warning naming both; a failed call (no credentials, a mock without an answer) keeps the catalog's routing.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import type { BedrockStateMachine as Machine } from "../../src/index";
import type { ResolvedModel } from "../../src/bedrock/resolve";
import { catalogDestinations } from "../../src/bedrock/routing";
import { offlineMocks } from "../../tools/shared/mocks";

const PROFILE = "apac.anthropic.claude-sonnet-4-20250514-v1:0";
const MODEL = "anthropic.claude-sonnet-4-20250514-v1:0";
const SOURCE = "ap-northeast-1";
const INVOKE = "aws:bedrock/getInferenceProfile:getInferenceProfile";
const arn = (region: string) => `arn:aws:bedrock:${region}::foundation-model/${MODEL}`;

/** How the mocked AWS answers GetInferenceProfile: with these Regions' model ARNs, or by failing. */
let answer: string[] | "fail" = [];
const asked: string[] = [];

function catalogRegions(): string[] {
  const destinations = catalogDestinations(PROFILE, SOURCE);
  assert.ok(destinations?.kind === "regions");
  return destinations.regions;
}

const resolved = (machine: Machine) => new Promise<ResolvedModel>((resolve) => machine.models.apply((models) => resolve(models[0])));
const routed = (machine: Machine) => new Promise<string[]>((resolve) => machine.routedRegions.apply(resolve));

describe("BedrockStateMachine: auto routing checks the catalog against AWS", function () {
  this.timeout(60_000);
  let BedrockStateMachine: typeof Machine;

  before(async () => {
    const base = offlineMocks(SOURCE);
    await pulumi.runtime.setMocks(
      {
        ...base,
        call(args) {
          if (args.token !== INVOKE) return base.call(args);
          asked.push(String(args.inputs.inferenceProfileId));
          if (answer === "fail") throw new Error("no valid credential sources found\nsecond line");
          return { inferenceProfileId: args.inputs.inferenceProfileId, models: answer.map((r) => ({ modelArn: arn(r) })) };
        },
      },
      "bedrock-sfn",
      "dev",
      true,
    );
    // Imported after the mocks, so that the component registers with them.
    ({ BedrockStateMachine } = await import("../../src/index"));
  });
  beforeEach(() => {
    asked.length = 0;
  });

  const machine = (name: string, extra: Record<string, unknown> = {}) => new BedrockStateMachine(name, { modelId: PROFILE, region: SOURCE, ...extra });

  it("asks AWS, and keeps the catalog's routing without a note when AWS agrees", async () => {
    answer = catalogRegions();
    const m = machine("agree");
    const model = await resolved(m);
    assert.deepEqual(asked, [PROFILE]);
    assert.equal(model.routingSource, "catalog");
    assert.equal(model.notes, undefined);
    assert.deepEqual(await routed(m), catalogRegions());
  });

  it("grants AWS's answer when it differs, with one warning naming both", async () => {
    const catalog = catalogRegions();
    answer = [...catalog.filter((r) => r !== "ap-south-2"), "ap-east-2"];
    const m = machine("differ");
    const model = await resolved(m);
    assert.equal(model.routingSource, "live");
    assert.deepEqual(await routed(m), [...answer].sort());
    const warnings = (model.notes ?? []).filter((n) => n.startsWith("warning: "));
    assert.equal(warnings.length, 1, JSON.stringify(model.notes));
    assert.match(warnings[0], /GetInferenceProfile\) routes .* to .*ap-east-2/);
    assert.match(warnings[0], new RegExp(`the model catalog says ${catalog.join(", ")}`));
  });

  it("keeps the catalog's routing, with one short note, when the call fails or AWS names no model", async () => {
    const cases: [string, string[] | "fail"][] = [
      ["fails", "fail"],
      ["empty", []],
    ];
    for (const [name, given] of cases) {
      answer = given;
      const m = machine(name);
      const model = await resolved(m);
      assert.equal(model.routingSource, "catalog", name);
      assert.deepEqual(await routed(m), catalogRegions(), name);
      assert.equal(model.notes?.length, 1, name);
      assert.match(model.notes![0], /^note: routing of .* from the model catalog .*AWS was not asked to confirm it/);
      assert.doesNotMatch(model.notes![0], /second line/, "one line");
    }
  });

  it("does not ask AWS for routingSource catalog, configured Regions or a global profile", async () => {
    answer = ["us-east-1"];
    await resolved(machine("catalog", { routingSource: "catalog" }));
    await resolved(machine("configured", { destinationRegions: catalogRegions() }));
    await resolved(new BedrockStateMachine("global", { modelId: `global.${MODEL}`, region: SOURCE }));
    assert.deepEqual(asked, []);
  });
});
