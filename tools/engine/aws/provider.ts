// The AWS provider stand-in: a real Pulumi resource provider (served by `pulumi.provider.main`) for exactly the
// resource types and data sources this project uses. Nothing is sent anywhere: "creating" a resource computes the
// outputs AWS would report, and the engine records them in the stack's state like any provider's.
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../../../src/bedrock/arn";
import { MOCK_ACCOUNT, offlineMocks } from "../../shared/mocks";
import { AWS_PROVIDER_VERSION } from "../paths";
import type { AccountContext, ResourceKind } from "./resource-kind";
import { RESOURCE_KINDS } from "./resources";
import { Inputs, UNKNOWN, hasUnknown, knownString, sameValue } from "./values";

/** The data sources the program reads; answered as the offline synth answers them (one source of truth). */
const DATA_SOURCES = [
  "aws:index/getRegion:getRegion",
  "aws:index/getCallerIdentity:getCallerIdentity",
  "aws:index/getPartition:getPartition",
  "aws:bedrock/getInferenceProfile:getInferenceProfile",
] as const;

const DEFAULTS_KEY = "__defaults";

/** `urn:pulumi:<stack>::<project>::<type chain>::<name>` -> type and name. */
export function parseUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const name = parts.slice(3).join("::");
  const chain = parts[2] ?? "";
  return { type: chain.split("$").pop() ?? chain, name };
}

export interface StandInOptions {
  /** The account the stand-in pretends to be; the one offline synth uses, so ARNs match across tools. */
  account?: string;
  /** The provider's Region until the engine configures one (`aws:region`). */
  region?: string;
}

export class AwsStandIn implements pulumi.provider.Provider {
  readonly version = AWS_PROVIDER_VERSION;
  private region: string | undefined;
  private readonly account: string;

  constructor(options: StandInOptions = {}) {
    this.account = options.account ?? MOCK_ACCOUNT;
    this.region = options.region;
  }

  /** Called with the provider's configuration (`aws:region` and the rest) before any resource operation. */
  configure(config: Inputs): void {
    const region = typeof config.region === "string" && config.region !== UNKNOWN ? config.region : undefined;
    if (region) this.region = region;
  }

  private context(region?: string): AccountContext {
    const r = region ?? this.region;
    if (!r) throw new Error("the AWS provider stand-in has no Region: set aws:region in the stack config (pulumi config set aws:region us-east-1)");
    return { region: r, account: this.account, partition: partitionOf(r) };
  }

  async check(urn: string, olds: Inputs, news: Inputs): Promise<pulumi.provider.CheckResult> {
    const { type, name } = parseUrn(urn);
    const kind = RESOURCE_KINDS[type];
    if (!kind) return { inputs: news, failures: [{ property: "", reason: unsupported("resource type", type, Object.keys(RESOURCE_KINDS)) }] };
    const inputs = { ...news };
    if (kind.autoName) autoName(kind.autoName, inputs, olds, name, urn);
    return { inputs, failures: kind.validate?.(inputs) ?? [] };
  }

  async diff(id: string, urn: string, olds: Inputs, news: Inputs): Promise<pulumi.provider.DiffResult> {
    const kind = this.kindOf(urn);
    // `olds` are the recorded outputs: inputs plus what AWS computed. Compare only what the program sets.
    const computed = new Set(Object.keys(kind.outputs(olds, this.context(region(olds)), { ...olds, id }).computed));
    const keys = new Set([...Object.keys(news), ...Object.keys(olds).filter((k) => !computed.has(k))]);
    keys.delete(DEFAULTS_KEY);
    const changed = [...keys].filter((k) => {
      if (news[k] === undefined && computed.has(k)) return false;
      return hasUnknown(news[k]) || !sameValue(olds[k], news[k]);
    });
    return { changes: changed.length > 0, replaces: changed.filter((k) => kind.replaceOn.includes(k)) };
  }

