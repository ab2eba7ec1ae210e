// npm run bench:cdk-setup: installs aws-cdk-lib and constructs from the npm registry into the scratch folder
// tools/bench/cdk.ts reads (cdk-folder.ts), outside the work tree, so the CDK never becomes a dependency of this project.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { CDK_PACKAGES, cdkBenchFolder, cdkInstalled } from "./cdk-folder";

function setup(): void {
  const folder = cdkBenchFolder();
  const project = path.resolve(__dirname, "..", "..");
  if (folder === project || folder.startsWith(`${project}${path.sep}`)) {
    throw new Error(`BEDROCK_SFN_CDK_BENCH_DIR must be outside the project (${project}), got ${folder}`);
  }
  fs.mkdirSync(folder, { recursive: true });
  const manifest = { name: "bedrock-sfn-cdk-bench", private: true, description: "Scratch install for bedrock-sfn's tools/bench/cdk.ts", dependencies: CDK_PACKAGES };
  fs.writeFileSync(path.join(folder, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(
    `installing ${Object.entries(CDK_PACKAGES)
      .map(([n, v]) => `${n}@${v}`)
      .join(", ")} into ${folder}`,
  );
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  execFileSync(npm, ["install", "--no-audit", "--no-fund", "--no-package-lock", "--omit=dev"], { cwd: folder, stdio: "inherit" });
  if (!cdkInstalled(folder)) throw new Error(`npm install finished but ${folder}/node_modules lacks ${Object.keys(CDK_PACKAGES).join(" or ")}`);
  console.log(`ready: npm run bench (or npx ts-node --transpile-only tools/bench/cdk.ts)`);
}

if (require.main === module) {
  try {
    setup();
  } catch (error) {
    console.error(`bench:cdk-setup: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
