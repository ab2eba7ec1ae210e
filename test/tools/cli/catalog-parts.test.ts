// The catalog command's pure parts: the diff (only the Regions read count), the build from Region views, and the
// progress line (one updating line on a terminal, a line per Region elsewhere).
import * as assert from "node:assert/strict";
import { buildCatalog } from "../../../tools/cli/lib/catalog/build";
import type { CatalogFile } from "../../../tools/cli/lib/catalog/contract";
import { diffCatalogs, formatDiff, isEmptyDiff } from "../../../tools/cli/lib/catalog/diff";
import { RegionProgress } from "../../../tools/cli/lib/catalog/progress";

const meta = (regions: string[]) => ({ what: "test", source: "test", snapshotDate: "2026-12-05", regions });
const US = "us.anthropic.claude-3-haiku-20240307-v1:0";
const EU = "eu.anthropic.claude-3-haiku-20240307-v1:0";

describe("catalog parts", () => {
  const baseline: CatalogFile = {
    _meta: meta([]),
    profiles: {
      [US]: {
        prefix: "us",
        foundationModelId: "anthropic.claude-3-haiku-20240307-v1:0",
        sourceToDestinations: { "us-east-1": ["us-east-1", "us-west-2"], "us-west-2": ["us-east-1", "us-west-2"] },
      },
      [EU]: { prefix: "eu", foundationModelId: "anthropic.claude-3-haiku-20240307-v1:0", sourceToDestinations: { "eu-west-1": ["eu-west-1", "eu-central-1"] } },
    },
    models: { "anthropic.claude-3-haiku-20240307-v1:0": { status: "LEGACY", legacyDate: "2026-01-01", eolDate: "2026-12-31", successor: "x" } },
  };

  it("compares only the Regions the account was read in", () => {
    // Read in us-east-1 only: us-west-2 and the eu profile say nothing.
    const account: CatalogFile = {
      _meta: meta(["us-east-1"]),
      profiles: { [US]: { ...baseline.profiles[US], sourceToDestinations: { "us-east-1": ["us-west-2", "us-east-1"] } } },
      models: { "anthropic.claude-3-haiku-20240307-v1:0": { status: "LEGACY", eolDate: "2026-12-31" } },
    };
    const diff = diffCatalogs(account, baseline);
    assert.ok(isEmptyDiff(diff), JSON.stringify(diff));
    assert.match(formatDiff(diff, "the baseline"), /matches the baseline/);
  });

  it("reports removed profiles, sources gained and lost, and lifecycle changes", () => {
    const account: CatalogFile = {
      _meta: meta(["us-east-1", "us-west-2", "eu-west-1", "us-east-2"]),
      profiles: { [US]: { ...baseline.profiles[US], sourceToDestinations: { "us-east-1": ["us-east-1", "us-west-2"], "us-east-2": ["us-east-1", "us-east-2"] } } },
      models: { "anthropic.claude-3-haiku-20240307-v1:0": { status: "EOL", eolDate: "2026-11-30" } },
    };
    const diff = diffCatalogs(account, baseline);
    assert.deepEqual(diff.profilesAdded, []);
    assert.deepEqual(diff.profilesRemoved, [EU]);
    assert.deepEqual(diff.destinationsChanged, [
      { profileId: US, source: "us-east-2", before: undefined, after: ["us-east-1", "us-east-2"] },
      { profileId: US, source: "us-west-2", before: ["us-east-1", "us-west-2"], after: undefined },
    ]);
    assert.equal(diff.lifecycleChanged.length, 1);
    const text = formatDiff(diff, "the baseline");
    assert.match(text, /- eu\.anthropic/);
    assert.match(text, /from us-east-2: \(none\) -> us-east-1, us-east-2/);
    assert.match(text, /LEGACY, legacy 2026-01-01, EOL 2026-12-31 -> EOL, EOL 2026-11-30/);
  });

  it("builds global profiles as '*', Region-less and non-model ARNs name no destination, unparsable IDs are noted", () => {
    const { catalog, skipped } = buildCatalog(
      [
        {
          region: "us-east-1",
          pages: 1,
          profiles: [
            { id: "global.anthropic.claude-sonnet-4-5-20250929-v1:0", modelArns: ["arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0"] },
            {
              id: US,
              modelArns: ["arn:aws:bedrock:us-west-2::foundation-model/m", "arn:aws:bedrock:us-east-1::foundation-model/m", "arn:aws:bedrock:us-east-1:1:custom/x", "bad"],
            },
            { id: "zz.not-a-profile", modelArns: [] },
          ],
          models: [{ modelId: "m.one-v1", lifecycle: { status: "LEGACY", endOfLifeTime: new Date("2026-12-05T00:00:00Z") } }],
        },
      ],
      { snapshotDate: "2026-12-05", source: "test" },
    );
    assert.equal(catalog.profiles["global.anthropic.claude-sonnet-4-5-20250929-v1:0"].sourceToDestinations["us-east-1"], "*");
    assert.deepEqual(catalog.profiles[US].sourceToDestinations["us-east-1"], ["us-east-1", "us-west-2"]);
    assert.deepEqual(catalog.models?.["m.one-v1"], { status: "EOL", eolDate: "2026-12-05" });
    assert.equal(skipped.length, 1);
    assert.match(skipped[0], /^zz\.not-a-profile: /);
  });

  it("progress: one updating line on a terminal, one line per Region elsewhere", () => {
    const written = { tty: "", plain: "" };
    const tty = new RegionProgress(2, {
      isTTY: true,
      write: (t) => {
        written.tty += t;
      },
    });
    const plain = new RegionProgress(2, {
      isTTY: false,
      write: (t) => {
        written.plain += t;
      },
    });
    for (const progress of [tty, plain]) {
      progress.regionDone("us-east-1", "3 profiles");
      progress.regionFailed("eu-west-1", "ThrottlingException: slow down");
      progress.finish();
    }
    assert.equal(written.tty.split("\n").length, 2, "one line, ended once");
    assert.equal(written.tty.split("\r\x1b[2K").length - 1, 2, "each update rewrites the line");
    assert.match(written.tty, /catalog: 2\/2 Regions, 1 failed - eu-west-1: FAILED \(ThrottlingException: slow down\)\n$/);
    assert.deepEqual(written.plain.trim().split("\n"), [
      "catalog: 1/2 Regions - us-east-1: 3 profiles",
      "catalog: 2/2 Regions, 1 failed - eu-west-1: FAILED (ThrottlingException: slow down)",
    ]);
  });
});
