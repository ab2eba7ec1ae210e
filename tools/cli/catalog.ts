// bedrock-sfn catalog: builds the routing catalog (inference profiles per source Region, model lifecycle) from an
// AWS account through the AWS SDK, writes it for `catalogFile`, or compares it with the bundled catalog.
import * as crypto from "node:crypto";
import { setMaxListeners } from "node:events";
import * as fs from "node:fs";
import * as path from "node:path";
import { clip } from "../../src/bedrock/text";
import { REGION_NAME } from "../../src/bedrock/regions";
import { parseFlags, runCli, usageError, whenInterrupted, type Option } from "./lib/args";
import { mapBounded } from "./lib/catalog/bounded";
import { buildCatalog } from "./lib/catalog/build";
import { bundledCatalog, type CatalogFile } from "./lib/catalog/contract";
import { diffCatalogs, formatDiff, isEmptyDiff } from "./lib/catalog/diff";
import { RegionProgress, type ProgressSink } from "./lib/catalog/progress";
import { listEnabledRegions, readRegion, type ReadOptions, type RegionView } from "./lib/catalog/read-account";
import { wholeNumberFlag } from "./lib/whole-number";

const USAGE = `bedrock-sfn catalog [--out FILE [--force]] [--check] [--regions R1,R2] [--concurrency N] [--max-attempts N] [--endpoint URL] [--allow-partial] [--json]

Reads, through the AWS SDK and your standard AWS credentials (environment, ~/.aws profile, SSO, instance role):
  - AWS Account Management ListRegions: the Regions your account has enabled (skipped with --regions);
  - in each of those Regions, Amazon Bedrock ListInferenceProfiles (SYSTEM_DEFINED, every page), GetInferenceProfile
    for each profile (its models[] are the Regions a call from that source Region can land in), and
    ListFoundationModels (each model's modelLifecycle: ACTIVE or LEGACY, and the dates AWS gives).
  IAM needs: account:ListRegions, bedrock:ListInferenceProfiles, bedrock:GetInferenceProfile, bedrock:ListFoundationModels.
Writes nothing to AWS. Writes the catalog (docs/catalog.md describes the format):
  --out FILE        to FILE, atomically (a temporary file renamed into place); an existing FILE needs --force
  (no --out)        to stdout as JSON, unless --check is given
Options:
  --check           print how the account's view differs from the bundled catalog in the Regions read
                    (profiles added/removed, destinations changed, lifecycle changed); exit 1 if it differs
  --json            with --check: the differences as one JSON document
  --regions LIST    read these Regions (comma-separated) instead of the account's enabled ones
  --concurrency N   Regions read at once (default 8, 1-64)
  --max-attempts N  attempts per AWS call, retries of throttling and transient errors included (default 8, 1-20)
  --endpoint URL    send every call to URL (a local stand-in); AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_BEDROCK work too
  --allow-partial   write what was read when some Regions fail (they are named, and left out of _meta.regions)
Progress goes to stderr. Exit codes: 0 written (or no difference), 1 --check found differences, 2 bad usage,
3 a Region failed (nothing written), 130 interrupted (nothing written).`;

