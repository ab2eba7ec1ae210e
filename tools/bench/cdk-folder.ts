// Where tools/bench/cdk.ts finds aws-cdk-lib: a scratch folder outside the work tree (never a project dependency),
// filled by `npm run bench:cdk-setup`. BEDROCK_SFN_CDK_BENCH_DIR overrides it.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The versions the comparison was measured with (aws-cdk-lib 2.x supports Node 20). */
export const CDK_PACKAGES = { "aws-cdk-lib": "2.276.0", constructs: "10.8.1" } as const;

export function cdkBenchFolder(): string {
  return path.resolve(process.env.BEDROCK_SFN_CDK_BENCH_DIR || path.join(os.homedir(), ".cache", "bedrock-sfn", "cdk-bench"));
}

/** True when the scratch folder holds an install of aws-cdk-lib and constructs. */
export function cdkInstalled(folder = cdkBenchFolder()): boolean {
  return Object.keys(CDK_PACKAGES).every((name) => fs.existsSync(path.join(folder, "node_modules", name, "package.json")));
}