  async create(urn: string, inputs: Inputs): Promise<pulumi.provider.CreateResult> {
    const kind = this.kindOf(urn);
    const { id, computed } = kind.outputs(inputs, this.context(region(inputs)));
    return { id, outs: { ...inputs, ...computed } };
  }

  async read(id: string, _urn: string, props?: Inputs): Promise<pulumi.provider.ReadResult> {
    // Nothing changes behind the engine's back here: what was recorded is what exists.
    return { id, props: props ?? {} };
  }

  async update(id: string, urn: string, olds: Inputs, news: Inputs): Promise<pulumi.provider.UpdateResult> {
    const kind = this.kindOf(urn);
    const { computed } = kind.outputs(news, this.context(region(news)), { ...olds, id });
    return { outs: { ...news, ...computed } };
  }

  async delete(): Promise<void> {
    // Deleting leaves nothing behind: the engine drops the resource from the stack's state.
  }

  async invoke(token: string, args: Inputs): Promise<pulumi.provider.InvokeResult> {
    if (!(DATA_SOURCES as readonly string[]).includes(token)) {
      return { failures: [{ property: "", reason: unsupported("data source", token, [...DATA_SOURCES]) }] };
    }
    const region = knownString(args, "region") ?? this.context().region;
    const outputs = await offlineMocks(region).call({ token, inputs: args, provider: "" } as pulumi.runtime.MockCallArgs);
    return { outputs };
  }

  private kindOf(urn: string): ResourceKind {
    const { type } = parseUrn(urn);
    const kind = RESOURCE_KINDS[type];
    if (!kind) throw new Error(unsupported("resource type", type, Object.keys(RESOURCE_KINDS)));
    return kind;
  }
}

function region(inputs: Inputs): string | undefined {
  return knownString(inputs, "region");
}

function unsupported(what: string, token: string, known: string[]): string {
  return `the offline AWS stand-in does not implement ${what} '${token}'; it serves: ${known.join(", ")}`;
}

/**
 * The physical name pulumi-aws would generate: `<resource name>-<7 hex>` (or `<namePrefix><hex>`), kept from the
 * previous inputs when it was generated before, so that an update does not rename (and replace) the resource.
 */
function autoName(spec: NonNullable<ResourceKind["autoName"]>, inputs: Inputs, olds: Inputs, name: string, urn: string): void {
  if (inputs[spec.property] !== undefined) return;
  const defaults = Array.isArray(olds[DEFAULTS_KEY]) ? (olds[DEFAULTS_KEY] as string[]) : [];
  const prefixKey = "namePrefix" in inputs ? "namePrefix" : spec.property === "bucket" ? "bucketPrefix" : undefined;
  const prefix = prefixKey ? knownString(inputs, prefixKey) : undefined;
  const samePrefix = prefixKey === undefined || sameValue(olds[prefixKey], inputs[prefixKey]);
  let value: string;
  if (defaults.includes(spec.property) && typeof olds[spec.property] === "string" && samePrefix) {
    value = olds[spec.property] as string;
  } else {
    // Derived, not drawn: `up` checks each resource twice (its preview, then the update), and both must name it alike
    // (a random draw made the preview show one state machine name and the update create another). A replacement
    // hashes the old name in, so it gets a new one, as pulumi-aws's seeded autonaming does.
    const seed = `${urn}\0${typeof olds[spec.property] === "string" ? olds[spec.property] : ""}\0${prefix ?? ""}`;
    const suffix = createHash("sha256").update(seed).digest("hex").slice(0, 7);
    value = prefix !== undefined ? `${prefix}${suffix}` : `${name.slice(0, spec.maxLength - 8)}-${suffix}`;
  }
  inputs[spec.property] = spec.lowercase ? value.toLowerCase() : value;
  inputs[DEFAULTS_KEY] = [...new Set([...(Array.isArray(inputs[DEFAULTS_KEY]) ? (inputs[DEFAULTS_KEY] as string[]) : []), spec.property])];
}
