// Offline answers for the Pulumi mock engine: plausible physical names and ARNs for created resources,
// and the data sources the program reads (account, Region, partition, inference-profile routing).
import * as pulumi from "@pulumi/pulumi";
import { foundationModelArn, partitionOf } from "../../src/bedrock/arn";
import { parseModelId } from "../../src/bedrock/model-id";
import { catalogDestinations } from "../../src/bedrock/routing";
import type { RecordedResource } from "./recorded-resources";

/** The account ID mocked runs use; documentation's example account. */
export const MOCK_ACCOUNT = "123456789012";

/**
 * `computedOutputs: false` answers like a first `pulumi preview`: only inputs are known, nothing AWS computes
 * (ARNs, generated names), so tests can show which values the program knows before anything exists.
 */
export function offlineMocks(providerRegion: string, record?: (r: RecordedResource) => void, computedOutputs = true): pulumi.runtime.Mocks {
  return {
    newResource(args) {
      const name = args.name;
      // The program's root: the offline tools show it themselves.
      if (args.type === "pulumi:pulumi:Stack") return { id: undefined, state: {} };
      const answer = (id: string | undefined, state: Record<string, unknown>) => {
        record?.({ type: args.type, name, inputs: args.inputs, id: args.custom === false ? undefined : id, outputs: state });
        return { id, state };
      };
      // A regional child created in another Region than the provider's (the `region` input of @pulumi/aws 7).
      const region = typeof args.inputs.region === "string" ? args.inputs.region : providerRegion;
      const physical = `${name}-0a1b2c3`.toLowerCase();
      const state: Record<string, unknown> = { ...args.inputs };
      if (!computedOutputs) return answer(undefined, state);
      // IDs as the AWS provider reports them (a role's and a bucket's ID are their names), so that
      // references between resources (RolePolicy.role = Role.id) read as they would after a deploy.
      const partition = partitionOf(region);
      let id = `${physical}-id`;
      switch (args.type) {
        case "aws:s3/bucket:Bucket": {
          const bucket = (args.inputs.bucket as string | undefined) ?? physical;
          Object.assign(state, { bucket, arn: `arn:${partition}:s3:::${bucket}` });
          id = bucket;
          break;
        }
        case "aws:iam/role:Role":
          Object.assign(state, { name: physical, arn: `arn:${partition}:iam::${MOCK_ACCOUNT}:role/${physical}` });
          id = physical;
          break;
        case "aws:cloudwatch/logGroup:LogGroup": {
          const groupName = (args.inputs.name as string | undefined) ?? `${(args.inputs.namePrefix as string | undefined) ?? ""}0a1b2c3`;
          Object.assign(state, { name: groupName, arn: `arn:${partition}:logs:${region}:${MOCK_ACCOUNT}:log-group:${groupName}` });
          id = groupName;
          break;
        }
        case "aws:sfn/stateMachine:StateMachine": {
          // A given name is kept, as AWS does (a batch's role names its own machine).
          const machineName = (args.inputs.name as string | undefined) ?? physical;
          Object.assign(state, { name: machineName, arn: `arn:${partition}:states:${region}:${MOCK_ACCOUNT}:stateMachine:${machineName}` });
          id = state.arn as string;
          break;
        }
      }
      return answer(id, state);
    },
    call(args) {
      const region = typeof args.inputs.region === "string" ? args.inputs.region : providerRegion;
      const partition = partitionOf(region);
      switch (args.token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
          return { accountId: MOCK_ACCOUNT, arn: `arn:${partition}:iam::${MOCK_ACCOUNT}:user/offline`, userId: "AIDAOFFLINE", id: MOCK_ACCOUNT };
        case "aws:index/getRegion:getRegion":
          return { region, name: region, id: region, endpoint: `${region}.amazonaws.com`, description: region };
        case "aws:index/getPartition:getPartition":
          return { partition, id: partition, dnsSuffix: partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
        case "aws:bedrock/getInferenceProfile:getInferenceProfile":
          return inferenceProfile(String(args.inputs.inferenceProfileId), region);
        default:
          throw new Error(`offline synth has no answer for data source ${args.token}`);
      }
    },
  };
}

/**
 * GetInferenceProfile as AWS would answer it, from the catalog. A profile the catalog lacks gets no models:
 * the program then stops with its own offline message (errors thrown here lose their text in the mock RPC).
 */
function inferenceProfile(identifier: string, region: string): Record<string, unknown> {
  const ref = parseModelId(identifier);
  const destinations = ref.kind === "system-profile" ? catalogDestinations(ref.profileId, region) : undefined;
  if (ref.kind !== "system-profile" || !destinations) {
    return { inferenceProfileId: identifier, inferenceProfileName: identifier, models: [], type: "UNKNOWN_OFFLINE", status: "ACTIVE" };
  }
  const partition = partitionOf(region);
  // AWS's answer can leave out the source Region (us-gov.anthropic.claude-sonnet-4-5 from us-gov-east-1 names only
  // us-gov-west-1); answer that way whenever another Region remains, so offline runs prove it is added back.
  const others = destinations.kind === "regions" ? destinations.regions.filter((r) => r !== region) : [];
  const models =
    destinations.kind === "global"
      ? [{ modelArn: foundationModelArn(partition, "", ref.foundationModelId) }]
      : (others.length ? others : destinations.regions).map((r) => ({ modelArn: foundationModelArn(partition, r, ref.foundationModelId) }));
  return { inferenceProfileId: ref.profileId, inferenceProfileName: ref.profileId, models, type: "SYSTEM_DEFINED", status: "ACTIVE" };
}
