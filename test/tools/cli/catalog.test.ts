// `bedrock-sfn catalog` against the local Bedrock control-plane stand-in, through the real AWS SDK clients:
// paging, throttling, a failing Region, --check, the written file's shape, Ctrl-C, and bad usage.
import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { z } from "zod";
import { parseModelId } from "../../../src/bedrock/model-id";
import { catalogProfile } from "../../../src/bedrock/routing";
import { readCatalogFile, useBundledCatalog, useCatalogFile } from "../../../src/bedrock/catalog";
import { resolveModel, routedRegionsOf } from "../../../src/bedrock/resolve";
import { isBedrockSfnError } from "../../../src/core/errors";
import { FIXTURE_ADDITIONS, changedProfileId, fixtureAccount } from "../../../tools/local/stand-ins/bedrock-control-fixture";
import { startBedrockControlStandIn, type BedrockControlStandIn, type ControlFaultPlan } from "../../../tools/local/stand-ins/bedrock-control-stand-in";
import { EXIT, main } from "../../../tools/cli/catalog";

const root = path.resolve(__dirname, "..", "..", "..");
const REGIONS = ["eu-west-1", "us-east-1", "us-west-2"];

// The file contract shared with the readers (component, pack): written independently of the writer's types.
const DAY = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const CONTRACT = z
  .object({
    _meta: z.looseObject({ what: z.string().min(1), snapshotDate: DAY, source: z.string().min(1), regions: z.array(z.string()).min(1) }),
    profiles: z.record(
      z.string(),
      z.strictObject({
        prefix: z.enum(["us", "eu", "apac", "jp", "au", "ca", "us-gov", "global"]),
        foundationModelId: z.string().min(1),
        sourceToDestinations: z.record(z.string(), z.union([z.literal("*"), z.array(z.string()).min(1)])),
        source: z.string().optional(),
      }),
    ),
    models: z.record(
      z.string(),
      z.strictObject({
        status: z.enum(["ACTIVE", "LEGACY", "EOL"]),
        legacyDate: DAY.optional(),
        eolDate: DAY.optional(),
        successor: z.string().optional(),
        source: z.string().optional(),
      }),
    ),
  })
  .strict();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe("bedrock-sfn catalog", function () {
  this.timeout(120_000);
  let standIn: BedrockControlStandIn;
  let dir: string;
  const savedEnv = { ...process.env };

  before(async () => {
    // Credentials come from the SDK's standard chain: here, the environment.
    process.env.AWS_ACCESS_KEY_ID = "AKIDCATALOGTEST";
    process.env.AWS_SECRET_ACCESS_KEY = "catalog-test-secret";
    delete process.env.AWS_PROFILE;
    standIn = await startBedrockControlStandIn({ fixture: fixtureAccount({ regions: REGIONS }), pageSize: 10 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "catalog-"));
  });
  after(async () => {
    process.env = savedEnv;
    await standIn.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    standIn.setFaults({});
    standIn.calls.length = 0;
  });

  async function run(argv: string[], faults: ControlFaultPlan = {}, signal?: AbortSignal, on: BedrockControlStandIn = standIn): Promise<Run> {
    on.setFaults(faults);
    let stdout = "";
    let stderr = "";
    const code = await main(["--endpoint", on.endpoint, ...argv], {
      stdout: (t) => {
        stdout += t;
      },
      stderr: {
        isTTY: false,
        write: (t) => {
          stderr += t;
        },
      },
      now: () => new Date("2026-12-05T12:00:00Z"),
      signal,
    });
    return { code, stdout, stderr };
  }

  const fileIn = (name: string) => path.join(dir, name);
  const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));

  it("writes a file the domain's loader reads, and a profile known only from it gets its routes from each source Region", async () => {
    const out = fileIn("for-the-component.json");
    const { code, stderr } = await run(["--out", out]);
    assert.equal(code, EXIT.ok, stderr);
    const loaded = readCatalogFile(out);
    const { id, sourceToDestinations } = FIXTURE_ADDITIONS.profile;
    assert.equal(catalogProfile(id), undefined, "the fixture-only profile must not be in the bundled catalog");
    assert.deepEqual(loaded.profiles[id].sourceToDestinations, sourceToDestinations);
    try {
      useCatalogFile(out);
      for (const [source, destinations] of Object.entries(sourceToDestinations)) {
        const model = resolveModel({ modelId: id, sourceRegion: source, account: "123456789012" });
        assert.equal(model.routingSource, "catalog");
        assert.deepEqual(routedRegionsOf(model), [...new Set([source, ...destinations])].sort());
      }
    } finally {
      useBundledCatalog();
    }
  });

  it("writes a file of the contract's shape, from the account's enabled Regions only, reading every page", async () => {
    const out = fileIn("account.json");
    const { code, stderr } = await run(["--out", out]);
    assert.equal(code, EXIT.ok, stderr);
    const catalog = CONTRACT.parse(read(out));
    // ListRegions also reports Regions the account has not enabled: they are not read.
    assert.deepEqual(catalog._meta.regions, REGIONS);
    assert.equal(catalog._meta.snapshotDate, "2026-12-05");
    assert.deepEqual([...new Set(standIn.calls.filter((c) => c.operation !== "ListRegions").map((c) => c.region))].sort(), REGIONS);
    // Paging: the stand-in returns 10 profiles a page, so us-east-1 took several, each after the previous token.
    const lists = standIn.calls.filter((c) => c.operation === "ListInferenceProfiles" && c.region === "us-east-1");
    const fixture = fixtureAccount({ regions: REGIONS });
    const inUsEast1 = Object.keys(fixture.profiles).filter((id) => fixture.profiles[id]["us-east-1"]);
    assert.equal(lists.length, Math.ceil(inUsEast1.length / 10));
    assert.equal(lists.filter((c) => c.query.nextToken).length, lists.length - 1);
    assert.equal(lists[0].query.type, "SYSTEM_DEFINED");
    const gets = standIn.calls.filter((c) => c.operation === "GetInferenceProfile" && c.region === "us-east-1");
    assert.equal(gets.length, inUsEast1.length);
    assert.deepEqual(
      Object.keys(catalog.profiles)
        .filter((id) => catalog.profiles[id].sourceToDestinations["us-east-1"])
        .sort(),
      inUsEast1.sort(),
    );
    // Every profile's prefix and model are parseModelId's reading of its ID; global profiles route to "*".
    for (const [id, profile] of Object.entries(catalog.profiles)) {
      const parsed = parseModelId(id);
      assert.ok(parsed.kind === "system-profile");
      assert.equal(profile.prefix, parsed.prefix);
      assert.equal(profile.foundationModelId, parsed.foundationModelId);
      if (profile.prefix === "global")
        assert.ok(
          Object.values(profile.sourceToDestinations).every((d) => d === "*"),
          id,
        );
      else
        assert.ok(
          Object.values(profile.sourceToDestinations).every((d) => Array.isArray(d)),
          id,
        );
    }
    assert.match(stderr, /catalog: 3\/3 Regions - us-west-2: \d+ profiles \(\d+ pages\), \d+ models/);
    assert.equal(stderr.split("\n").filter((l) => l.startsWith("catalog: ") && l.includes("/3 Regions")).length, 3, "one progress line per Region off a terminal");
  });

  it("lists a profile only the account has, with its destinations per source Region, and maps lifecycle to ACTIVE/LEGACY/EOL", async () => {
    const { code, stdout } = await run([]);
    assert.equal(code, EXIT.ok);
    const catalog = CONTRACT.parse(JSON.parse(stdout));
    const { profile, legacy, pastEol } = FIXTURE_ADDITIONS;
    assert.equal(catalogProfile(profile.id), undefined, "the bundled catalog does not know the profile");
    assert.deepEqual(catalog.profiles[profile.id], { prefix: "us", foundationModelId: "anthropic.claude-fixture-only-v1:0", sourceToDestinations: profile.sourceToDestinations });
    assert.deepEqual(catalog.models[legacy.id], { status: "LEGACY", legacyDate: "2026-06-01", eolDate: "2099-06-01" });
    // AWS reports LEGACY until the end; an end-of-life date before the snapshot date is EOL.
    assert.deepEqual(catalog.models[pastEol.id], { status: "EOL", legacyDate: "2025-01-01", eolDate: "2026-01-01" });
  });

  it("recovers from throttling with the SDK's retries", async () => {
    const { code, stdout } = await run(["--regions", "us-west-2"], { throttleFirst: 4 });
    assert.equal(code, EXIT.ok);
    assert.equal(standIn.calls.filter((c) => c.status === 429).length, 4);
    const fixture = fixtureAccount({ regions: REGIONS });
    const expected = Object.keys(fixture.profiles).filter((id) => fixture.profiles[id]["us-west-2"]);
    assert.equal(Object.keys(CONTRACT.parse(JSON.parse(stdout)).profiles).length, expected.length);
  });

  it("names a Region that keeps failing and writes nothing, unless --allow-partial", async () => {
    const out = fileIn("partial.json");
    const failed = await run(["--out", out, "--max-attempts", "2"], { failingRegions: ["eu-west-1"] });
    assert.equal(failed.code, EXIT.regionsFailed);
    assert.match(failed.stderr, /error: 1 of 3 Regions failed: eu-west-1 \(InternalServerException: Internal error in eu-west-1\); nothing written/);
    assert.equal(fs.existsSync(out), false);
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.includes("partial")),
      [],
      "no temporary file left",
    );

    const partial = await run(["--out", out, "--max-attempts", "2", "--allow-partial"], { failingRegions: ["eu-west-1"] });
    assert.equal(partial.code, EXIT.ok);
    const catalog = read(out);
    assert.deepEqual(catalog._meta.regions, ["us-east-1", "us-west-2"]);
    assert.deepEqual(catalog._meta.failedRegions, ["eu-west-1"]);
    assert.match(partial.stderr, /warning: 1 Regions left out: eu-west-1/);
  });

  it("--check: exit 0 when the account matches the bundled catalog, 1 with the differences listed", async () => {
    const documented = await startBedrockControlStandIn({ fixture: fixtureAccount({ regions: REGIONS, asDocumented: true }) });
    try {
      const same = await run(["--check"], {}, undefined, documented);
      assert.equal(same.code, EXIT.ok, same.stdout);
      assert.match(same.stdout, /matches the bundled catalog/);
    } finally {
      await documented.close();
    }
    const text = await run(["--check"]);
    assert.equal(text.code, EXIT.differs);
    assert.match(text.stdout, /\+ us\.anthropic\.claude-fixture-only-v1:0/);
    const json = await run(["--check", "--json"]);
    assert.equal(json.code, EXIT.differs);
    const diff = JSON.parse(json.stdout);
    const changed = changedProfileId();
    assert.deepEqual(diff.profilesAdded, [FIXTURE_ADDITIONS.profile.id]);
    assert.deepEqual(diff.profilesRemoved, []);
    const before = catalogProfile(changed)!.sourceToDestinations["us-east-1"] as string[];
    assert.deepEqual(diff.destinationsChanged, [{ profileId: changed, source: "us-east-1", before, after: before.slice(0, -1) }]);
    assert.deepEqual(
      diff.lifecycleChanged.map((c: { modelId: string; after: { status: string } }) => [c.modelId, c.after.status]),
      [
        [FIXTURE_ADDITIONS.pastEol.id, "EOL"],
        [FIXTURE_ADDITIONS.legacy.id, "LEGACY"],
      ],
    );
  });

  it("refuses to replace a file without --force, and replaces it atomically with --force", async () => {
    const out = fileIn("existing.json");
    fs.writeFileSync(out, "keep me");
    await assert.rejects(run(["--out", out, "--regions", "us-east-1"]), (error: Error) => isBedrockSfnError(error) && /exists; pass --force/.test(error.message));
    assert.equal(fs.readFileSync(out, "utf8"), "keep me");
    const { code } = await run(["--out", out, "--regions", "us-east-1", "--force"]);
    assert.equal(code, EXIT.ok);
    assert.deepEqual(CONTRACT.parse(read(out))._meta.regions, ["us-east-1"]);
  });

  it("Ctrl-C ends the run with no file written", async () => {
    const out = fileIn("interrupted.json");
    const controller = new AbortController();
    const running = run(["--out", out], { latencyMs: 300 }, controller.signal);
    setTimeout(() => controller.abort(), 100);
    const { code, stderr } = await running;
    assert.equal(code, EXIT.interrupted);
    assert.match(stderr, /interrupted; nothing written/);
    assert.equal(fs.existsSync(out), false);
  });

  it("rejects bad flags with one line naming the flag (exit 2), before calling AWS", async () => {
    const cases: [string[], RegExp][] = [
      [["--concurrency", "0"], /^--concurrency '0' must be a whole number from 1 to 64$/],
      [["--max-attempts", "x"], /^--max-attempts 'x' must be a whole number from 1 to 20$/],
      [["--regions", "us-east-1,Mars"], /^--regions 'us-east-1,Mars' must be Region names/],
      [["--endpoint", "localhost"], /^--endpoint 'localhost' must be an http\(s\) URL/],
      [["--force"], /^--force only applies with --out FILE$/],
      [["--json"], /^--json only applies with --check/],
      [["--out", dir], /must be a file path, not a folder$/],
      [["--bogus"], /Unknown option '--bogus'/],
    ];
    for (const [argv, message] of cases) {
      await assert.rejects(main(argv), (error: Error) => {
        assert.ok(isBedrockSfnError(error) && error.kind === "usage", String(error));
        assert.match(error.message.split("\n")[0], message);
        return true;
      });
    }
    assert.equal(standIn.calls.length, 0);
  });

  it("as a command: --help says what it reads and writes (exit 0); a bad flag is one line on stderr (exit 2)", () => {
    const bin = path.join(root, "tools", "cli", "bedrock-sfn.js");
    const help = spawnSync(process.execPath, [bin, "catalog", "--help"], { encoding: "utf8", timeout: 60_000 });
    assert.equal(help.status, 0, help.stderr);
    for (const text of ["ListInferenceProfiles", "GetInferenceProfile", "ListFoundationModels", "ListRegions", "--out FILE", "--check"])
      assert.ok(help.stdout.includes(text), text);
    const bad = spawnSync(process.execPath, [bin, "catalog", "--concurrency", "100"], { encoding: "utf8", timeout: 60_000 });
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr, "error: --concurrency '100' must be a whole number from 1 to 64\n");
  });

  it("as a command: Ctrl-C (SIGINT) while calls are under way exits 130 and leaves no file", async () => {
    const out = fileIn("sigint.json");
    standIn.setFaults({ latencyMs: 5_000 });
    const child = spawn(process.execPath, [path.join(root, "tools", "cli", "bedrock-sfn.js"), "catalog", "--endpoint", standIn.endpoint, "--out", out], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // Interrupt once the first call has reached the stand-in (it answers after 5 s).
    while (standIn.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill("SIGINT");
    assert.equal(await exited, EXIT.interrupted, stderr);
    assert.match(stderr, /interrupted; nothing written/);
    assert.equal(fs.existsSync(out), false);
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.includes("sigint")),
      [],
    );
  });
});
