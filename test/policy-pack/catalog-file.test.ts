// Issue 17: the pack's catalogFile config reaches the IAM policies, not only the stack view: a profile known only
// from a `bedrock-sfn catalog` file is judged (and remediated) at its routed Regions by bedrock-profile-routed-regions,
// and bedrock-inference-profile-arn suggests its profile.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { useBundledCatalog } from "../../src/bedrock/catalog";
import { routedRegionsPolicy } from "../../policy-pack/policies/routed-regions";
import { inferenceProfileArnPolicy } from "../../policy-pack/policies/inference-profile-arn";
import { ACCOUNT, allow, blocking, policyDocument, rolePolicy, run } from "./helpers";

const PROFILE_ID = "apac.anthropic.claude-opus-9-v1:0";
const MODEL_ID = "anthropic.claude-opus-9-v1:0";
const PROFILE = `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/${PROFILE_ID}`;
const REGIONS = ["ap-northeast-1", "ap-south-1", "ap-southeast-2"];
const model = (region: string) => `arn:aws:bedrock:${region}::foundation-model/${MODEL_ID}`;
const tiedModels = (regions: string[]) => allow(regions.map(model), { Condition: { StringEquals: { "bedrock:InferenceProfileArn": PROFILE } } });

describe("policy pack: catalogFile config for the IAM policies", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-pack-catalog-"));
  const file = path.join(dir, "catalog.json");
  fs.writeFileSync(
    file,
    JSON.stringify({
      _meta: { what: "test fixture", snapshotDate: "2026-12-05", source: "ListInferenceProfiles (fixture)" },
      profiles: { [PROFILE_ID]: { prefix: "apac", foundationModelId: MODEL_ID, sourceToDestinations: { "ap-northeast-1": REGIONS } } },
      models: {},
    }),
  );
  const routedConfig = { config: { "bedrock-profile-routed-regions": { catalogFile: file } } };

  beforeEach(() => useBundledCatalog());
  after(() => {
    useBundledCatalog();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("without the file, the profile's routing is unknown (a note, nothing judged)", async () => {
    const found = await run(routedRegionsPolicy, [rolePolicy("p", policyDocument(allow(PROFILE), tiedModels(["ap-northeast-1"])))]);
    assert.deepEqual(blocking(found), []);
    assert.ok(
      found.some((v) => /routing catalog does not list/.test(v.message)),
      found.map((v) => v.message).join("\n"),
    );
  });

  it("with the file, a role missing one of the file's Regions is a violation naming it; the complete role passes", async () => {
    const partial = await run(routedRegionsPolicy, [rolePolicy("p", policyDocument(allow(PROFILE), tiedModels(["ap-northeast-1", "ap-southeast-2"])))], routedConfig);
    assert.equal(blocking(partial).length, 1, partial.map((v) => v.message).join("\n"));
    assert.match(blocking(partial)[0].message, new RegExp(model("ap-south-1").replace(/[.*:]/g, "\\$&")));
    useBundledCatalog();
    const complete = await run(routedRegionsPolicy, [rolePolicy("p", policyDocument(allow(PROFILE), tiedModels(REGIONS)))], routedConfig);
    assert.deepEqual(complete, []);
  });

  it("remediation with the file adds the file's Regions", () => {
    const doc = policyDocument(allow([PROFILE, model("ap-northeast-1")]));
    const fixed = routedRegionsPolicy.remediateResource!({
      type: "aws:iam/rolePolicy:RolePolicy",
      props: { role: "r", policy: JSON.stringify(doc) },
      urn: "urn",
      name: "p",
      opts: {},
      getConfig: () => ({ catalogFile: file }),
    } as never) as { policy: string } | undefined;
    assert.ok(fixed, "the file's profile is remediated");
    const added = (JSON.parse(fixed.policy) as { Statement: { Resource: string[] }[] }).Statement.slice(1).flatMap((s) => s.Resource);
    assert.deepEqual(added.sort(), [model("ap-south-1"), model("ap-southeast-2")]);
  });

  it("bedrock-inference-profile-arn with the file suggests the file's profile for a model granted across Regions", async () => {
    const doc = policyDocument(allow(REGIONS.map(model)));
    const suggested = `arn:aws:bedrock:ap-northeast-1:<account-id>:inference-profile/${PROFILE_ID}`;
    const without = await run(inferenceProfileArnPolicy, [rolePolicy("p", doc)]);
    assert.ok(!blocking(without)[0].message.includes(suggested), "the bundled catalog does not know the profile");
    useBundledCatalog();
    const found = await run(inferenceProfileArnPolicy, [rolePolicy("p", doc)], { config: { "bedrock-inference-profile-arn": { catalogFile: file } } });
    assert.equal(blocking(found).length, 1);
    assert.ok(blocking(found)[0].message.includes(suggested), blocking(found)[0].message);
  });

  it("a catalog file that cannot be read is one violation naming the policy and the file", async () => {
    const missing = path.join(dir, "absent.json");
    const found = await run(routedRegionsPolicy, [rolePolicy("p", policyDocument(allow(PROFILE)))], {
      config: { "bedrock-profile-routed-regions": { catalogFile: missing } },
    });
    assert.equal(found.length, 1);
    assert.match(found[0].message, /^configuration of bedrock-profile-routed-regions: catalog .*absent\.json: cannot be read/);
  });
});