const OPTIONS: Record<string, Option> = {
  out: { type: "string", path: true },
  force: { type: "boolean", default: false },
  check: { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  regions: { type: "string" },
  concurrency: { type: "string" },
  "max-attempts": { type: "string" },
  endpoint: { type: "string" },
  "allow-partial": { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
};

const DEFAULTS = { concurrency: 8, maxAttempts: 8, profileConcurrency: 8 };
export const EXIT = { ok: 0, differs: 1, usage: 2, regionsFailed: 3, interrupted: 130 } as const;

export interface CatalogDeps {
  stdout?: (text: string) => void;
  stderr?: ProgressSink;
  /** The snapshot date's clock. */
  now?: () => Date;
  /** Ends the run as Ctrl-C does (tests); by default SIGINT and SIGTERM. */
  signal?: AbortSignal;
  /** The catalog `--check` compares with (default: the bundled one). */
  baseline?: CatalogFile;
}

interface Plan {
  out?: string;
  force: boolean;
  check: boolean;
  json: boolean;
  regions?: string[];
  concurrency: number;
  maxAttempts: number;
  endpoint?: string;
  allowPartial: boolean;
}

function readPlan(argv: string[]): Plan {
  const values = parseFlags(argv, OPTIONS, USAGE);
  const fail = (message: string) => usageError(message, USAGE);
  const out = values.out as string | undefined;
  if (out !== undefined) {
    if (values.out === "" || (fs.existsSync(out) && fs.statSync(out).isDirectory())) throw fail(`--out '${clip(String(out), 80)}' must be a file path, not a folder`);
    if (!fs.existsSync(path.dirname(out))) throw fail(`--out '${clip(out, 80)}': folder ${clip(path.dirname(out), 80)} does not exist`);
    if (fs.existsSync(out) && values.force !== true) throw fail(`--out '${clip(out, 80)}' exists; pass --force to replace it`);
  }
  if (values.force === true && out === undefined) throw fail("--force only applies with --out FILE");
  if (values.json === true && values.check !== true) throw fail("--json only applies with --check (the catalog itself is JSON)");
  let regions: string[] | undefined;
  if (values.regions !== undefined) {
    regions = [
      ...new Set(
        String(values.regions)
          .split(",")
          .map((r) => r.trim())
          .filter(Boolean),
      ),
    ].sort();
    const bad = regions.find((r) => !REGION_NAME.test(r));
    if (regions.length === 0 || bad !== undefined) throw fail(`--regions '${clip(String(values.regions), 80)}' must be Region names separated by commas, e.g. us-east-1,eu-west-1`);
  }
  const endpoint = values.endpoint as string | undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) throw fail(`--endpoint '${clip(endpoint, 80)}' must be an http(s) URL, e.g. http://127.0.0.1:4010`);
  return {
    out,
    force: values.force === true,
    check: values.check === true,
    json: values.json === true,
    regions,
    concurrency: wholeNumberFlag(values.concurrency, "concurrency", 1, 64) ?? DEFAULTS.concurrency,
    maxAttempts: wholeNumberFlag(values["max-attempts"], "max-attempts", 1, 20) ?? DEFAULTS.maxAttempts,
    endpoint,
    allowPartial: values["allow-partial"] === true,
  };
}

/**
 * Ctrl-C, SIGTERM or SIGHUP abort every call under way; the run then ends without writing anything (runCli's
 * handling gives it a grace period, and a second signal forces the exit).
 */
function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  void whenInterrupted().then(() => controller.abort());
  return { signal: controller.signal, dispose() {} };
}

/** Why a call failed, in one short line: the AWS error name and its message. */
function reasonOf(error: unknown): string {
  const e = error as { name?: string; message?: string };
  return clip(`${e?.name ?? "Error"}: ${e?.message ?? String(error)}`.replace(/\s+/g, " "), 120);
}

