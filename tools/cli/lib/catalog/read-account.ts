// Reads what one AWS account sees of Bedrock, Region by Region, through the AWS SDK: the Regions the account has
// enabled (AWS Account Management ListRegions), and in each the system inference profiles (ListInferenceProfiles,
// then GetInferenceProfile for each: its models[] are the destinations from that source Region) and the foundation
// models' lifecycle (ListFoundationModels). Throttling is the SDK's to retry (standard mode, backoff with jitter).
import { AccountClient, ListRegionsCommand } from "@aws-sdk/client-account";
import { BedrockClient, GetInferenceProfileCommand, ListFoundationModelsCommand, ListInferenceProfilesCommand } from "@aws-sdk/client-bedrock";
import { mapBounded } from "./bounded";

export interface ReadOptions {
  /** Every client's endpoint (the local stand-in); absent: the SDK's own (AWS_ENDPOINT_URL_* env, or AWS). */
  endpoint?: string;
  /** Attempts per call, retries included (the SDK's standard retry mode). */
  maxAttempts: number;
  /** GetInferenceProfile calls under way at once within one Region. */
  profileConcurrency: number;
  signal?: AbortSignal;
}

export interface ModelLifecycleView {
  status: string;
  startOfLifeTime?: Date;
  legacyTime?: Date;
  endOfLifeTime?: Date;
  publicExtendedAccessTime?: Date;
}

export interface RegionView {
  region: string;
  /** System profiles callable from this Region, with the foundation-model ARNs GetInferenceProfile names. */
  profiles: { id: string; arn?: string; modelArns: string[] }[];
  models: { modelId: string; lifecycle?: ModelLifecycleView }[];
  /** Pages of ListInferenceProfiles read (paging, for the report). */
  pages: number;
}

const PAGE_SIZE = 1000;

function clientConfig(region: string, options: ReadOptions) {
  return { region, maxAttempts: options.maxAttempts, retryMode: "standard", ...(options.endpoint ? { endpoint: options.endpoint } : {}) };
}

/** The Regions the account has enabled (opted in, or enabled by default), sorted. */
export async function listEnabledRegions(options: ReadOptions): Promise<string[]> {
  // Account Management is a global service served from us-east-1.
  const client = new AccountClient(clientConfig("us-east-1", options));
  try {
    const regions: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await client.send(new ListRegionsCommand({ RegionOptStatusContains: ["ENABLED", "ENABLED_BY_DEFAULT"], NextToken }), { abortSignal: options.signal });
      for (const region of page.Regions ?? []) if (region.RegionName) regions.push(region.RegionName);
      NextToken = page.NextToken;
    } while (NextToken);
    return [...new Set(regions)].sort();
  } finally {
    client.destroy();
  }
}

export async function readRegion(region: string, options: ReadOptions): Promise<RegionView> {
  const client = new BedrockClient(clientConfig(region, options));
  const abortSignal = options.signal;
  try {
    const listProfiles = async () => {
      const ids: string[] = [];
      let pages = 0;
      let nextToken: string | undefined;
      do {
        const page = await client.send(new ListInferenceProfilesCommand({ typeEquals: "SYSTEM_DEFINED", maxResults: PAGE_SIZE, nextToken }), { abortSignal });
        pages++;
        for (const summary of page.inferenceProfileSummaries ?? []) if (summary.inferenceProfileId) ids.push(summary.inferenceProfileId);
        nextToken = page.nextToken;
      } while (nextToken);
      return { ids, pages };
    };
    const listModels = async () => {
      const page = await client.send(new ListFoundationModelsCommand({}), { abortSignal });
      return (page.modelSummaries ?? []).flatMap((m) => (m.modelId ? [{ modelId: m.modelId, lifecycle: m.modelLifecycle as ModelLifecycleView | undefined }] : []));
    };
    const [{ ids, pages }, models] = await Promise.all([listProfiles(), listModels()]);
    // The list's summaries carry models[] too, but GetInferenceProfile is the documented per-source answer.
    const profiles = await mapBounded(ids, options.profileConcurrency, async (id) => {
      const profile = await client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: id }), { abortSignal });
      return { id, arn: profile.inferenceProfileArn, modelArns: (profile.models ?? []).flatMap((m) => (m.modelArn ? [m.modelArn] : [])) };
    });
    return { region, profiles, models, pages };
  } finally {
    client.destroy();
  }
}
