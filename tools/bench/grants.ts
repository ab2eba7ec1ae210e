// How long the domain takes to resolve routing and write the grants for the whole catalog.
import { requiredBedrockStatements, routedRequests } from "../../src/bedrock/grants";
import { resolveModel } from "../../src/bedrock/resolve";
import { catalogProfile, catalogProfileIds } from "../../src/bedrock/routing";
import { report, time } from "./timing";

export async function main(): Promise<void> {
  const pairs = catalogProfileIds().flatMap((id) => Object.keys(catalogProfile(id)!.sourceToDestinations).map((source) => ({ id, source })));
  const t = await time(pairs.length * 20, (i) => {
    const { id, source } = pairs[i % pairs.length];
    const model = resolveModel({ modelId: id, sourceRegion: source, account: "123456789012" });
    requiredBedrockStatements(model);
    routedRequests(model);
  });
  report(`grants: resolve + statements (${pairs.length} catalog pairs)`, t, "pair");
}

if (require.main === module) main();