export async function main(argv: string[] = process.argv.slice(2), deps: CatalogDeps = {}): Promise<number> {
  const plan = readPlan(argv);
  const stdout = deps.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr: ProgressSink = deps.stderr ?? { isTTY: process.stderr.isTTY === true, write: (text) => void process.stderr.write(text) };
  const interrupt = deps.signal ? undefined : interruptSignal();
  const signal = deps.signal ?? interrupt?.signal;
  // Every call under way listens for the abort: as many as Regions x profiles in flight, not a leak.
  if (signal) setMaxListeners(0, signal);
  try {
    const read: ReadOptions = { endpoint: plan.endpoint, maxAttempts: plan.maxAttempts, profileConcurrency: DEFAULTS.profileConcurrency, signal };
    let regions = plan.regions;
    if (!regions) {
      try {
        regions = await listEnabledRegions(read);
      } catch (error) {
        if (signal?.aborted) return interrupted(stderr);
        throw new Error(`cannot list the account's enabled Regions (${reasonOf(error)}); name them with --regions`);
      }
      if (regions.length === 0) throw new Error("the account reports no enabled Regions; name them with --regions");
    }
    const progress = new RegionProgress(regions.length, stderr);
    const failures: { region: string; reason: string }[] = [];
    const views = await mapBounded(regions, plan.concurrency, async (region): Promise<RegionView | undefined> => {
      if (signal?.aborted) return undefined;
      try {
        const view = await readRegion(region, read);
        progress.regionDone(region, `${view.profiles.length} profiles (${view.pages} pages), ${view.models.length} models`);
        return view;
      } catch (error) {
        if (signal?.aborted) return undefined;
        const reason = reasonOf(error);
        failures.push({ region, reason });
        progress.regionFailed(region, reason);
        return undefined;
      }
    });
    progress.finish();
    if (signal?.aborted) return interrupted(stderr);

    const succeeded = views.filter((v): v is RegionView => v !== undefined);
    if (failures.length > 0) {
      const named = failures
        .sort((a, b) => a.region.localeCompare(b.region))
        .map((f) => `${f.region} (${f.reason})`)
        .join("; ");
      if (!plan.allowPartial || succeeded.length === 0) {
        stderr.write(
          `error: ${failures.length} of ${regions.length} Regions failed: ${clip(named, 600)}; nothing written${succeeded.length ? " (--allow-partial writes the others)" : ""}\n`,
        );
        return EXIT.regionsFailed;
      }
      stderr.write(`warning: ${failures.length} Regions left out: ${clip(named, 600)}\n`);
    }

    const account = succeeded.flatMap((v) => v.profiles.map((p) => /^arn:[^:]+:bedrock:[^:]*:(\d{12}):/.exec(p.arn ?? "")?.[1])).find(Boolean);
    const { catalog, skipped } = buildCatalog(succeeded, {
      snapshotDate: (deps.now?.() ?? new Date()).toISOString().slice(0, 10),
      source:
        `bedrock-sfn catalog: ListInferenceProfiles, GetInferenceProfile and ListFoundationModels in account ${account ?? "(unknown)"}` +
        ` through ${plan.endpoint ?? "the AWS SDK's endpoints"}`,
    });
    if (failures.length > 0) catalog._meta.failedRegions = failures.map((f) => f.region).sort();
    for (const note of skipped) stderr.write(`note: left out ${clip(note, 200)}\n`);
    const document = `${JSON.stringify(catalog, null, 1)}\n`;

    if (plan.out) {
      writeAtomically(plan.out, document, plan.force);
      stderr.write(
        `catalog: ${Object.keys(catalog.profiles).length} profiles, ${Object.keys(catalog.models ?? {}).length} models from ${succeeded.length} Regions written to ${plan.out}\n`,
      );
    } else if (!plan.check) {
      stdout(document);
    }
    if (!plan.check) return EXIT.ok;
    const diff = diffCatalogs(catalog, deps.baseline ?? bundledCatalog());
    stdout(plan.json ? `${JSON.stringify(diff)}\n` : `${formatDiff(diff, "the bundled catalog (bedrock/inference-profiles.json)")}\n`);
    return isEmptyDiff(diff) ? EXIT.ok : EXIT.differs;
  } finally {
    interrupt?.dispose();
  }
}

function interrupted(stderr: ProgressSink): number {
  stderr.write("\ncatalog: interrupted; nothing written\n");
  return EXIT.interrupted;
}

/** Writes next to the target and renames over it: a reader never sees half a file, and a failed write leaves none. */
function writeAtomically(file: string, text: string, force: boolean): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`);
  try {
    fs.writeFileSync(temporary, text, { flag: "wx" });
    // Checked again at the end: the file may have appeared while the account was read.
    if (!force && fs.existsSync(file)) throw usageError(`--out '${clip(file, 80)}' appeared while the catalog was read; pass --force to replace it`, USAGE);
    fs.renameSync(temporary, file);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

if (require.main === module) runCli(() => main());
