// `npm run schema`: writes what derives from the settings' schema (config/schema-files.ts) into Pulumi.yaml and
// docs/configuration.md. Run it after adding or changing an argument; test/config/schema-files.test.ts checks it.
import * as fs from "node:fs";
import * as path from "node:path";
import { pulumiYaml, withSettingsTable } from "../../stack/schema-files";

const root = path.resolve(__dirname, "..", "..");
const targets: [string, (text: string) => string][] = [
  ["Pulumi.yaml", pulumiYaml],
  ["docs/configuration.md", withSettingsTable],
];
for (const [file, rewrite] of targets) {
  const full = path.join(root, file);
  const before = fs.readFileSync(full, "utf8");
  const after = rewrite(before);
  if (after !== before) fs.writeFileSync(full, after);
  process.stdout.write(`${file}: ${after === before ? "up to date" : "written"}\n`);
}
